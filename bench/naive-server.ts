import pg from "pg";
import { v7 as uuidv7 } from "uuid";
import { demoCases } from "../src/demo/data.js";
import { type StoreAction, serveActions } from "./support/ingest-server-base.js";

// The design the issue warns about (the petition site that fell over twice): every action is
// its own transaction that also bumps one counter row. All writers queue on that row's lock
// until the previous transaction's commit is flushed, so throughput is bounded by commit
// latency, whatever the pool size. Prepared statements keep it an honest baseline rather
// than a strawman.

const SCHEMA = `
CREATE TABLE IF NOT EXISTS actions (
  id uuid PRIMARY KEY,
  campaign text NOT NULL,
  case_slug text NOT NULL,
  type text NOT NULL,
  quantity integer NOT NULL,
  country char(2) NOT NULL,
  channel text NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS counters (
  case_slug text PRIMARY KEY,
  count bigint NOT NULL DEFAULT 0
);`;

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
pool.on("error", (error) => console.error(`naive pool: ${error.message}`));
await pool.query(SCHEMA);
await pool.query("INSERT INTO counters (case_slug) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING", [
  demoCases.map((c) => c.slug),
]);

const store: StoreAction = async (body) => {
  const id = uuidv7();
  const client = await pool.connect();
  let recordedAt: Date;
  try {
    await client.query("BEGIN");
    const inserted = await client.query<{ recorded_at: Date }>({
      name: "naive_insert",
      text: `INSERT INTO actions (id, campaign, case_slug, type, quantity, country, channel, occurred_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING recorded_at`,
      values: [
        id,
        body.campaign,
        body.case,
        body.type,
        body.quantity ?? 1,
        body.country.toUpperCase(),
        body.channel ?? "web",
        body.occurredAt ? new Date(body.occurredAt) : new Date(),
      ],
    });
    await client.query({
      name: "naive_count",
      text: "UPDATE counters SET count = count + $2 WHERE case_slug = $1",
      values: [body.case, body.quantity ?? 1],
    });
    await client.query("COMMIT");
    recordedAt = inserted.rows[0]?.recorded_at ?? new Date();
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    client.release(true);
    throw error;
  }
  client.release();
  return { id, recordedAt: recordedAt.toISOString() };
};

await serveActions(store, () => pool.end());
