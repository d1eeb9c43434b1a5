import { createHmac, createSecretKey, type KeyObject, randomBytes, randomFillSync } from "node:crypto";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import type pg from "pg";
import { personalEmail } from "../rules.js";
import { type DataKeys, KEY_BYTES } from "./keys.js";

// Names and emails are stored sealed: XChaCha20-Poly1305 (@noble/ciphers, audited, no native
// code) under the data key, with a random 192-bit nonce per value — long enough that random
// nonces never repeat under one key, so no counter has to be kept across nodes. A sealed value is
//
//   [format 1][key id, 4 bytes][nonce, 24 bytes][ciphertext + 16-byte tag]
//
// and its header and kind ("email", "name", "mail") are authenticated with it, so a value cannot be
// moved into a column of another kind (an email onto the public wall as an author) unnoticed.
//
// Look-ups go by a keyed hash of the address as one person (personalEmail): HMAC-SHA256 under
// the look-up key, 32 random bytes made once per database and stored sealed under the data key
// (table privacy_keys). Rotating the data key re-seals that one row; every hash stays valid, so
// unique constraints on them (one RSVP per person, one signature per person) hold throughout.

export type SealKind = "email" | "name" | "mail";
type Kind = SealKind | "lookup key";

const FORMAT = 1;
const HEADER = 5;
const NONCE = 24;
const TAG = 16;
const OVERHEAD = HEADER + NONCE + TAG;
const AAD: Record<Kind, Buffer> = {
  email: Buffer.from("email"),
  name: Buffer.from("name"),
  mail: Buffer.from("mail"),
  "lookup key": Buffer.from("lookup key"),
};

export class PrivacyKeyError extends Error {
  override name = "PrivacyKeyError";
}

/** Nonces are drawn from the system's CSPRNG a few hundred at a time (one call, not one per value). */
class Nonces {
  private pool = Buffer.alloc(0);
  private at = 0;
  next(into: Buffer, offset: number): void {
    if (this.at + NONCE > this.pool.length) {
      this.pool = randomFillSync(Buffer.alloc(NONCE * 256));
      this.at = 0;
    }
    this.pool.copy(into, offset, this.at, this.at + NONCE);
    // Used bytes are overwritten so that no nonce stays in memory to be handed out twice.
    this.pool.fill(0, this.at, this.at + NONCE);
    this.at += NONCE;
  }
}

export class Privacy {
  /** The id of the key new values are sealed under. */
  readonly keyId: string;
  private readonly current: Buffer;
  private readonly header: Buffer;
  private readonly keys = new Map<string, Buffer>();
  private readonly lookup: KeyObject;
  private readonly nonces = new Nonces();

  constructor(keys: DataKeys, lookupKey: Buffer) {
    this.keyId = keys.current.id;
    this.current = keys.current.bytes;
    this.header = Buffer.concat([Buffer.from([FORMAT]), Buffer.from(keys.current.id, "hex")]);
    for (const key of [keys.current, ...keys.previous]) this.keys.set(key.id, key.bytes);
    this.lookup = createSecretKey(lookupKey);
  }

  /** Seals a text under the current key. */
  seal(text: string, kind: SealKind): Buffer {
    return this.sealBytes(Buffer.from(text, "utf8"), kind);
  }

  sealOrNull(text: string | null | undefined, kind: SealKind): Buffer | null {
    return text === null || text === undefined ? null : this.seal(text, kind);
  }

  /** The text of a sealed value; throws when it was tampered with or no configured key opens it. */
  open(sealed: Uint8Array, kind: SealKind): string {
    return Buffer.from(this.openBytes(sealed, kind)).toString("utf8");
  }

  openOrNull(sealed: Uint8Array | null | undefined, kind: SealKind): string | null {
    return sealed === null || sealed === undefined ? null : this.open(sealed, kind);
  }

  /**
   * A column's value while rows written before encryption may still hold clear text (until
   * `inkwell encrypt` or the start-up pass has sealed them): the sealed value when there is one.
   */
  read(
    sealed: Uint8Array | null | undefined,
    clear: string | null | undefined,
    kind: SealKind,
  ): string | null {
    return sealed ? this.open(sealed, kind) : (clear ?? null);
  }

