import type pg from "pg";
import { type DeltaRow, deltaOf, type LedgerEntry } from "./types.js";

export const COUNTER_CHANNEL = "inkwell_counter";

// One statement does a whole batch, so a batch costs one round trip and commits on its own:
// it upserts the batch's supporters, inserts the actions (a repeated idempotency key inserts
// nothing and so counts nothing), upserts the rollups from exactly the rows inserted — one
// upsert per distinct key, in key order, so that two nodes writing the same keys lock them in
// the same order — numbers the batch for its writer and announces its delta with NOTIFY (the
// notification is delivered only when the statement commits). The announcement is split into
// parts of ROWS_PER_PART rows to stay under PostgreSQL's 8000-byte payload limit.
const ROWS_PER_PART = 80;
const APPEND_SQL = `
WITH people AS (
  INSERT INTO supporters (id, email, name)
  SELECT * FROM unnest($14::uuid[], $15::text[], $16::text[])
  ON CONFLICT (email) DO UPDATE SET name = COALESCE(EXCLUDED.name, supporters.name)
  RETURNING id, email
), input AS (
  SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::text[], $5::int[], $6::text[], $7::text[],
                       $8::int[], $9::uuid[], $10::text[], $11::text[], $12::timestamptz[], $13::text[], $17::text[])
    AS t(id, campaign_id, case_id, type, quantity, country, channel, section_id, supporter_id, reporter,
         reason, occurred_at, idempotency_key, supporter_email)
), inserted AS (
  INSERT INTO actions (id, campaign_id, case_id, type, quantity, country, channel, section_id, supporter_id,
                       reporter, reason, occurred_at, idempotency_key)
  SELECT i.id, i.campaign_id, i.case_id, i.type, i.quantity, i.country, i.channel, i.section_id,
         coalesce(p.id, i.supporter_id), i.reporter, i.reason, i.occurred_at, i.idempotency_key
    FROM input i LEFT JOIN people p ON p.email = i.supporter_email
  ON CONFLICT (campaign_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING id, campaign_id, country, case_id, type, quantity, occurred_at, recorded_at
), delta AS (
  SELECT campaign_id, country, case_id, type, date_trunc('hour', occurred_at, 'UTC') AS hour, sum(quantity) AS n
    FROM inserted GROUP BY 1, 2, 3, 4, 5
), rolled AS (
  INSERT INTO rollups (campaign_id, country, case_id, type, hour, count)
  SELECT * FROM delta ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (campaign_id, country, case_id, type, hour) DO UPDATE SET count = rollups.count + EXCLUDED.count
), next AS (
  INSERT INTO counter_origins (origin, seq) SELECT $18, 1 WHERE EXISTS (SELECT 1 FROM inserted)
  ON CONFLICT (origin) DO UPDATE SET seq = counter_origins.seq + 1
  RETURNING seq
), rows AS (
  SELECT (row_number() OVER () - 1) / ${ROWS_PER_PART} AS part,
         json_build_array(campaign_id, country, case_id, type, (extract(epoch FROM hour) * 1000)::bigint, n) AS row
    FROM delta
), parts AS (
  SELECT part, json_agg(row)::text AS body, count(*) OVER () AS total FROM rows GROUP BY part
), announced AS (
  SELECT pg_notify('${COUNTER_CHANNEL}', $18 || '|' || next.seq || '|' || (part + 1) || '|' || total || '|' || body)
    FROM next, parts
)
SELECT id, recorded_at, (SELECT seq FROM next) AS seq, (SELECT count(*) FROM announced) AS parts
  FROM inserted`;

export interface AppendResult {
  /** Inserted ids with their recorded time; entries missing here were already in the ledger. */
  inserted: Map<string, Date>;
  delta: DeltaRow[];
  /** The origin's batch number, or 0 when nothing was inserted (nothing announced). */
  seq: number;
}

export interface Supporter {
  id: string;
  email: string | null;
  name: string | null;
}

/**
 * Appends entries to the ledger, updates the rollups and announces the change to every node,
 * atomically. `supporters` are upserted by email; `supporterEmails[i]` links entry i to one.
 */
export async function appendEntries(
  db: pg.Pool | pg.PoolClient,
  origin: string,
  entries: LedgerEntry[],
  supporters: Supporter[] = [],
  supporterEmails: (string | null)[] = [],
): Promise<AppendResult> {
  const result = await db.query<{ id: string; recorded_at: Date; seq: number | null }>({
    name: "inkwell_append",
    text: APPEND_SQL,
    values: [
      entries.map((e) => e.id),
      entries.map((e) => e.campaignId),
      entries.map((e) => e.caseId),
      entries.map((e) => e.type),
      entries.map((e) => e.quantity),
      entries.map((e) => e.country),
      entries.map((e) => e.channel),
      entries.map((e) => e.sectionId),
      entries.map((e) => e.supporterId),
      entries.map((e) => e.reporter),
      entries.map((e) => e.reason),
      entries.map((e) => e.occurredAt),
      entries.map((e) => e.idempotencyKey),
      supporters.map((s) => s.id),
      supporters.map((s) => s.email),
      supporters.map((s) => s.name),
      entries.map((_, i) => supporterEmails[i] ?? null),
      origin,
    ],
  });
  const inserted = new Map(result.rows.map((r) => [r.id, r.recorded_at]));
  if (inserted.size === 0) return { inserted, delta: [], seq: 0 };
  const seq = result.rows[0]?.seq;
  if (seq === null || seq === undefined) throw new Error("A batch was inserted without a batch number");
  const delta = deltaOf(
    inserted.size === entries.length ? entries : entries.filter((e) => inserted.has(e.id)),
  );
  return { inserted, delta, seq };
}
