import { createHash, randomUUID } from "node:crypto";
import type pg from "pg";
import type { Privacy } from "../../platform/privacy/privacy.js";

// The consent ledger: what a person agreed to (purpose), under which notice (the exact text
// they were shown, stored once in `notices` and named by its hash), when, where it came from,
// and whether and how they withdrew it. A consent row is never edited but for its withdrawal.

export type ConsentSource = "form" | "api" | "import";

/** The notice as the person read it: its version, the language it was shown in, its text. */
export interface Notice {
  version: string;
  language: string;
  text: string;
}

/** A notice's name: SHA-256 of its version, language and text (unambiguously joined). */
export function noticeHash(notice: Notice): string {
  return createHash("sha256")
    .update(JSON.stringify([notice.version, notice.language, notice.text]))
    .digest("hex");
}

export interface ConsentInput {
  campaignId: number;
  /** The post's idempotency key: a repeated post records the consent once. */
  key: string;
  email: string;
  /** What was agreed to, e.g. `petition:<case slug>`, `rsvp:<event id>`. */
  purpose: string;
  notice: Notice;
  source: ConsentSource;
}

/** Records a consent (and its notice, the first time that text is shown). */
export async function recordConsent(
  db: pg.Pool | pg.ClientBase,
  privacy: Privacy,
  c: ConsentInput,
): Promise<void> {
  const hash = noticeHash(c.notice);
  await db.query(
    `WITH notice AS (
       INSERT INTO notices (hash, version, language, text) VALUES ($7, $8, $9, $10) ON CONFLICT (hash) DO NOTHING
     )
     INSERT INTO consents (id, campaign_id, idempotency_key, email_key, email_sealed, purpose, notice_version, notice_hash, source)
     VALUES ($1, $2, $3, $4, $5, $6, $8, $7, $11)
     ON CONFLICT (campaign_id, idempotency_key) DO NOTHING`,
    [
      randomUUID(),
      c.campaignId,
      c.key,
      privacy.emailKey(c.email),
      privacy.seal(c.email, "email"),
      c.purpose,
      hash,
      c.notice.version,
      c.notice.language,
      c.notice.text,
      c.source,
    ],
  );
}

export interface Consent {
  id: string;
  campaignId: number;
  purpose: string;
  email: string | null;
  givenAt: Date;
  source: ConsentSource;
  noticeVersion: string;
  /** The text shown; null for consents recorded before notices were kept. */
  notice: { hash: string; language: string; text: string } | null;
  withdrawnAt: Date | null;
  withdrawnHow: string | null;
}

interface ConsentRow {
  id: string;
  campaign_id: number;
  purpose: string;
  email: string | null;
  email_sealed: Buffer | null;
  given_at: Date;
  source: ConsentSource;
  notice_version: string;
  notice_hash: string | null;
  language: string | null;
  text: string | null;
  withdrawn_at: Date | null;
  withdrawn_how: string | null;
}

/** Every consent a person gave, oldest first, with the notice each was given under. */
export async function consentsOf(
  db: pg.Pool | pg.ClientBase,
  privacy: Privacy,
  email: string,
): Promise<Consent[]> {
  const result = await db.query<ConsentRow>(
    `SELECT c.id, c.campaign_id, c.purpose, c.email, c.email_sealed, c.given_at, c.source, c.notice_version,
            c.notice_hash, n.language, n.text, c.withdrawn_at, c.withdrawn_how
       FROM consents c LEFT JOIN notices n ON n.hash = c.notice_hash
      WHERE c.email_key = $1 ORDER BY c.given_at, c.id`,
    [privacy.emailKey(email)],
  );
  return result.rows.map((r) => ({
    id: r.id,
    campaignId: r.campaign_id,
    purpose: r.purpose,
    email: privacy.read(r.email_sealed, r.email, "email"),
    givenAt: r.given_at,
    source: r.source,
    noticeVersion: r.notice_version,
    notice:
      r.notice_hash && r.text !== null
        ? { hash: r.notice_hash, language: r.language ?? "", text: r.text }
        : null,
    withdrawnAt: r.withdrawn_at,
    withdrawnHow: r.withdrawn_how,
  }));
}

/**
 * Withdraws a person's consents still in force (those for one purpose, or all), saying how
 * (`it-wasnt-me`, `unsubscribe`, `erasure`, `office`: a word, lower case). Returns how many.
 */
export async function withdrawConsents(
  db: pg.Pool | pg.ClientBase,
  privacy: Privacy,
  o: { email: string; how: string; purpose?: string },
): Promise<number> {
  const result = await db.query(
    `UPDATE consents SET withdrawn_at = now(), withdrawn_how = $2
      WHERE email_key = $1 AND withdrawn_at IS NULL AND ($3::text IS NULL OR purpose = $3)`,
    [privacy.emailKey(o.email), o.how, o.purpose ?? null],
  );
  return result.rowCount ?? 0;
}
