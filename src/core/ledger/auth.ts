import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Problem } from "../../platform/http/problems.js";

// Reporter tokens come from configuration until accounts exist. The ledger stores a short
// fingerprint of the token that was used, never the token itself.

export interface Reporter {
  fingerprint: string;
}

function reporterFingerprint(token: string): string {
  return `token:${createHash("sha256").update(token).digest("hex").slice(0, 12)}`;
}

/** Compares digests, so neither the contents nor the length of a guess shows in the time taken. */
function equal(a: string, b: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match)
    throw new Problem(401, "invalid_authorization", "Use the header Authorization: Bearer <token>.");
  return match[1];
}

/** The reporter behind the request, undefined for anonymous requests; a wrong token is a 401. */
export function authenticateReporter(request: FastifyRequest, tokens: string[]): Reporter | undefined {
  const token = bearerToken(request);
  if (token === undefined) return undefined;
  // Compare against every token so the time taken does not tell which one nearly matched.
  let found = false;
  for (const candidate of tokens) found = equal(candidate, token) || found;
  if (!found) throw new Problem(401, "invalid_token", "The bearer token is not valid.");
  return { fingerprint: reporterFingerprint(token) };
}

/** Counts wrong tokens per client address (src/platform/http/failures.ts). */
export interface TokenFailures {
  /** Seconds until this request's address may present a token again; 0 when it may now. */
  lockedFor(request: FastifyRequest): Promise<number>;
  record(request: FastifyRequest): Promise<void>;
}

export type ReporterGate = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const verified = new WeakMap<FastifyRequest, Reporter>();

/**
 * The onRequest hook of every route that reads a bearer token. It runs before the body is read
 * and before the rate limiter, so every guess is counted and none is told apart by a later answer
 * (a 400, or the limiter's headers). After too many wrong tokens from one address, every token
 * from it is refused until the window ends — the right one too, or guessing would go on.
 */
export function reporterGate(tokens: string[], failures: TokenFailures | undefined): ReporterGate {
  return async (request, reply) => {
    if (request.headers.authorization === undefined) return;
    const wait = failures ? await failures.lockedFor(request) : 0;
    if (wait > 0) {
      reply.header("retry-after", String(wait));
      throw new Problem(
        429,
        "too_many_token_failures",
        `Too many wrong bearer tokens from this address; try again in ${wait} s.`,
      );
    }
    try {
      const reporter = authenticateReporter(request, tokens);
      if (reporter) verified.set(request, reporter);
    } catch (error) {
      if (error instanceof Problem) await failures?.record(request);
      throw error;
    }
  };
}

/** The reporter reporterGate found for this request; undefined where it did not run or found none. */
export function verifiedReporter(request: FastifyRequest): Reporter | undefined {
  return verified.get(request);
}

/** Policy: only reporters may post a reported batch (quantity > 1). */
export function canReportBatch(reporter: Reporter | undefined): boolean {
  return reporter !== undefined;
}
