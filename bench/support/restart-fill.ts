import type pg from "pg";
import { CATALOG_CHANNEL } from "../../src/core/catalog/catalog.js";

// Millions of actions written straight into the ledger with generate_series, and their rollups
// upserted in the same statement from exactly the rows inserted — the grouping the write path
// (src/core/ledger/append.ts) uses — so `inkwell verify` finds the two equal.
//
// The spread is a launch-sized edition's: four weeks of hours with a daily rhythm and a build-up
// to Human Rights Day, ~80 countries with a long tail (Zipf-like), the demo's cases, three types,
// and one row in thirty a reported batch (quantity 2–50) with one in a thousand a correction.

export const BENCH_SLUG = "w4r-restart";
const WEEKS = 4;
const HOURS = WEEKS * 7 * 24;
/** Hour slots to draw from, so that picking an hour is one array lookup per row. */
const SLOTS = 20_000;

// Largest first: where the most letters come from in a real edition, then the long tail.
const COUNTRIES = (
  "PL FR US GB ES NL DE BE CA IT CH MX AR IE AT PT SE AU NO DK MA TW IS CZ NZ KR CL TG SN DZ " +
  "NP RU BR PE UY PY BO CO VE EC HK JP PH ID MY TH IN LK BD PK TN EG JO IL TR GR HU SK SI HR " +
  "RS RO BG UA MD LT LV EE FI LU MT CY ZA KE GH NG BF ML CI BJ ZM ZW MU"
).split(" ");

export interface Filled {
  campaignId: number;
  rows: number;
  quantity: number;
  rollupKeys: number;
}

/** The bench's edition: four weeks ending about now, with the demo's current cases. */
async function addCampaign(pool: pg.Pool): Promise<{ id: number; startsAt: Date }> {
  const result = await pool.query<{ id: number; starts_at: Date }>(
    `INSERT INTO campaigns (slug, title, starts_at, ends_at, goal)
     VALUES ($1, 'Restart bench', date_trunc('hour', now()) - $2 * interval '1 hour',
             date_trunc('hour', now()) + interval '1 day', 20000000)
     RETURNING id, starts_at`,
    [BENCH_SLUG, HOURS - 1],
  );
  const row = result.rows[0] as { id: number; starts_at: Date };
  await pool.query(
    `INSERT INTO campaign_cases (campaign_id, case_id, position)
     SELECT $1, case_id, position FROM campaign_cases
      WHERE campaign_id = (SELECT id FROM campaigns WHERE previous_id IS NOT NULL ORDER BY starts_at DESC LIMIT 1)`,
    [row.id],
  );
  return { id: row.id, startsAt: row.starts_at };
}

/** Hour indexes repeated in proportion to the hour's share (a build-up and a daily rhythm). */
function hourSlots(): number[] {
  const peak = Math.round(HOURS * 0.7);
  const weights = Array.from({ length: HOURS }, (_, h) => {
    const launch = h < 48 ? 2.5 : 1;
    const buildUp = 1 + 4 * Math.exp(-((h - peak) ** 2) / (2 * (4 * 24) ** 2));
    const daytime = 0.2 + Math.max(0, Math.sin(((h % 24) - 6) * (Math.PI / 16)));
    return launch * buildUp * daytime;
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  const slots: number[] = [];
  weights.forEach((w, h) => {
    for (let i = Math.round((w / sum) * SLOTS); i > 0; i--) slots.push(h);
  });
  return slots;
}

const CHUNK_SQL = `
WITH inserted AS (
  INSERT INTO actions (id, campaign_id, case_id, type, quantity, country, channel, reporter, reason,
                       occurred_at, recorded_at)
  SELECT gen_random_uuid(), $1, x.case_id, x.type, x.quantity, x.country,
         CASE WHEN x.quantity = 1 THEN 'web' ELSE 'report' END,
         CASE WHEN x.quantity = 1 THEN NULL ELSE 'restart-bench' END,
         CASE WHEN x.quantity < 0 THEN 'correction' END,
         x.at, x.at + CASE WHEN x.quantity = 1 THEN interval '20 ms' ELSE interval '2 days' END
    FROM (
      SELECT ($4::int[])[1 + (random() * (cardinality($4::int[]) - 1))::int] AS case_id,
             CASE WHEN r.t < 0.5 THEN 'letter' WHEN r.t < 0.85 THEN 'petition' ELSE 'solidarity' END AS type,
             CASE WHEN r.q < 0.001 THEN -1 WHEN r.q < 0.034 THEN 2 + (random() * 48)::int ELSE 1 END AS quantity,
             ($3::text[])[least(floor(power(cardinality($3::text[]) + 1, r.c))::int, cardinality($3::text[]))] AS country,
             least(now(), $5::timestamptz + ($6::int[])[1 + (random() * (cardinality($6::int[]) - 1))::int]
                   * interval '1 hour' + random() * interval '1 hour') AS at
        FROM (SELECT random() AS t, random() AS q, random() AS c FROM generate_series(1, $2)) AS r
    ) AS x
  RETURNING campaign_id, country, case_id, type, quantity, occurred_at
), delta AS (
  SELECT campaign_id, country, case_id, type, date_trunc('hour', occurred_at, 'UTC') AS hour, sum(quantity) AS n
    FROM inserted GROUP BY 1, 2, 3, 4, 5
)
INSERT INTO rollups (campaign_id, country, case_id, type, hour, count)
SELECT * FROM delta ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (campaign_id, country, case_id, type, hour) DO UPDATE SET count = rollups.count + EXCLUDED.count`;

/** Adds the bench's edition with `rows` ledger rows; `progress` hears after each chunk. */
export async function fillLedger(
  pool: pg.Pool,
  rows: number,
  progress: (done: number) => void,
  chunk = 500_000,
): Promise<Filled> {
  const campaign = await addCampaign(pool);
  const cases = (
    await pool.query<{ case_id: number }>(
      "SELECT case_id FROM campaign_cases WHERE campaign_id = $1 ORDER BY position",
      [campaign.id],
    )
  ).rows.map((r) => r.case_id);
  if (cases.length === 0) throw new Error("the demo's current edition has no cases to copy");
  // Weighted by position: the first case draws the most actions, as a featured case does.
  const weightedCases = cases.flatMap((id, i) => Array.from({ length: cases.length - i + 1 }, () => id));
  const slots = hourSlots();
  for (let done = 0; done < rows; ) {
    const n = Math.min(chunk, rows - done);
    await pool.query(CHUNK_SQL, [campaign.id, n, COUNTRIES, weightedCases, campaign.startsAt, slots]);
    done += n;
    progress(done);
  }
  await pool.query(`NOTIFY ${CATALOG_CHANNEL}`);
  const stats = await pool.query<{ quantity: number; keys: number }>(
    `SELECT (SELECT sum(quantity)::bigint FROM actions WHERE campaign_id = $1) AS quantity,
            (SELECT count(*)::bigint FROM rollups WHERE campaign_id = $1) AS keys`,
    [campaign.id],
  );
  const s = stats.rows[0] as { quantity: number | string; keys: number | string };
  return { campaignId: campaign.id, rows, quantity: Number(s.quantity), rollupKeys: Number(s.keys) };
}
