import { createHash, hkdfSync, randomBytes } from "node:crypto";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import type pg from "pg";
import { withTransaction } from "../../platform/db/transaction.js";
import type { Privacy } from "../../platform/privacy/privacy.js";
import { type Actor, audit } from "../office/index.js";
import { type Erased, emailDigest, eraseHoldings, type Holdings } from "./holdings.js";

// What the office, the public /privacy page and the command line do with a person's data:
// who sees which part of it, the audited erasure, and the one-time links people ask for.

export type Via = "office" | "link" | "cli";

/** A person's holdings as one reader may see them. */
export interface Scoped {
  holdings: Holdings;
  /** Something of the person is within the reader's countries (or the reader sees every country). */
  found: boolean;
  /** Everything held is within the reader's countries: they see it all and may erase it. */
  complete: boolean;
}

/**
 * What a reader of `countries` (null: every country, an admin) sees of a person. A coordinator
 * sees the rows made in their sections' countries; when everything held is there, the whole
 * (the supporter record, mails) too, and may erase it. Otherwise an admin must: an erasure
 * removes rows of other countries as well.
 */
export function scope(holdings: Holdings, countries: string[] | null): Scoped {
  const any =
    holdings.supporters.length +
      holdings.signatures.length +
      holdings.consents.length +
      holdings.rsvps.length +
      holdings.mails.length >
    0;
  if (countries === null) return { holdings, found: any, complete: true };
  const mine = (country: string | null) => country !== null && countries.includes(country);
  const actions = holdings.actions.filter((a) => mine(a.country));
  const signatures = holdings.signatures.filter((s) => mine(s.country));
  const consents = holdings.consents.filter((c) => mine(c.country));
  const messages = holdings.messages.filter((m) => mine(m.country));
  const rsvps = holdings.rsvps.filter((r) => mine(r.country));
  const seen = actions.length + signatures.length + consents.length + messages.length + rsvps.length;
  const all =
    holdings.actions.length +
    holdings.signatures.length +
    holdings.consents.length +
    holdings.messages.length +
    holdings.rsvps.length;
  if (seen === 0) {
    const none = {
      supporters: [],
      actions: [],
      signatures: [],
      consents: [],
      messages: [],
      rsvps: [],
      mails: [],
    };
    return { holdings: none, found: false, complete: false };
  }
  if (seen === all) return { holdings, found: true, complete: true };
  // Only the supporter records that the rows in reach belong to (a signature names its record).
  return {
    holdings: { supporters: holdings.supporters, actions, signatures, consents, messages, rsvps, mails: [] },
    found: true,
    complete: false,
  };
}

/** The counts of a person's holdings: what the audit log keeps instead of who it was. */
export const countsOf = (h: Holdings) => ({
  supporters: h.supporters.length,
  actions: h.actions.length,
  signatures: h.signatures.length,
  consents: h.consents.length,
  messages: h.messages.length,
  rsvps: h.rsvps.length,
  mails: h.mails.length,
});

/** The download: everything held, as JSON. */
export function holdingsJson(h: Holdings, now = new Date()): string {
  return `${JSON.stringify({ generatedAt: now.toISOString(), ...h }, null, 2)}\n`;
}

/** Records that someone read a person's data; the record does not say whose. */
export async function auditAccess(
  db: pg.Pool,
  actor: Actor,
  action: "look_up" | "download",
  via: Via,
  h: Holdings,
): Promise<void> {
  await audit(db, actor, action, "supporter", null, null, { via, ...countsOf(h) });
}

/**
 * Erases a person everywhere, with one audit row that says how much went and how, not who.
 * `announce` tells every node's public pages (walls, places left) when they changed.
 */
export async function erasePerson(
  pool: pg.Pool,
  privacy: Privacy,
  email: string,
  actor: Actor,
  via: Via,
  announce: () => Promise<void>,
): Promise<Erased> {
  const erased = await withTransaction(pool, async (client) => {
    const done = await eraseHoldings(client, privacy, email);
    const { publicChanged: _, ...counts } = done;
    await audit(client, actor, "erase", "supporter", null, null, { via, ...counts });
    return done;
  });
  if (erased.publicChanged) await announce();
  return erased;
}

// --- One-time links -------------------------------------------------------------------------

