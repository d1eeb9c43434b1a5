import { createHash } from "node:crypto";
import type pg from "pg";
import { normalizeEmail, personalEmail } from "../../platform/rules.js";

// Everything Inkwell holds about one person, found by their email, and its erasure; and the
// retention rules that erase names and emails once their time is over. This is the ONE module
// that knows where personal data lives and how a person's rows are found: every other file of
// the feature goes through it. Written against the clear-text columns; with encryption at rest
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
  /** Domains whose rows must be read and folded to be compared (empty: the exact match is enough). */
  domains: string[];
  is(stored: string | null): boolean;
}

function personOf(email: string): Person {
  const exact = normalizeEmail(email);
  const person = personalEmail(email);
  const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1);
  const domain = domainOf(person);
  // Whether this provider folds dots or +tags at all (rules.ts knows which do).
  const probe = `a.b+c@${domain}`;
  const folds = personalEmail(probe) !== probe || domain !== domainOf(exact);
  const aliases = ["googlemail.com"].filter((host) => personalEmail(`x@${host}`) === `x@${domain}`);
  return {
    exact,
    person,
    domains: folds ? [...new Set([domain, domainOf(exact), ...aliases])] : [],
    is: (stored) => stored !== null && (normalizeEmail(stored) === exact || personalEmail(stored) === person),
  };
}

/**
 * The condition finding a person's candidate rows by an address column ($1 the exact address,
 * $2 the domains to fold). Columns stored normalized (supporters, consents, RSVPs) are compared
 * as they are, so their index serves; only a folding provider's rows are read by domain.
 */
const byEmail = (column: string, p: Person, normalized = true) => {
  const exact = normalized ? `${column} = $1` : `lower(${column}) = $1`;
  return p.domains.length === 0
    ? `(${exact} AND $2::text[] IS NOT NULL)`
    : `(${exact} OR split_part(lower(${column}), '@', 2) = ANY($2::text[]))`;
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
  const args = [p.exact, p.domains];
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

// --- Retention ------------------------------------------------------------------------------

export const RETENTION_KINDS = ["supporters", "consents", "authors", "rsvps", "mails"] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];
/** RSVPs go 30 days after their event (the RSVP form says so: events' RSVP_RETENTION_DAYS). */
export const RSVP_DAYS = 30;
/** Mail leaves the outbox 30 days after it was sent (or made, if it never was: nothing retries it). */
export const MAIL_DAYS = 30;

export interface RetentionRule {
  months: number;
  now: Date;
}
export interface RetentionCount {
  kind: RetentionKind;
  /** The edition whose period ended ("" for mails, which belong to none). */
  campaign: string;
  count: number;
}

