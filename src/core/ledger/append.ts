import { randomUUID } from "node:crypto";
import type pg from "pg";
import { type DeltaRow, deltaOf, type LedgerEntry, type SignatureStep } from "./types.js";

export const COUNTER_CHANNEL = "inkwell_counter";

// One statement does a whole batch, so a batch costs one round trip and commits on its own:
// it upserts the batch's supporters (by the keyed hash of their email; names and emails arrive
// sealed, encrypted in Node before the statement), inserts the actions (a repeated idempotency key inserts
// nothing and so counts nothing) with where each came from (action_origins), upserts the rollups
// from exactly the rows inserted — one
// upsert per distinct key, in key order, so that two nodes writing the same keys lock them in
// the same order — numbers the batch for its writer and announces its delta with NOTIFY (the
// notification is delivered only when the statement commits). The announcement is split into
// parts of ROWS_PER_PART rows to stay under PostgreSQL's 8000-byte payload limit.
//
// A petition signature's row (signatures) is written by the same statement as its entry, and
// decides whether the entry is inserted at all (SignatureStep): a second signature by the same
// person inserts no signature (ON CONFLICT DO NOTHING on the table's unique key, which waits for
// a concurrent insert of the same key on any node), and so no action and no supporter; a
// confirmation or a withdrawal moves the row only from the state it expects, so a second click
// inserts nothing. A signature counted here names its supporter through its action
// (signatures.action_id). Those parts are in the statement only for a batch that carries a step:
// a batch of letters runs the statement as it was (measured: docs/PERFORMANCE.md, "Signatures").
const ROWS_PER_PART = 80;

const SIGNATURE_INPUT = `,
         r->>17 AS sig_op, (r->>18)::uuid AS sig_id, r->>19 AS person_key, r->>20 AS language`;

const SIGNATURE_STEPS = `
), signed AS (
  -- Not when the key already names an action: that is the same post again, not a signature.
  INSERT INTO signatures (id, campaign_id, case_id, person_key, status, idempotency_key, action_id,
                          country, channel, section_id, source, occurred_at, language, counted_at)
  SELECT i.sig_id, i.campaign_id, i.case_id, i.person_key, 'counted', i.idempotency_key, i.id,
         i.country, i.channel, i.section_id, i.source, i.occurred_at, i.language, now()
    FROM input i
   WHERE i.sig_op = 'sign'
     AND NOT EXISTS (SELECT 1 FROM actions a
                      WHERE a.campaign_id = i.campaign_id AND a.idempotency_key = i.idempotency_key)
  ON CONFLICT DO NOTHING
  RETURNING action_id
), moved AS (
  UPDATE signatures s
     SET status = CASE WHEN i.sig_op = 'confirm' THEN 'counted' ELSE 'withdrawn' END,
         action_id = CASE WHEN i.sig_op = 'confirm' THEN i.id ELSE s.action_id END,
         counted_at = CASE WHEN i.sig_op = 'confirm' THEN now() ELSE s.counted_at END,
         -- Withdrawn: the person is erased, and may sign again.
         person_key = CASE WHEN i.sig_op = 'confirm' THEN s.person_key END,
         withdrawn_at = CASE WHEN i.sig_op = 'withdraw' THEN now() END
    FROM input i
   WHERE i.sig_op IN ('confirm', 'withdraw') AND s.id = i.sig_id
     AND s.status = CASE WHEN i.sig_op = 'confirm' THEN 'pending' ELSE 'counted' END
  RETURNING i.id AS action_id`;

function appendSql(steps: boolean): string {
  const only = (text: string) => (steps ? text : "");
  return `
WITH input AS (
  SELECT (r->>0)::uuid AS id, (r->>1)::int AS campaign_id, (r->>2)::int AS case_id, r->>3 AS type,
         (r->>4)::int AS quantity, r->>5 AS country, r->>6 AS channel, (r->>7)::int AS section_id,
         (r->>8)::uuid AS supporter_id, r->>9 AS reporter, r->>10 AS reason, (r->>11)::timestamptz AS occurred_at,
         r->>12 AS idempotency_key, decode(r->>13, 'base64') AS supporter_key, r->>14 AS source,
         (r->>15)::inet AS address, r->>16 AS email_domain${only(SIGNATURE_INPUT)}
    FROM jsonb_array_elements($1::jsonb) AS r${only(SIGNATURE_STEPS)}
), people AS (
  INSERT INTO supporters (id, email_key, email_sealed, name_sealed)
  SELECT (p->>0)::uuid, decode(p->>1, 'base64'), decode(p->>2, 'base64'), decode(p->>3, 'base64')
    FROM jsonb_array_elements($2::jsonb) AS p${only(`
   -- A person's second signature is no signature: nothing of it is kept.
   WHERE p->>1 IS NULL OR EXISTS (
           SELECT 1 FROM input i
            WHERE i.supporter_key = decode(p->>1, 'base64')
              AND (i.sig_op IS NULL OR i.id IN (SELECT action_id FROM signed)))`)}
  ON CONFLICT (email_key) DO UPDATE SET name_sealed = COALESCE(EXCLUDED.name_sealed, supporters.name_sealed)
  RETURNING id, email_key
), inserted AS (
  INSERT INTO actions (id, campaign_id, case_id, type, quantity, country, channel, section_id, supporter_id,
                       reporter, reason, occurred_at, idempotency_key, source)
  SELECT i.id, i.campaign_id, i.case_id, i.type, i.quantity, i.country, i.channel, i.section_id,
         coalesce(p.id, i.supporter_id), i.reporter, i.reason, i.occurred_at, i.idempotency_key, i.source
    FROM input i LEFT JOIN people p ON p.email_key = i.supporter_key${only(`
   WHERE i.sig_op IS NULL OR i.id IN (SELECT action_id FROM signed UNION ALL SELECT action_id FROM moved)`)}
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
       (SELECT seq FROM next) AS seq, (SELECT count(*) FROM announced) AS parts,
       ${steps ? "(SELECT string_agg(action_id::text, ',') FROM signed)" : "NULL::text"} AS signed`;
}

