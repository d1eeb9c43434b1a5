import { createHash, randomBytes } from "node:crypto";

// The links a signer gets: one to confirm the signature (when the edition asks for it), one to
// withdraw it ("it wasn't me"). Each is a random token of 32 bytes; only its SHA-256 is stored
// (signature_links), so the database alone cannot follow a link. A token is long and random,
// so a plain hash is enough (nothing to guess, nothing to stretch).

/** A confirmation link works this long; the reminder (after 48 h) sends a new one. */
export const CONFIRM_LINK_DAYS = 7;

/** The shape of a token in an address (base64url of 32 bytes). */
export const TOKEN_PATTERN = "^[A-Za-z0-9_-]{43}$";
const TOKEN = new RegExp(TOKEN_PATTERN);
export const isToken = (value: string | undefined): value is string =>
  value !== undefined && TOKEN.test(value);

export interface Link {
  purpose: "confirm" | "withdraw";
  /** Sent to the signer, never stored. */
  token: string;
  hash: Buffer;
  expiresAt: Date | null;
}

export const linkHash = (token: string): Buffer => createHash("sha256").update(token).digest();

export function newLink(purpose: "confirm" | "withdraw", now = new Date()): Link {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = purpose === "confirm" ? new Date(now.getTime() + CONFIRM_LINK_DAYS * 86_400_000) : null;
  return { purpose, token, hash: linkHash(token), expiresAt };
}

/** The page a link opens, in the signer's language. */
export function linkPath(language: string, purpose: "confirm" | "withdraw", token: string): string {
  return `/${language}/signatures/${purpose}?t=${token}`;
}
