import type pg from "pg";
import type { LedgerEntry } from "../../core/ledger/types.js";
import { withTransaction } from "../../platform/db/transaction.js";
import type { Privacy } from "../../platform/privacy/privacy.js";
import { type Link, linkHash } from "./links.js";

// The signatures table's SQL (migration 019). A counted signature is written by the ledger's
// append statement with its entry (SignatureStep); what is here writes no ledger entry: a
// pending signature, the links, the look-ups, and the erasure of a withdrawn signature's person.

type Db = pg.Pool | pg.PoolClient;

export type SignatureStatus = "pending" | "counted" | "withdrawn";

export interface Signature {
  id: string;
  campaignId: number;
  caseId: number;
  status: SignatureStatus;
  idempotencyKey: string | null;
  supporterId: string | null;
  actionId: string | null;
  country: string;
  channel: string;
  sectionId: number | null;
  source: string | null;
  occurredAt: Date;
  language: string;
  signedAt: Date;
}

interface SignatureRow {
  id: string;
  campaign_id: number;
  case_id: number;
  status: SignatureStatus;
  idempotency_key: string | null;
  supporter_id: string | null;
  action_id: string | null;
  country: string;
  channel: string;
  section_id: number | null;
  source: string | null;
  occurred_at: Date;
  language: string;
  signed_at: Date;
}

// A signature counted at once names its supporter through its ledger entry (the append
// statement writes the supporter only once the signature is in); a pending one names it itself.
const COLUMNS = `s.id, s.campaign_id, s.case_id, s.status, s.idempotency_key,
  coalesce(s.supporter_id, (SELECT a.supporter_id FROM actions a WHERE a.id = s.action_id)) AS supporter_id,
  s.action_id, s.country, s.channel, s.section_id, s.source, s.occurred_at, s.language, s.signed_at`;

function signatureOf(row: SignatureRow): Signature {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    caseId: row.case_id,
    status: row.status,
    idempotencyKey: row.idempotency_key,
    supporterId: row.supporter_id,
    actionId: row.action_id,
    country: row.country.trim(),
    channel: row.channel,
    sectionId: row.section_id,
    source: row.source,
    occurredAt: row.occurred_at,
    language: row.language,
    signedAt: row.signed_at,
  };
}

/** This person's signature of this case in this edition, if they signed it (and did not withdraw). */
export async function signatureOfPerson(
  db: Db,
  campaignId: number,
  caseId: number,
  personKey: string,
): Promise<Signature | undefined> {
  const result = await db.query<SignatureRow>(
    `SELECT ${COLUMNS} FROM signatures s WHERE s.person_key = $3 AND s.campaign_id = $1 AND s.case_id = $2`,
    [campaignId, caseId, personKey],
  );
  const row = result.rows[0];
  return row ? signatureOf(row) : undefined;
}

/** The signature a ledger entry counts. */
export async function signatureOfAction(db: Db, actionId: string): Promise<Signature | undefined> {
  const result = await db.query<SignatureRow>(`SELECT ${COLUMNS} FROM signatures s WHERE s.action_id = $1`, [
    actionId,
  ]);
  const row = result.rows[0];
  return row ? signatureOf(row) : undefined;
}

export interface FoundLink {
  purpose: "confirm" | "withdraw";
  expired: boolean;
  signature: Signature;
}

/** The signature a link's token names, for that purpose; undefined for a token that names none. */
export async function signatureOfLink(
  db: Db,
  token: string,
  purpose: "confirm" | "withdraw",
  now = new Date(),
): Promise<FoundLink | undefined> {
  const result = await db.query<SignatureRow & { expires_at: Date | null }>(
    `SELECT ${COLUMNS}, l.expires_at FROM signature_links l JOIN signatures s ON s.id = l.signature_id
      WHERE l.hash = $1 AND l.purpose = $2`,
    [linkHash(token), purpose],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    purpose,
    expired: row.expires_at !== null && row.expires_at <= now,
    signature: signatureOf(row),
  };
}

