import type pg from "pg";
import { personKey } from "../../platform/person-key.js";
import type { Privacy } from "../../platform/privacy/privacy.js";

// Everything Inkwell holds about one person, found by their email, and its erasure. This is the
// one module that knows where a person's data lives and how their rows are found (retention.ts
// holds the other: which rows are due by time); every other file of the feature goes through it.
//
// A person is their address as personalEmail folds it (j.doe+w4r@gmail.com is jdoe@gmail.com).
// Every personal row carries the keyed hash of that (Privacy.emailKey: supporters, consents,
// RSVPs, the outbox; a signature's person_key is the same hash in base64), so one indexed
// equality finds them all, and what they hold is opened here, only for the person asking.

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
export interface HeldSignature {
  id: string;
  campaign: string;
  case: string;
  status: string;
  country: string;
  signedAt: Date;
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
  /** Petition signatures (one per edition and case), by the person's key or supporter. */
  signatures: HeldSignature[];
  consents: HeldConsent[];
  messages: HeldMessage[];
  rsvps: HeldRsvp[];
  mails: HeldMail[];
}

export interface Erased {
  supporters: number;
  /** Ledger rows unlinked from the person; they stay in the ledger and keep counting. */
  actions: number;
  /** Signatures that lost their person (they keep counting; pending ones are withdrawn). */
  signatures: number;
  consents: number;
  messages: number;
  rsvps: number;
  mails: number;
  /** Approved messages among them: the public walls change. */
  publicChanged: boolean;
}

/**
 * A digest of the person's address, for counting requests per person without keeping it: the
 * keyed hash every personal row is found by, so a copy of the database does not say who asked.
 */
export function emailDigest(privacy: Privacy, email: string): string {
  return privacy.emailKey(email).toString("base64url");
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

export async function findHoldings(db: Db, privacy: Privacy, email: string): Promise<Holdings> {
  const key = privacy.emailKey(email);
  const open = (sealed: unknown, clear: unknown, kind: "email" | "name" | "mail") =>
    privacy.read(sealed as Buffer | null, clear as string | null, kind);
  const supporters = (
    await db.query(
      "SELECT id, email, name, email_sealed, name_sealed, created_at FROM supporters WHERE email_key = $1",
      [key],
    )
  ).rows.map(
    (r) =>
      ({
        id: r.id,
        email: open(r.email_sealed, r.email, "email"),
        name: open(r.name_sealed, r.name, "name"),
        createdAt: r.created_at,
      }) as HeldSupporter,
  );
  const ids = supporters.map((s) => s.id);
  // One after the other: inside an erasure this is one transaction's client.
  const [actions, signatures, consents, messages, rsvps, mails] = await sequence([
    () =>
      db.query(
        `SELECT a.id, c.slug AS campaign, k.slug AS case, a.type, a.country, a.quantity, a.channel, a.occurred_at
         FROM actions a JOIN campaigns c ON c.id = a.campaign_id JOIN cases k ON k.id = a.case_id
        WHERE a.supporter_id = ANY($1::uuid[]) ORDER BY a.occurred_at, a.id`,
        [ids],
      ),
    () =>
      db.query(
        `SELECT s.id, c.slug AS campaign, k.slug AS case, s.status, s.country, s.signed_at
         FROM signatures s JOIN campaigns c ON c.id = s.campaign_id JOIN cases k ON k.id = s.case_id
        WHERE s.person_key = $1 OR s.supporter_id = ANY($2::uuid[]) ORDER BY s.signed_at, s.id`,
        [personKey(privacy, email), ids],
      ),
    () =>
      db.query(
        `SELECT n.id, c.slug AS campaign, n.email, n.email_sealed, n.purpose, n.notice_version, n.given_at,
              coalesce(
                (SELECT a.country FROM actions a WHERE a.campaign_id = n.campaign_id
                    AND a.idempotency_key = n.idempotency_key LIMIT 1),
                -- An RSVP's consent: the event's country.
                (SELECT e.country FROM events e WHERE n.purpose = 'rsvp:' || e.id::text)) AS country
         FROM consents n JOIN campaigns c ON c.id = n.campaign_id
        WHERE n.email_key = $1 ORDER BY n.given_at, n.id`,
        [key],
      ),
    // A message is the person's when its ledger entry (the same form key) is linked to them.
    () =>
      db.query(
        `SELECT m.id, c.slug AS campaign, k.slug AS case, m.author, m.author_sealed, m.country, m.language,
                m.body, m.status, m.created_at
         FROM solidarity_messages m JOIN campaigns c ON c.id = m.campaign_id JOIN cases k ON k.id = m.case_id
         JOIN actions a ON a.campaign_id = m.campaign_id AND a.idempotency_key = m.idempotency_key
        WHERE a.supporter_id = ANY($1::uuid[]) ORDER BY m.created_at, m.id`,
        [ids],
      ),
    () =>
      db.query(
        `SELECT r.id, r.event_id, e.title, e.country, e.starts_at, r.name, r.email, r.name_sealed, r.email_sealed,
                r.created_at
         FROM event_rsvps r JOIN events e ON e.id = r.event_id
        WHERE r.email_key = $1 ORDER BY r.created_at, r.id`,
        [key],
      ),
    () =>
      db.query(
        `SELECT id, recipient, recipient_sealed, subject, subject_sealed, body, body_sealed, created_at, sent_at
         FROM outbox WHERE recipient_key = $1 ORDER BY id`,
        [key],
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
    signatures: signatures.rows.map((r) => ({
      id: r.id,
      campaign: r.campaign,
      case: r.case,
      status: r.status,
      country: trim(r.country),
      signedAt: r.signed_at,
    })),
    consents: consents.rows.map((r) => ({
      id: r.id,
      campaign: r.campaign,
      email: open(r.email_sealed, r.email, "email") ?? "",
      purpose: r.purpose,
      noticeVersion: r.notice_version,
      givenAt: r.given_at,
      country: r.country === null ? null : trim(r.country),
    })),
    messages: messages.rows.map((r) => ({
      id: r.id,
      campaign: r.campaign,
      case: r.case,
      author: open(r.author_sealed, r.author, "name"),
      country: trim(r.country),
      language: r.language,
      body: r.body,
      status: r.status,
      createdAt: r.created_at,
    })),
    rsvps: rsvps.rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      event: r.title,
      country: trim(r.country),
      startsAt: r.starts_at,
      name: open(r.name_sealed, r.name, "name") ?? "",
      email: open(r.email_sealed, r.email, "email") ?? "",
      createdAt: r.created_at,
    })),
    mails: mails.rows.map((r) => ({
      id: r.id,
      recipient: open(r.recipient_sealed, r.recipient, "email") ?? "",
      subject: open(r.subject_sealed, r.subject, "mail") ?? "",
      body: open(r.body_sealed, r.body, "mail") ?? "",
      createdAt: r.created_at,
      sentAt: r.sent_at,
    })),
  };
}

