import { createHmac } from "node:crypto";
import { type Challenge, createChallenge, randomInt, type Solution, verifySolution } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import type pg from "pg";

// Self-hosted proof of work (ALTCHA's v2 scheme, with altcha-lib): over its limits, a public
// form asks the browser to find the counter whose SHA-256 key starts with a prefix the server
// derived from a counter it drew at random. Finding it takes the browser about `work` hashes;
// checking it takes the server one HMAC (the key signature). Challenges are signed with a secret
// kept in the database (migration 020), so any node checks what another made, and a solution is
// accepted once: its signature is claimed in challenge_uses on whichever node sees it first.

/** How long a challenge may be solved and used. */
const VALID_MS = 10 * 60 * 1000;
/** The work grows with how far over its limits the address is, up to this many times. */
const MAX_FACTOR = 32;
/** A payload is a few hundred characters; anything longer is not one. */
const MAX_PAYLOAD = 4096;

interface Secrets {
  signature: string;
  key: string;
}

export type Redeemed = "accepted" | "invalid" | "used";

export class Challenges {
  private secrets: Promise<Secrets> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    /** Attempts a challenge takes on average at the limit; 0: no challenge is ever made. */
    readonly work: number,
  ) {}

  private loadSecrets(): Promise<Secrets> {
    this.secrets ??= this.pool.query<{ secret: string }>("SELECT secret FROM challenge_keys").then(
      (result) => {
        const secret = result.rows[0]?.secret;
        if (!secret) throw new Error("challenge_keys holds no secret (migration 020)");
        // Two secrets from one: the challenge's signature and the derived key's.
        const derive = (label: string) => createHmac("sha256", secret).update(label).digest("hex");
        return { signature: derive("challenge"), key: derive("key") };
      },
      (error) => {
        this.secrets = undefined;
        throw error;
      },
    );
    return this.secrets;
  }

  /** A challenge for an address at `load` times its limit (≥ 1): more over, more work. */
  async create(load: number, now = Date.now()): Promise<Challenge> {
    const secrets = await this.loadSecrets();
    const factor = Math.min(MAX_FACTOR, Math.max(1, Math.floor(load)));
    const mean = this.work * factor;
    return createChallenge({
      algorithm: "SHA-256",
      cost: 1,
      // The solver counts from 0 to this number: the work is known, not left to chance.
      counter: randomInt(Math.ceil(mean * 1.5), Math.max(1, Math.floor(mean * 0.5))),
      deriveKey,
      expiresAt: new Date(now + VALID_MS),
      hmacSignatureSecret: secrets.signature,
      hmacKeySignatureSecret: secrets.key,
    });
  }

  /**
   * A solved challenge as the browser sends it (base64 of `{challenge, solution}` JSON): accepted
   * once, when it is ours, unexpired and solved; "used" when it was accepted before.
   */
  async redeem(payload: string): Promise<Redeemed> {
    const parsed = parsePayload(payload);
    if (!parsed) return "invalid";
    const secrets = await this.loadSecrets();
    const result = await verifySolution({
      challenge: parsed.challenge,
      solution: parsed.solution,
      deriveKey,
      hmacSignatureSecret: secrets.signature,
      hmacKeySignatureSecret: secrets.key,
    }).catch(() => ({ verified: false }));
    if (!result.verified || !parsed.challenge.signature) return "invalid";
    const expires = (parsed.challenge.parameters.expiresAt ?? 0) * 1000;
    const claimed = await this.pool.query(
      `INSERT INTO challenge_uses (signature, expires_at) VALUES ($1, to_timestamp($2 / 1000.0))
       ON CONFLICT (signature) DO NOTHING`,
      [parsed.challenge.signature, expires],
    );
    return claimed.rowCount === 1 ? "accepted" : "used";
  }

  /** Forgets uses of challenges that expired (their signatures are refused anyway). */
  async purge(): Promise<void> {
    await this.pool.query("DELETE FROM challenge_uses WHERE expires_at < now()");
  }
}

/** What the browser's script sends in the `altcha` field (assets/challenge.js). */
export function encodePayload(challenge: Challenge, solution: Solution): string {
  return Buffer.from(JSON.stringify({ challenge, solution })).toString("base64");
}

function parsePayload(payload: string): { challenge: Challenge; solution: Solution } | undefined {
  if (payload.length === 0 || payload.length > MAX_PAYLOAD) return undefined;
  try {
    const value = JSON.parse(Buffer.from(payload, "base64").toString("utf8")) as {
      challenge?: Challenge;
      solution?: Solution;
    };
    const { challenge, solution } = value;
    if (!challenge || typeof challenge !== "object" || typeof challenge.parameters !== "object")
      return undefined;
    if (!solution || typeof solution !== "object") return undefined;
    if (typeof challenge.signature !== "string" || !/^[0-9a-f]{64}$/.test(challenge.signature))
      return undefined;
    return { challenge, solution };
  } catch {
    return undefined;
  }
}