export type LinkKind = "access" | "erasure";
/** Links asked for per address (a person's, as personalEmail folds it) per hour. */
export const REQUESTS_PER_EMAIL = 3;
/** Links asked for per client address per hour. */
export const REQUESTS_PER_ADDRESS = 10;
export const LINK_HOURS = 24;

const sha256 = (text: string) => createHash("sha256").update(text).digest("base64url");
const keyOf = (token: string) =>
  new Uint8Array(hkdfSync("sha256", token, "", "inkwell privacy link", 32) as ArrayBuffer);

/** The address, sealed so that only the link's token opens it. */
function seal(token: string, email: string): string {
  const nonce = randomBytes(24);
  const sealed = xchacha20poly1305(keyOf(token), nonce).encrypt(new TextEncoder().encode(email));
  return Buffer.concat([nonce, sealed]).toString("base64url");
}

function unseal(token: string, text: string): string {
  const bytes = Buffer.from(text, "base64url");
  const opened = xchacha20poly1305(keyOf(token), bytes.subarray(0, 24)).decrypt(bytes.subarray(24));
  return new TextDecoder().decode(opened);
}

export interface LinkRequest {
  email: string;
  kind: LinkKind;
  locale: string;
  /** The client's address, counted as a digest. */
  address: string;
}

/**
 * Makes a one-time link, unless the address or the client asked too often in the last hour.
 * Counted in PostgreSQL under one lock, so the limit holds across every node and concurrent posts.
 */
export async function requestLink(
  pool: pg.Pool,
  privacy: Privacy,
  request: LinkRequest,
): Promise<string | "limited"> {
  const token = randomBytes(32).toString("base64url");
  const email = emailDigest(privacy, request.email);
  const address = sha256(`inkwell-address|${request.address}`);
  return withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('inkwell-privacy-requests'))");
    const counts = await client.query<{ by_email: number; by_address: number }>(
      `SELECT count(*) FILTER (WHERE email_digest = $1)::int AS by_email,
              count(*) FILTER (WHERE address_digest = $2)::int AS by_address
         FROM privacy_requests
        WHERE (email_digest = $1 OR address_digest = $2) AND created_at > now() - interval '1 hour'`,
      [email, address],
    );
    const row = counts.rows[0];
    if (row && (row.by_email >= REQUESTS_PER_EMAIL || row.by_address >= REQUESTS_PER_ADDRESS))
      return "limited";
    await client.query(
      `INSERT INTO privacy_requests (token_hash, kind, locale, email_sealed, email_digest, address_digest, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(hours => ${LINK_HOURS}))`,
      [sha256(token), request.kind, request.locale, seal(token, request.email), email, address],
    );
    return token;
  });
}

export interface OpenLink {
  kind: LinkKind;
  email: string;
  locale: string;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** What a link is for, while it is valid and unused; reading it does not use it. */
export async function peekLink(db: pg.Pool, token: string): Promise<OpenLink | undefined> {
  if (!TOKEN.test(token)) return undefined;
  const result = await db.query<{ kind: LinkKind; locale: string; email_sealed: string }>(
    `SELECT kind, locale, email_sealed FROM privacy_requests
      WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()`,
    [sha256(token)],
  );
  const row = result.rows[0];
  return row && { kind: row.kind, locale: row.locale, email: unseal(token, row.email_sealed) };
}

/** Uses a link: once, by whichever request comes first (on any node). */
export async function useLink(db: pg.Pool, token: string, kind: LinkKind): Promise<OpenLink | undefined> {
  if (!TOKEN.test(token)) return undefined;
  const result = await db.query<{ kind: LinkKind; locale: string; email_sealed: string }>(
    `UPDATE privacy_requests SET used_at = now(), email_sealed = ''
      WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > now()
      RETURNING kind, locale, (SELECT p.email_sealed FROM privacy_requests p WHERE p.token_hash = $1) AS email_sealed`,
    [sha256(token), kind],
  );
  const row = result.rows[0];
  return row && { kind: row.kind, locale: row.locale, email: unseal(token, row.email_sealed) };
}

/** Requests are counted for an hour and their links valid for a day: then they go. */
export async function purgeOldRequests(db: pg.Pool): Promise<number> {
  const result = await db.query("DELETE FROM privacy_requests WHERE expires_at < now()");
  return result.rowCount ?? 0;
}
