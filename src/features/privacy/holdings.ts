import { createHash } from "node:crypto";
import type pg from "pg";
import { normalizeEmail, personalEmail } from "../../platform/rules.js";

// Everything Inkwell holds about one person, found by their email, and its erasure. This is the
// one module that knows where a person's data lives and how their rows are found (retention.ts
// holds the other: which rows are due by time); every other file of the feature goes through it. Written against the clear-text columns; with encryption at rest
// the finding becomes a keyed hash of personalEmail and the reading a decryption, here only.
//
// A person is their address as personalEmail folds it (j.doe+w4r@gmail.com is jdoe@gmail.com),
// so a look-up finds the rows stored under the exact address and under its folded forms.

export type Db = pg.Pool | pg.PoolClient;

export interface HeldSupporter {
  id: string;
  email: string | null;
  name: string | null;
  createdAt: Date;
}
export interface HeldAction {
  id: string;
  campaign: string;
  case: string;
  type: string;
  country: string;
  quantity: number;
  channel: string;
  occurredAt: Date;
}
export interface HeldConsent {
  id: string;
  campaign: string;
  email: string;
  purpose: string;
  noticeVersion: string;
  givenAt: Date;
  /** The country of the signature it came with, when that is in the ledger. */
  country: string | null;
}
export interface HeldMessage {
  id: string;
  campaign: string;
  case: string;
  author: string | null;
  country: string;
  language: string;
  body: string;
  status: string;
  createdAt: Date;
}
export interface HeldRsvp {
  id: string;
  eventId: string;
  event: string;
  country: string;
  startsAt: Date;
  name: string;
  email: string;
  createdAt: Date;
}
export interface HeldMail {
  id: number;
  recipient: string;
  subject: string;
  body: string;
  createdAt: Date;
  sentAt: Date | null;
}

export interface Holdings {
  supporters: HeldSupporter[];
  /** Ledger rows linked to the person: signatures, and messages sent with an address. */
  actions: HeldAction[];
  consents: HeldConsent[];
  messages: HeldMessage[];
  rsvps: HeldRsvp[];
  mails: HeldMail[];
}

export interface Erased {
  supporters: number;
  /** Ledger rows unlinked from the person; they stay in the ledger and keep counting. */
  actions: number;
  consents: number;
  messages: number;
  rsvps: number;
  mails: number;
  /** Approved messages among them: the public walls change. */
  publicChanged: boolean;
}

/** How rows of one person are found: the exact address, or the folded one for some providers. */
interface Person {
  exact: string;
  person: string;
  /** Domains whose rows must be folded to be compared (empty: the exact match is enough). */
  domains: string[];
  /** How a stored address's local part is folded in SQL, compared with the person's ($3). */
  fold: (column: string) => string;
  local: string;
  is(stored: string | null): boolean;
}

function personOf(email: string): Person {
  const exact = normalizeEmail(email);
  const person = personalEmail(email);
  const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1);
  const domain = domainOf(person);
  // What this provider folds (rules.ts knows which do), found by asking personalEmail.
  const dots = personalEmail(`a.b@${domain}`) !== `a.b@${domain}`;
  const tags = personalEmail(`a+b@${domain}`) !== `a+b@${domain}`;
  const aliases = ["googlemail.com"].filter((host) => personalEmail(`x@${host}`) === `x@${domain}`);
  const folds = dots || tags || domain !== domainOf(exact);
  return {
    exact,
    person,
    domains: folds ? [...new Set([domain, domainOf(exact), ...aliases])] : [],
    fold: (column) => {
      const local = `split_part(lower(${column}), '@', 1)`;
      const untagged = tags ? `split_part(${local}, '+', 1)` : local;
      return dots ? `replace(${untagged}, '.', '')` : untagged;
    },
    local: person.slice(0, person.lastIndexOf("@")),
    is: (stored) => stored !== null && (normalizeEmail(stored) === exact || personalEmail(stored) === person),
  };
}

/**
 * The condition finding a person's candidate rows by an address column ($1 the exact address,
 * $2 the domains that fold, $3 the folded local part). Columns stored normalized (supporters,
 * consents, RSVPs) are compared as they are, so their index serves; a folding provider's rows
 * are folded in SQL, and every candidate is checked with personalEmail itself afterwards.
 */
const byEmail = (column: string, p: Person, normalized = true) => {
  const exact = normalized ? `${column} = $1` : `lower(${column}) = $1`;
  return p.domains.length === 0
    ? `(${exact} AND $2::text[] IS NOT NULL AND $3::text IS NOT NULL)`
    : `(${exact} OR (split_part(lower(${column}), '@', 2) = ANY($2::text[]) AND ${p.fold(column)} = $3))`;
};

/** A digest of the person's address (for counting requests per person without keeping it). */
export function emailDigest(email: string): string {
  return createHash("sha256")
    .update(`inkwell-person|${personalEmail(email)}`)
    .digest("base64url");
}

/** Runs queries one after the other, keeping each one's result type. */
async function sequence<T extends readonly (() => Promise<unknown>)[]>(
  steps: T,
): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const results: unknown[] = [];
  for (const step of steps) results.push(await step());
  return results as { [K in keyof T]: Awaited<ReturnType<T[K]>> };
}

interface Row {
  [column: string]: unknown;
}
const trim = (value: unknown) => String(value ?? "").trim();

