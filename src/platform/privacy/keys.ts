import { createHmac, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

// The data keys: 32 random bytes, written as base64. A key is known by an id computed from it
// (a keyed fingerprint, four bytes), which every sealed value carries, so a value sealed under
// an older key is found, opened and sealed again under the current one (`inkwell rotate-key`)
// without anyone having to name keys.

export const KEY_BYTES = 32;

export interface DataKey {
  /** Four bytes, as hex: what a sealed value carries to say which key opens it. */
  id: string;
  bytes: Buffer;
}

export interface DataKeys {
  /** Seals every new value; opens values sealed under it. */
  current: DataKey;
  /** Open values sealed under them only (during a rotation); never seal. */
  previous: DataKey[];
}

/** The key's id: an HMAC of a fixed label, so the id says nothing about the key. */
export function keyId(bytes: Buffer): string {
  return createHmac("sha256", bytes).update("inkwell data key id").digest().subarray(0, 4).toString("hex");
}

/** The key a base64 text stands for, or a problem message (for the configuration's report). */
export function parseDataKey(text: string): DataKey | string {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed))
    return "expected base64 (e.g. the output of `inkwell data-key`)";
  const bytes = Buffer.from(trimmed, "base64");
  if (bytes.length !== KEY_BYTES) return `expected ${KEY_BYTES} bytes in base64, got ${bytes.length}`;
  return { id: keyId(bytes), bytes };
}

export function generateDataKey(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}

/** Where the embedded database keeps the key it generated, beside its credentials (not in its files). */
export const keyFile = (dataDir: string): string => path.join(dataDir, "data-key");

/**
 * The embedded demo's key: generated on first use into the data directory (readable by this
 * user only), like the database's credentials. A copy of the database files (`<DATA_DIR>/pg`)
 * without this file reveals no name or email.
 */
export function loadOrCreateKeyFile(dataDir: string): DataKey {
  const file = keyFile(dataDir);
  if (!existsSync(file)) {
    try {
      writeFileSync(file, `${generateDataKey()}\n`, { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Another command on the same data directory made it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const parsed = parseDataKey(readFileSync(file, "utf8"));
  if (typeof parsed === "string") throw new Error(`The data key in ${file} is not usable: ${parsed}`);
  return parsed;
}