const APPEND_SQL = appendSql(false);
const SIGNATURE_APPEND_SQL = appendSql(true);

export interface AppendResult {
  /** Inserted ids with their recorded time; entries missing here were already in the ledger. */
  inserted: Map<string, Date>;
  delta: DeltaRow[];
  /** The origin's batch number, or 0 when nothing was inserted (nothing announced). */
  seq: number;
}

/** A supporter as the statement stores it: the email's keyed hash, and the sealed values. */
export interface Supporter {
  id: string;
  emailKey: Buffer | null;
  email: Buffer | null;
  name: Buffer | null;
}

const base64 = (bytes: Buffer | null | undefined): string | null => (bytes ? bytes.toString("base64") : null);

/**
 * Appends entries to the ledger, updates the rollups and announces the change to every node,
 * atomically. `supporters` are upserted by their email's keyed hash; `supporterKeys[i]` links entry i to one.
 */
export async function appendEntries(
  db: pg.Pool | pg.ClientBase,
  origin: string,
  entries: LedgerEntry[],
  supporters: Supporter[] = [],
  supporterKeys: (Buffer | null)[] = [],
  /** `signatures[i]` is what entry i does to its signature, if it is one's. */
  signatures: (SignatureStep | null | undefined)[] = [],
): Promise<AppendResult> {
  const withSteps = signatures.some((step) => step);
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
    base64(supporterKeys[i]),
    e.source ?? null,
    e.address ?? null,
    e.emailDomain ?? null,
    ...(withSteps ? signatureColumns(signatures[i]) : []),
  ]);
  const people = supporters.map((s) => [s.id, base64(s.emailKey), base64(s.email), base64(s.name)]);
  const result = await db.query<{
    ids: string | null;
    recorded_at: Date;
    seq: number | null;
    signed: string | null;
  }>({
    name: withSteps ? "inkwell_append_signatures" : "inkwell_append",
    text: withSteps ? SIGNATURE_APPEND_SQL : APPEND_SQL,
    values: [JSON.stringify(rows), JSON.stringify(people), origin],
  });
  const row = result.rows[0];
  const ids = row?.ids ? row.ids.split(",") : [];
  const inserted = new Map(ids.map((id) => [id, row?.recorded_at as Date]));
  if (row?.signed) await dropUncounted(db, row.signed.split(","), inserted);
  if (inserted.size === 0) return { inserted, delta: [], seq: 0 };
  const seq = row?.seq;
  if (seq === null || seq === undefined) throw new Error("A batch was inserted without a batch number");
  const delta = deltaOf(
    inserted.size === entries.length ? entries : entries.filter((e) => inserted.has(e.id)),
  );
  return { inserted, delta, seq };
}

/** The four columns a signature step adds to an entry's row (op, signature id, person, language). */
function signatureColumns(step: SignatureStep | null | undefined): (string | null)[] {
  if (!step) return [null, null, null, null];
  if (step.op === "sign") return [step.op, step.id, step.personKey, step.language];
  return [step.op, step.id, null, null];
}

/**
 * A signature whose entry was not inserted after all: its idempotency key was taken meanwhile
 * by another action (a client reusing a key at once on two nodes). The row must not stay
 * counted without its entry, so it goes; the person may sign again.
 */
async function dropUncounted(
  db: pg.Pool | pg.ClientBase,
  signedActions: string[],
  inserted: Map<string, Date>,
): Promise<void> {
  const orphans = signedActions.filter((id) => !inserted.has(id));
  if (orphans.length === 0) return;
  await db.query(
    `DELETE FROM signatures s WHERE s.action_id = ANY($1::uuid[])
        AND NOT EXISTS (SELECT 1 FROM actions a WHERE a.id = s.action_id)`,
    [orphans],
  );
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