export async function findHoldings(db: Db, email: string): Promise<Holdings> {
  const p = personOf(email);
  const args = [p.exact, p.domains, p.local];
  const keep = <T extends Row>(rows: T[], column: string) => rows.filter((r) => p.is(r[column] as string));
  const supporters = keep(
    (await db.query(`SELECT id, email, name, created_at FROM supporters WHERE ${byEmail("email", p)}`, args))
      .rows,
    "email",
  ).map((r) => ({ id: r.id, email: r.email, name: r.name, createdAt: r.created_at }) as HeldSupporter);
  const ids = supporters.map((s) => s.id);
  // One after the other: inside an erasure this is one transaction's client.
  const [actions, consents, messages, rsvps, mails] = await sequence([
    () =>
      db.query(
        `SELECT a.id, c.slug AS campaign, k.slug AS case, a.type, a.country, a.quantity, a.channel, a.occurred_at
         FROM actions a JOIN campaigns c ON c.id = a.campaign_id JOIN cases k ON k.id = a.case_id
        WHERE a.supporter_id = ANY($1::uuid[]) ORDER BY a.occurred_at, a.id`,
        [ids],
      ),
    () =>
      db.query(
        `SELECT n.id, c.slug AS campaign, n.email, n.purpose, n.notice_version, n.given_at,
              (SELECT a.country FROM actions a WHERE a.campaign_id = n.campaign_id
                  AND a.idempotency_key = n.idempotency_key LIMIT 1) AS country
         FROM consents n JOIN campaigns c ON c.id = n.campaign_id
        WHERE ${byEmail("n.email", p)} ORDER BY n.given_at, n.id`,
        args,
      ),
    // A message is the person's when its ledger entry (the same form key) is linked to them.
    () =>
      db.query(
        `SELECT m.id, c.slug AS campaign, k.slug AS case, m.author, m.country, m.language, m.body, m.status, m.created_at
         FROM solidarity_messages m JOIN campaigns c ON c.id = m.campaign_id JOIN cases k ON k.id = m.case_id
         JOIN actions a ON a.campaign_id = m.campaign_id AND a.idempotency_key = m.idempotency_key
        WHERE a.supporter_id = ANY($1::uuid[]) ORDER BY m.created_at, m.id`,
        [ids],
      ),
    () =>
      db.query(
        `SELECT r.id, r.event_id, e.title, e.country, e.starts_at, r.name, r.email, r.created_at
         FROM event_rsvps r JOIN events e ON e.id = r.event_id
        WHERE ${byEmail("r.email", p)} ORDER BY r.created_at, r.id`,
        args,
      ),
    () =>
      db.query(
        `SELECT id, recipient, subject, body, created_at, sent_at FROM outbox
        WHERE ${byEmail("recipient", p, false)} ORDER BY id`,
        args,
      ),
  ] as const);
  return {
    supporters,
    actions: actions.rows.map((r) => ({
      id: r.id,
      campaign: r.campaign,
      case: r.case,
      type: r.type,
      country: trim(r.country),
      quantity: r.quantity,
      channel: r.channel,
      occurredAt: r.occurred_at,
    })),
    consents: keep(consents.rows, "email").map((r) => ({
      id: r.id,
      campaign: r.campaign,
      email: r.email,
      purpose: r.purpose,
      noticeVersion: r.notice_version,
      givenAt: r.given_at,
      country: r.country === null ? null : trim(r.country),
    })),
    messages: messages.rows.map((r) => ({
      id: r.id,
      campaign: r.campaign,
      case: r.case,
      author: r.author,
      country: trim(r.country),
      language: r.language,
      body: r.body,
      status: r.status,
      createdAt: r.created_at,
    })),
    rsvps: keep(rsvps.rows, "email").map((r) => ({
      id: r.id,
      eventId: r.event_id,
      event: r.title,
      country: trim(r.country),
      startsAt: r.starts_at,
      name: r.name,
      email: r.email,
      createdAt: r.created_at,
    })),
    mails: keep(mails.rows, "recipient").map((r) => ({
      id: r.id,
      recipient: r.recipient,
      subject: r.subject,
      body: r.body,
      createdAt: r.created_at,
      sentAt: r.sent_at,
    })),
  };
}

export const isEmpty = (h: Holdings): boolean =>
  h.supporters.length + h.consents.length + h.rsvps.length + h.mails.length === 0;

/**
 * Erases a person: their messages, consents, RSVPs and mails are deleted, their ledger rows
 * unlinked (they keep counting: the counters do not move), their supporter record deleted, and
 * their pending privacy links with it. Call inside a transaction.
 */
export async function eraseHoldings(client: pg.PoolClient, email: string): Promise<Erased> {
  const h = await findHoldings(client, email);
  const ids = <T extends { id: string | number }>(rows: T[]) => rows.map((r) => r.id);
  const run = async (sql: string, values: unknown[]) => (await client.query(sql, values)).rowCount ?? 0;
  const messages = await run("DELETE FROM solidarity_messages WHERE id = ANY($1::uuid[])", [ids(h.messages)]);
  const consents = await run("DELETE FROM consents WHERE id = ANY($1::uuid[])", [ids(h.consents)]);
  const rsvps = await run("DELETE FROM event_rsvps WHERE id = ANY($1::uuid[])", [ids(h.rsvps)]);
  const mails = await run("DELETE FROM outbox WHERE id = ANY($1::bigint[])", [ids(h.mails)]);
  const supporterIds = ids(h.supporters);
  const actions = await run("UPDATE actions SET supporter_id = NULL WHERE supporter_id = ANY($1::uuid[])", [
    supporterIds,
  ]);
  const supporters = await run("DELETE FROM supporters WHERE id = ANY($1::uuid[])", [supporterIds]);
  await client.query("DELETE FROM privacy_requests WHERE email_digest = $1", [emailDigest(email)]);
  const publicChanged = h.messages.some((m) => m.status === "approved") || rsvps > 0;
  return { supporters, actions, consents, messages, rsvps, mails, publicChanged };
}
