import { randomUUID } from "node:crypto";
import type pg from "pg";
import { type DeltaRow, deltaOf, type LedgerEntry } from "./types.js";

export const COUNTER_CHANNEL = "inkwell_counter";

// One statement does a whole batch, so a batch costs one round trip and commits on its own:
// it upserts the batch's supporters, inserts the actions (a repeated idempotency key inserts
// nothing and so counts nothing) with where each came from (action_origins), upserts the rollups from exactly the rows inserted — one
// upsert per distinct key, in key order, so that two nodes writing the same keys lock them in
// the same order — numbers the batch for its writer and announces its delta with NOTIFY (the
// notification is delivered only when the statement commits). The announcement is split into
// parts of ROWS_PER_PART rows to stay under PostgreSQL's 8000-byte payload limit.
const ROWS_PER_PART = 80;
const APPEND_SQL = `
WITH people AS (
  INSERT INTO supporters (id, email, name)
  SELECT (p->>0)::uuid, p->>1, p->>2 FROM jsonb_array_elements($2::jsonb) AS p
  ON CONFLICT (email) DO UPDATE SET name = COALESCE(EXCLUDED.name, supporters.name)
  RETURNING id, email
), input AS (
  SELECT (r->>0)::uuid AS id, (r->>1)::int AS campaign_id, (r->>2)::int AS case_id, r->>3 AS type,
         (r->>4)::int AS quantity, r->>5 AS country, r->>6 AS channel, (r->>7)::int AS section_id,
         (r->>8)::uuid AS supporter_id, r->>9 AS reporter, r->>10 AS reason, (r->>11)::timestamptz AS occurred_at,
         r->>12 AS idempotency_key, r->>13 AS supporter_email, r->>14 AS source,
         (r->>15)::inet AS address, r->>16 AS email_domain
    FROM jsonb_array_elements($1::jsonb) AS r
), inserted AS (
  INSERT INTO actions (id, campaign_id, case_id, type, quantity, country, channel, section_id, supporter_id,
                       reporter, reason, occurred_at, idempotency_key, source)
  SELECT i.id, i.campaign_id, i.case_id, i.type, i.quantity, i.country, i.channel, i.section_id,
         coalesce(p.id, i.supporter_id), i.reporter, i.reason, i.occurred_at, i.idempotency_key, i.source
    FROM input i LEFT JOIN people p ON p.email = i.supporter_email
  ON CONFLICT (campaign_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING id, campaign_id, country, case_id, type, quantity, occurred_at
), origins AS (
  INSERT INTO action_origins (action_id, campaign_id, case_id, quantity, recorded_at, address, email_domain)
  SELECT i.id, i.campaign_id, i.case_id, i.quantity, now(), i.address, i.email_domain
    FROM inserted n JOIN input i ON i.id = n.id
   WHERE i.address IS NOT NULL OR i.email_domain IS NOT NULL
), delta AS (
  SELECT campaign_id, country, case_id, type, date_trunc('hour', occurred_at, 'UTC') AS hour, sum(quantity) AS n
    FROM inserted GROUP BY 1, 2, 3, 4, 5
), rolled AS (
  INSERT INTO rollups (campaign_id, country, case_id, type, hour, count)
  SELECT * FROM delta ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (campaign_id, country, case_id, type, hour) DO UPDATE SET count = rollups.count + EXCLUDED.count
), next AS (
  INSERT INTO counter_origins (origin, seq) SELECT $3, 1 WHERE EXISTS (SELECT 1 FROM inserted)
  ON CONFLICT (origin) DO UPDATE SET seq = counter_origins.seq + 1
  RETURNING seq
), rows AS (
  SELECT (row_number() OVER () - 1) / ${ROWS_PER_PART} AS part,
         json_build_array(campaign_id, country, case_id, type, (extract(epoch FROM hour) * 1000)::bigint, n) AS row
    FROM delta
), parts AS (
  SELECT part, json_agg(row)::text AS body, count(*) OVER () AS total FROM rows GROUP BY part
), announced AS (
  SELECT pg_notify('${COUNTER_CHANNEL}', $3 || '|' || next.seq || '|' || (part + 1) || '|' || total || '|' || body)
    FROM next, parts
)
-- recorded_at defaults to now(), the statement's transaction time: one value for the whole batch.
SELECT (SELECT string_agg(id::text, ',') FROM inserted) AS ids, now() AS recorded_at,
       (SELECT seq FROM next) AS seq, (SELECT count(*) FROM announced) AS parts`;

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
  db: pg.Pool | pg.ClientBase,
  origin: string,
  entries: LedgerEntry[],
  supporters: Supporter[] = [],
  supporterEmails: (string | null)[] = [],
): Promise<AppendResult> {
  // Rows travel as one JSON document: cheaper to produce and to read than 17 array parameters.
  const rows = entries.map((e, i) => [
    e.id,
    e.campaignId,
    e.caseId,
    e.type,
    e.quantity,
    e.country,
    e.channel,
    e.sectionId,
    e.supporterId,
    e.reporter,
    e.reason,
    e.occurredAt,
    e.idempotencyKey,
    supporterEmails[i] ?? null,
    e.source ?? null,
    e.address ?? null,
    e.emailDomain ?? null,
  ]);
  const people = supporters.map((s) => [s.id, s.email, s.name]);
  const result = await db.query<{ ids: string | null; recorded_at: Date; seq: number | null }>({
    name: "inkwell_append",
    text: APPEND_SQL,
    values: [JSON.stringify(rows), JSON.stringify(people), origin],
  });
  const row = result.rows[0];
  const ids = row?.ids ? row.ids.split(",") : [];
  const inserted = new Map(ids.map((id) => [id, row?.recorded_at as Date]));
  if (inserted.size === 0) return { inserted, delta: [], seq: 0 };
  const seq = row?.seq;
  if (seq === null || seq === undefined) throw new Error("A batch was inserted without a batch number");
  const delta = deltaOf(
    inserted.size === entries.length ? entries : entries.filter((e) => inserted.has(e.id)),
  );
  return { inserted, delta, seq };
}

/**
 * A write that needs what an action needs — room in the ledger's table, its rollups, its writer's
 * number and the write-ahead log: the same statement as a batch of one, rolled back, so it leaves
 * nothing and announces nothing. While the disk is full it fails as actions do, and it tells a
 * node that nobody writes to that writing works again.
 */
export async function probeLedgerWrite(client: pg.ClientBase): Promise<void> {
  const probe: LedgerEntry = {
    id: randomUUID(),
    campaignId: 0,
    caseId: 0,
    type: "petition",
    quantity: 1,
    country: "ZZ",
    channel: "write-probe",
    sectionId: null,
    supporterId: null,
    reporter: null,
    reason: null,
    occurredAt: new Date(),
    idempotencyKey: null,
  };
  await client.query("BEGIN");
  try {
    await appendEntries(client, "write-probe", [probe]);
  } finally {
    await client.query("ROLLBACK");
  }
}