  /**
   * The keyed hash that finds a person's rows: HMAC-SHA256 of personalEmail(email), 32 bytes.
   * The same for every spelling of one person's address (case, spaces, Gmail's dots and +tags).
   */
  emailKey(email: string): Buffer {
    return createHmac("sha256", this.lookup).update(personalEmail(email), "utf8").digest();
  }

  /** The id of the key a sealed value was sealed under. */
  keyOf(sealed: Uint8Array): string {
    return Buffer.from(sealed.subarray(1, HEADER)).toString("hex");
  }

  /** The value sealed again under the current key (unchanged if it already is). */
  reseal(sealed: Uint8Array, kind: SealKind): Buffer {
    if (this.keyOf(sealed) === this.keyId) return Buffer.from(sealed);
    return this.sealBytes(this.openBytes(sealed, kind), kind);
  }

  /** For the look-up key's own row (openPrivacy, rotation). */
  sealLookupKey(key: Buffer): Buffer {
    return this.sealBytes(key, "lookup key");
  }

  openLookupKey(sealed: Uint8Array): Buffer {
    return Buffer.from(this.openBytes(sealed, "lookup key"));
  }

  private sealBytes(plain: Uint8Array, kind: Kind): Buffer {
    const out = Buffer.allocUnsafe(HEADER + NONCE);
    this.header.copy(out, 0);
    this.nonces.next(out, HEADER);
    const nonce = out.subarray(HEADER, HEADER + NONCE);
    const cipher = xchacha20poly1305(
      this.current,
      nonce,
      Buffer.concat([out.subarray(0, HEADER), AAD[kind]]),
    );
    return Buffer.concat([out, cipher.encrypt(plain)]);
  }

  private openBytes(sealed: Uint8Array, kind: Kind): Uint8Array {
    if (sealed.length < OVERHEAD || sealed[0] !== FORMAT) throw new PrivacyKeyError("Not a sealed value");
    const id = this.keyOf(sealed);
    const key = this.keys.get(id);
    if (!key) throw new PrivacyKeyError(unknownKey(id, this.keyId));
    const header = sealed.subarray(0, HEADER);
    const nonce = sealed.subarray(HEADER, HEADER + NONCE);
    const aad = Buffer.concat([header, AAD[kind]]);
    return xchacha20poly1305(key, nonce, aad).decrypt(sealed.subarray(HEADER + NONCE));
  }
}

const unknownKey = (id: string, current: string) =>
  `Personal data in this database is sealed under data key ${id}, which is neither DATA_KEY (key ${current}) ` +
  "nor one of DATA_KEY_PREVIOUS. Set DATA_KEY_PREVIOUS to the key it was sealed under (see README, " +
  '"Personal data at rest").';

/**
 * The database's privacy under these keys: reads the look-up key, making it on first use (two
 * nodes starting at once agree on the first one stored). Throws PrivacyKeyError when no
 * configured key opens it: the node must not start and seal new data under a key that does not
 * belong to this database.
 */
export async function openPrivacy(db: pg.Pool | pg.ClientBase, keys: DataKeys): Promise<Privacy> {
  const sealer = new Privacy(keys, Buffer.alloc(KEY_BYTES));
  await db.query(
    "INSERT INTO privacy_keys (purpose, sealed) VALUES ('lookup', $1) ON CONFLICT (purpose) DO NOTHING",
    [sealer.sealLookupKey(randomBytes(KEY_BYTES))],
  );
  const result = await db.query<{ sealed: Buffer }>(
    "SELECT sealed FROM privacy_keys WHERE purpose = 'lookup'",
  );
  const sealed = result.rows[0]?.sealed as Buffer;
  try {
    return new Privacy(keys, sealer.openLookupKey(sealed));
  } catch (error) {
    if (error instanceof PrivacyKeyError) throw error;
    // Same key id, yet the tag does not verify: the row was altered.
    throw new PrivacyKeyError(`The database's look-up key does not open: ${(error as Error).message}`);
  }
}