// Each kind: the rows that are due ($1 months, $2 now) with the edition they are due by, and
// what erasing one does. The dry run counts `due`; the run applies `erase` to the same rows, in
// batches, so it erases exactly what the dry run counted at the same instant.
const DUE: Record<RetentionKind, { due: string; erase: string }> = {
  // A supporter goes when the last edition they acted in (or consented in) is over + N months.
  supporters: {
    due: `SELECT s.id, coalesce(last.slug, '') AS campaign FROM supporters s
            LEFT JOIN LATERAL (
              SELECT c.slug, c.ends_at FROM campaigns c
               WHERE c.id IN (SELECT campaign_id FROM actions WHERE supporter_id = s.id
                              UNION SELECT campaign_id FROM consents WHERE email = s.email)
               ORDER BY c.ends_at DESC LIMIT 1) last ON true
           WHERE (s.email IS NOT NULL OR s.name IS NOT NULL)
             AND coalesce(last.ends_at, s.created_at) + make_interval(months => $1) < $2`,
    erase: "UPDATE supporters t SET email = NULL, name = NULL FROM due WHERE t.id = due.id",
  },
  // A consent proves what an address agreed to: it goes with the last supporter holding it.
  consents: {
    due: `SELECT n.id, c.slug AS campaign FROM consents n JOIN campaigns c ON c.id = n.campaign_id
           WHERE c.ends_at + make_interval(months => $1) < $2
             AND NOT EXISTS (
               SELECT 1 FROM supporters s
                 LEFT JOIN LATERAL (
                   SELECT max(c2.ends_at) AS ends_at FROM campaigns c2
                    WHERE c2.id IN (SELECT campaign_id FROM actions WHERE supporter_id = s.id
                                    UNION SELECT campaign_id FROM consents WHERE email = s.email)) last ON true
                WHERE s.email = n.email
                  AND coalesce(last.ends_at, s.created_at) + make_interval(months => $1) >= $2)`,
    erase: "DELETE FROM consents t USING due WHERE t.id = due.id",
  },
  authors: {
    due: `SELECT m.id, c.slug AS campaign FROM solidarity_messages m JOIN campaigns c ON c.id = m.campaign_id
           WHERE m.author IS NOT NULL AND c.ends_at + make_interval(months => $1) < $2`,
    erase: "UPDATE solidarity_messages t SET author = NULL FROM due WHERE t.id = due.id",
  },
  rsvps: {
    due: `SELECT r.id, c.slug AS campaign FROM event_rsvps r JOIN events e ON e.id = r.event_id
            JOIN campaigns c ON c.id = e.campaign_id
           WHERE e.ends_at < $2::timestamptz - make_interval(days => ${RSVP_DAYS}) AND $1::int IS NOT NULL`,
    erase: "DELETE FROM event_rsvps t USING due WHERE t.id = due.id",
  },
  mails: {
    due: `SELECT id, '' AS campaign FROM outbox
           WHERE coalesce(sent_at, created_at) < $2::timestamptz - make_interval(days => ${MAIL_DAYS})
             AND $1::int IS NOT NULL`,
    erase: "DELETE FROM outbox t USING due WHERE t.id = due.id",
  },
};

const BATCH = 5000;

/** What retention would erase at `rule.now`, per kind and edition. Changes nothing. */
export async function retentionPlan(db: Db, rule: RetentionRule): Promise<RetentionCount[]> {
  const counts: RetentionCount[] = [];
  for (const kind of RETENTION_KINDS) {
    const result = await db.query<{ campaign: string; n: number }>(
      `WITH due AS (${DUE[kind].due}) SELECT campaign, count(*)::int AS n FROM due GROUP BY 1 ORDER BY 1`,
      [rule.months, rule.now],
    );
    for (const r of result.rows) counts.push({ kind, campaign: r.campaign, count: r.n });
  }
  return counts;
}

/**
 * Erases what is due at `rule.now`, kind by kind (supporters before the consents that go with
 * them), in batches. The caller holds the retention lock (one node at a time).
 */
export async function applyRetention(db: Db, rule: RetentionRule): Promise<RetentionCount[]> {
  const totals = new Map<string, RetentionCount>();
  for (const kind of RETENTION_KINDS) {
    for (;;) {
      const result = await db.query<{ campaign: string; n: number }>(
        `WITH due AS (${DUE[kind].due} LIMIT ${BATCH}), done AS (${DUE[kind].erase} RETURNING due.campaign)
         SELECT campaign, count(*)::int AS n FROM done GROUP BY 1`,
        [rule.months, rule.now],
      );
      let batch = 0;
      for (const r of result.rows) {
        const key = `${kind}|${r.campaign}`;
        const total = totals.get(key) ?? { kind, campaign: r.campaign, count: 0 };
        total.count += r.n;
        totals.set(key, total);
        batch += r.n;
      }
      if (batch < BATCH) break;
    }
  }
  return [...totals.values()].sort(
    (a, b) =>
      RETENTION_KINDS.indexOf(a.kind) - RETENTION_KINDS.indexOf(b.kind) ||
      a.campaign.localeCompare(b.campaign),
  );
}
