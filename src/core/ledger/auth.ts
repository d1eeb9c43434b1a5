import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { Problem } from "../../platform/http/problems.js";

// Reporter tokens come from configuration until accounts exist. The ledger stores a short
// fingerprint of the token that was used, never the token itself.

export interface Reporter {
  fingerprint: string;
}

function reporterFingerprint(token: string): string {
  return `token:${createHash("sha256").update(token).digest("hex").slice(0, 12)}`;
}

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
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

/** Policy: only reporters may post a reported batch (quantity > 1). */
export function canReportBatch(reporter: Reporter | undefined): boolean {
  return reporter !== undefined;
}