export const isEmpty = (h: Holdings): boolean =>
  h.supporters.length + h.signatures.length + h.consents.length + h.rsvps.length + h.mails.length === 0;

/**
 * Erases a person: their messages, consents, RSVPs and mails are deleted, their ledger rows
 * unlinked (they keep counting: the counters do not move), their supporter record deleted, and
 * their pending privacy links with it. Call inside a transaction.
 */
export async function eraseHoldings(client: pg.PoolClient, privacy: Privacy, email: string): Promise<Erased> {
  const h = await findHoldings(client, privacy, email);
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
  // Signatures keep counting without their person: counted ones lose it (the constraint allows
  // that to an erasure), pending ones, never counted, are withdrawn; their links go.
  const signatureIds = ids(h.signatures);
  await run("DELETE FROM signature_links WHERE signature_id = ANY($1::uuid[])", [signatureIds]);
  const signatures = await run(
    `UPDATE signatures SET person_key = NULL, supporter_id = NULL,
            status = CASE WHEN status = 'pending' THEN 'withdrawn' ELSE status END,
            withdrawn_at = CASE WHEN status = 'pending' THEN now() ELSE withdrawn_at END
      WHERE id = ANY($1::uuid[])`,
    [signatureIds],
  );
  const supporters = await run("DELETE FROM supporters WHERE id = ANY($1::uuid[])", [supporterIds]);
  await client.query("DELETE FROM privacy_requests WHERE email_digest = $1", [emailDigest(privacy, email)]);
  const publicChanged = h.messages.some((m) => m.status === "approved") || rsvps > 0;
  return { supporters, actions, signatures, consents, messages, rsvps, mails, publicChanged };
}
