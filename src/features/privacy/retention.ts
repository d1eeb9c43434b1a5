import type pg from "pg";
import { RSVP_RETENTION_DAYS } from "../events/index.js";
import type { Db } from "./holdings.js";

// Retention keeps the promises the forms make: supporters' names and emails go RETENTION_MONTHS
// after the last edition they acted in ended, solidarity authors' names likewise (the message
// stays, signed "a supporter"), RSVPs 30 days after their event, mail 30 days after it went.
// Every node runs it hourly; a session lock lets one node at a time do it, and the others skip.

export const RETENTION_KINDS = [
  "supporters",
  "signatures",
  "consents",
  "authors",
  "rsvps",
  "mails",
  "addresses",
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];
/** RSVPs go 30 days after their event, as the RSVP form says (the events feature purges them too). */
export const RSVP_DAYS = RSVP_RETENTION_DAYS;
/** Mail leaves the outbox 30 days after it was sent (or made, if it never was: nothing retries it). */
export const MAIL_DAYS = 30;
/**
 * The client address an action came from (action_origins) is kept this long: the activity page
 * compares an hour with the week before, and an invalidation of a network needs its addresses
 * while a fraud is still being found out; then only the count remains.
 */
export const ADDRESS_DAYS = 90;

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
                              UNION SELECT campaign_id FROM signatures WHERE supporter_id = s.id
                              UNION SELECT campaign_id FROM consents WHERE email_key = s.email_key)
               ORDER BY c.ends_at DESC LIMIT 1) last ON true
           WHERE (s.email_key IS NOT NULL OR s.email_sealed IS NOT NULL OR s.name_sealed IS NOT NULL
                  OR s.email IS NOT NULL OR s.name IS NOT NULL)
             AND coalesce(last.ends_at, s.created_at) + make_interval(months => $1) < $2`,
    erase: `UPDATE supporters t SET email = NULL, name = NULL, email_key = NULL, email_sealed = NULL, name_sealed = NULL
              FROM due WHERE t.id = due.id`,
  },
  // A signature keeps counting without its person (the keyed hash it is unique by); one still
  // pending when its edition's period is over was never counted and is withdrawn.
  signatures: {
    due: `SELECT s.id, c.slug AS campaign FROM signatures s JOIN campaigns c ON c.id = s.campaign_id
           WHERE (s.person_key IS NOT NULL OR s.supporter_id IS NOT NULL)
             AND c.ends_at + make_interval(months => $1) < $2`,
    erase: `UPDATE signatures t SET person_key = NULL, supporter_id = NULL,
                   status = CASE WHEN t.status = 'pending' THEN 'withdrawn' ELSE t.status END,
                   withdrawn_at = CASE WHEN t.status = 'pending' THEN $2 ELSE t.withdrawn_at END
              FROM due WHERE t.id = due.id`,
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
                                    UNION SELECT campaign_id FROM consents WHERE email_key = s.email_key)) last ON true
                WHERE s.email_key = n.email_key
                  AND coalesce(last.ends_at, s.created_at) + make_interval(months => $1) >= $2)`,
    erase: "DELETE FROM consents t USING due WHERE t.id = due.id",
  },
  authors: {
    due: `SELECT m.id, c.slug AS campaign FROM solidarity_messages m JOIN campaigns c ON c.id = m.campaign_id
           WHERE (m.author IS NOT NULL OR m.author_sealed IS NOT NULL)
             AND c.ends_at + make_interval(months => $1) < $2`,
    erase:
      "UPDATE solidarity_messages t SET author = NULL, author_sealed = NULL FROM due WHERE t.id = due.id",
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
  addresses: {
    due: `SELECT o.action_id AS id, c.slug AS campaign FROM action_origins o JOIN campaigns c ON c.id = o.campaign_id
           WHERE o.address IS NOT NULL
             AND o.recorded_at < $2::timestamptz - make_interval(days => ${ADDRESS_DAYS}) AND $1::int IS NOT NULL`,
    erase: "DELETE FROM action_origins t USING due WHERE t.action_id = due.id",
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

const LOCK = "hashtext('inkwell-retention')";

export interface RetentionRun {
  /** False when another node was running it: nothing was done here. */
  ran: boolean;
  counts: RetentionCount[];
}

export async function runRetention(pool: pg.Pool, rule: RetentionRule): Promise<RetentionRun> {
  const client = await pool.connect();
  try {
    const lock = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${LOCK}) AS ok`);
    if (!lock.rows[0]?.ok) return { ran: false, counts: [] };
    try {
      return { ran: true, counts: await applyRetention(client, rule) };
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${LOCK})`);
    }
  } finally {
    client.release();
  }
}

/** The dry run's and the run's report, one line per kind and edition. */
export function formatRetention(counts: RetentionCount[], rule: RetentionRule, dryRun: boolean): string {
  const head = `${dryRun ? "Would erase" : "Erased"} (RETENTION_MONTHS=${rule.months}, as of ${rule.now.toISOString()}):`;
  if (counts.length === 0) return `${head}\n  nothing\n`;
  const lines = counts.map(
    (c) => `  ${c.kind.padEnd(10)} ${(c.campaign || "-").padEnd(16)} ${String(c.count).padStart(8)}`,
  );
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  return `${head}\n${lines.join("\n")}\n  ${"total".padEnd(27)} ${String(total).padStart(8)}\n`;
}