/** Whether a token is a withdrawal link's (of a signature not withdrawn yet). */
export async function isWithdrawLink(db: Db, token: string): Promise<boolean> {
  const result = await db.query(
    `SELECT 1 FROM signature_links l JOIN signatures s ON s.id = l.signature_id
      WHERE l.hash = $1 AND l.purpose = 'withdraw' AND s.status <> 'withdrawn'`,
    [linkHash(token)],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Keeps the links' hashes (never the tokens) for a signature. */
export async function storeLinks(db: Db, signatureId: string, links: Link[]): Promise<void> {
  await db.query(
    `INSERT INTO signature_links (hash, signature_id, purpose, expires_at)
     SELECT l.hash, $1, l.purpose, l.expires_at
       FROM unnest($2::bytea[], $3::text[], $4::timestamptz[]) AS l (hash, purpose, expires_at)`,
    [signatureId, links.map((l) => l.hash), links.map((l) => l.purpose), links.map((l) => l.expiresAt)],
  );
}

/** Whether a pending signature has a confirmation link that still works (none: send a new one). */
export async function hasLiveConfirmLink(db: Db, signatureId: string, now = new Date()): Promise<boolean> {
  const result = await db.query(
    "SELECT 1 FROM signature_links WHERE signature_id = $1 AND purpose = 'confirm' AND expires_at > $2",
    [signatureId, now],
  );
  return (result.rowCount ?? 0) > 0;
}

export interface PendingInput {
  id: string;
  entry: LedgerEntry;
  personKey: string;
  language: string;
  supporter: { id: string; email: string; name: string | null };
  links: Link[];
}

/**
 * Stores a signature that counts only once confirmed: the signature — unless this person signed
 * already, the unique key decides — then its supporter (by email, as the ledger's statement does)
 * and its links, in one transaction: a second signature keeps nothing of its person. Returns
 * whether it was stored.
 */
export async function insertPending(pool: pg.Pool, privacy: Privacy, p: PendingInput): Promise<boolean> {
  const e = p.entry;
  return withTransaction(pool, async (client) => {
    const signed = await client.query(
      `INSERT INTO signatures (id, campaign_id, case_id, person_key, status, idempotency_key,
                               country, channel, section_id, source, occurred_at, language)
       VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT DO NOTHING`,
      [
        p.id,
        e.campaignId,
        e.caseId,
        p.personKey,
        e.idempotencyKey,
        e.country,
        e.channel,
        e.sectionId,
        e.source ?? null,
        e.occurredAt,
        p.language,
      ],
    );
    if (signed.rowCount !== 1) return false;
    await client.query(
      `WITH person AS (
         INSERT INTO supporters (id, email_key, email_sealed, name_sealed) VALUES ($2, $3, $4, $5)
         ON CONFLICT (email_key) DO UPDATE SET name_sealed = COALESCE(EXCLUDED.name_sealed, supporters.name_sealed)
         RETURNING id
       )
       UPDATE signatures SET supporter_id = person.id FROM person WHERE signatures.id = $1`,
      [
        p.id,
        p.supporter.id,
        privacy.emailKey(p.supporter.email),
        privacy.seal(p.supporter.email, "email"),
        privacy.sealOrNull(p.supporter.name, "name"),
      ],
    );
    await storeLinks(client, p.id, p.links);
    return true;
  });
}

/** A pending signature that was never counted is withdrawn (the person goes); false if it was not pending. */
export async function withdrawPending(db: Db, signatureId: string): Promise<boolean> {
  const result = await db.query(
    `UPDATE signatures SET status = 'withdrawn', person_key = NULL, withdrawn_at = now()
      WHERE id = $1 AND status = 'pending'`,
    [signatureId],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * Erases the person of a withdrawn signature: its consent (the post's), and the supporter's
 * name and email unless another signature of that person still stands. The count is untouched
 * (the ledger never held a name). Idempotent: a second withdrawal finds nothing left.
 */
export async function erasePerson(db: Db, signature: Signature): Promise<void> {
  if (signature.idempotencyKey !== null) {
    await db.query("DELETE FROM consents WHERE campaign_id = $1 AND idempotency_key = $2", [
      signature.campaignId,
      signature.idempotencyKey,
    ]);
  }
  if (signature.supporterId === null) return;
  // A signature's person is its supporter's email key (personKey).
  const standing = await db.query(
    `SELECT 1 FROM supporters p JOIN signatures s ON s.person_key = encode(p.email_key, 'base64')
      WHERE p.id = $1 AND s.status <> 'withdrawn' LIMIT 1`,
    [signature.supporterId],
  );
  if ((standing.rowCount ?? 0) > 0) return;
  await db.query(
    `UPDATE supporters SET email_key = NULL, email_sealed = NULL, name_sealed = NULL
      WHERE id = $1 AND (email_key IS NOT NULL OR email_sealed IS NOT NULL OR name_sealed IS NOT NULL)`,
    [signature.supporterId],
  );
}

export interface PendingCount {
  caseId: number;
  pending: number;
}

/** Signatures waiting for their confirmation, per case of an edition. */
export async function pendingByCase(db: Db, campaignId: number): Promise<PendingCount[]> {
  const result = await db.query<{ case_id: number; n: number }>(
    `SELECT case_id, count(*)::int AS n FROM signatures
      WHERE campaign_id = $1 AND status = 'pending' GROUP BY case_id ORDER BY case_id`,
    [campaignId],
  );
  return result.rows.map((r) => ({ caseId: r.case_id, pending: r.n }));
}
