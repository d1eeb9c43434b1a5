import type pg from "pg";

// A million actions from one network, written straight with generate_series: the actions, their
// origins (action_origins: a client address inside `network`, one email domain) and their
// rollups upserted in the same statement from exactly the rows inserted — the grouping the
// write path uses — so `inkwell verify` finds them equal. Spread over the edition's last two
// days, its cases and a dozen countries, as petitions and letters of one each.

const COUNTRIES = ["DE", "FR", "US", "BR", "KE", "JP", "IN", "NG", "MX", "PL", "ZA", "AU"];

const CHUNK_SQL = `
WITH src AS MATERIALIZED (
  SELECT gen_random_uuid() AS id, ($3::int[])[1 + g % cardinality($3::int[])] AS case_id,
         CASE WHEN g % 3 = 0 THEN 'petition' ELSE 'letter' END AS type,
         ($4::text[])[1 + g % cardinality($4::text[])] AS country,
         greatest($6::timestamptz, now() - random() * interval '48 hours') AS at,
         (host(network($5::cidr)) ::inet + (g % (2 ^ (32 - masklen($5::cidr)))::bigint)) AS address
    FROM generate_series($2::bigint, $2::bigint + $7 - 1) AS g
), inserted AS (
  INSERT INTO actions (id, campaign_id, case_id, type, quantity, country, channel, occurred_at, recorded_at)
  SELECT id, $1, case_id, type, 1, country, 'web', at, at FROM src
  RETURNING campaign_id, country, case_id, type, quantity, occurred_at
), origins AS (
  INSERT INTO action_origins (action_id, campaign_id, case_id, quantity, recorded_at, address, email_domain)
  SELECT id, $1, case_id, 1, at, address, 'flood.example' FROM src
), delta AS (
  SELECT campaign_id, country, case_id, type, date_trunc('hour', occurred_at, 'UTC') AS hour, sum(quantity) AS n
    FROM inserted GROUP BY 1, 2, 3, 4, 5
)
INSERT INTO rollups (campaign_id, country, case_id, type, hour, count)
SELECT * FROM delta ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (campaign_id, country, case_id, type, hour) DO UPDATE SET count = rollups.count + EXCLUDED.count`;

export async function fillFromNetwork(
  pool: pg.Pool,
  campaignId: number,
  rows: number,
  network: string,
  progress: (done: number) => void,
  chunk = 200_000,
): Promise<void> {
  const meta = await pool.query<{ starts_at: Date }>("SELECT starts_at FROM campaigns WHERE id = $1", [
    campaignId,
  ]);
  const cases = (
    await pool.query<{ case_id: number }>(
      "SELECT case_id FROM campaign_cases WHERE campaign_id = $1 ORDER BY position",
      [campaignId],
    )
  ).rows.map((r) => r.case_id);
  for (let done = 0; done < rows; ) {
    const n = Math.min(chunk, rows - done);
    await pool.query(CHUNK_SQL, [campaignId, done, cases, COUNTRIES, network, meta.rows[0]?.starts_at, n]);
    done += n;
    progress(done);
  }
  await pool.query("ANALYZE actions; ANALYZE action_origins");
}
