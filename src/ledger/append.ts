import type pg from "pg";
import { type DeltaRow, deltaOf, type LedgerEntry } from "./types.js";

export const COUNTER_CHANNEL = "inkwell_counter";
// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; stay well below.
const MAX_PAYLOAD = 7000;

// One statement inserts the batch and upserts its rollups from exactly the rows that were
// inserted (a repeated idempotency key inserts nothing and so counts nothing). Rollup keys
// are sorted so that two nodes upserting the same keys lock them in the same order.
const APPEND_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::text[], $5::int[], $6::text[], $7::text[],
                       $8::int[], $9::uuid[], $10::text[], $11::text[], $12::timestamptz[], $13::text[])
    AS t(id, campaign_id, case_id, type, quantity, country, channel, section_id, supporter_id, reporter,
         reason, occurred_at, idempotency_key)
), inserted AS (
  INSERT INTO actions (id, campaign_id, case_id, type, quantity, country, channel, section_id, supporter_id,
                       reporter, reason, occurred_at, idempotency_key)
  SELECT * FROM input
  ON CONFLICT (campaign_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING id, campaign_id, country, case_id, type, quantity, occurred_at, recorded_at
), rolled AS (
  INSERT INTO rollups (campaign_id, country, case_id, type, hour, count)
  SELECT campaign_id, country, case_id, type, date_trunc('hour', occurred_at, 'UTC'), sum(quantity)
    FROM inserted GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (campaign_id, country, case_id, type, hour) DO UPDATE SET count = rollups.count + EXCLUDED.count
)
SELECT id, recorded_at FROM inserted`;

const ANNOUNCE_SQL = `
WITH next AS (UPDATE counter_origins SET seq = seq + 1 WHERE origin = $1 RETURNING seq)
SELECT next.seq, pg_notify('${COUNTER_CHANNEL}', $1 || '|' || next.seq || '|' || part)
  FROM next, unnest($2::text[]) AS part`;

export interface AppendResult {
  /** Inserted ids with their recorded time; entries missing here were already in the ledger. */
  inserted: Map<string, Date>;
  delta: DeltaRow[];
  /** The origin's batch number, or 0 when nothing was inserted (nothing announced). */
  seq: number;
}

/** Splits a delta into NOTIFY payloads "part|parts|json", each under the size limit. */
export function announcementParts(delta: DeltaRow[]): string[] {
  const chunks: DeltaRow[][] = [[]];
  let size = 0;
  for (const row of delta) {
    const rowSize = JSON.stringify(row).length + 1;
    const current = chunks[chunks.length - 1] as DeltaRow[];
    if (size + rowSize > MAX_PAYLOAD && current.length > 0) {
      chunks.push([row]);
      size = rowSize;
    } else {
      current.push(row);
      size += rowSize;
    }
  }
  return chunks.map((chunk, i) => `${i + 1}|${chunks.length}|${JSON.stringify(chunk)}`);
}

export async function registerOrigin(db: pg.Pool | pg.PoolClient, origin: string): Promise<void> {
  await db.query("INSERT INTO counter_origins (origin) VALUES ($1) ON CONFLICT DO NOTHING", [origin]);
}

/**
 * Appends entries to the ledger inside the caller's transaction, updates the rollups and
 * announces the change to every node. The announcement is delivered only if the caller commits.
 */
export async function appendEntries(
  client: pg.PoolClient,
  origin: string,
  entries: LedgerEntry[],
): Promise<AppendResult> {
  const result = await client.query<{ id: string; recorded_at: Date }>({
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
    ],
  });
  const inserted = new Map(result.rows.map((r) => [r.id, r.recorded_at]));
  if (inserted.size === 0) return { inserted, delta: [], seq: 0 };
  const delta = deltaOf(
    inserted.size === entries.length ? entries : entries.filter((e) => inserted.has(e.id)),
  );
  const announced = await client.query<{ seq: number }>({
    name: "inkwell_announce",
    text: ANNOUNCE_SQL,
    values: [origin, announcementParts(delta)],
  });
  const seq = announced.rows[0]?.seq;
  if (seq === undefined) throw new Error(`Counter origin ${origin} is not registered`);
  return { inserted, delta, seq };
}
