import type pg from "pg";

export interface Difference {
  campaign: string;
  country: string;
  case: string;
  type: string;
  hour: string;
  ledger: number;
  rollup: number;
}

export interface VerifyResult {
  actions: number;
  /** Ledger rows whose campaign or case does not exist. */
  orphans: number;
  rollupKeys: number;
  totals: { campaign: string; ledger: number; rollups: number }[];
  differences: Difference[];
}

// One statement reads the ledger and the rollups in one snapshot, so it is exact even while
// nodes keep writing (each batch writes both in one transaction). The comparison is made in the
// database, which answers with one row per edition and one per difference: at launch scale the
// keys are a million, and bringing each one here cost seconds and hundreds of megabytes.
const VERIFY_SQL = `
WITH ledger AS (
  SELECT campaign_id, country, case_id, type, date_trunc('hour', occurred_at, 'UTC') AS hour,
         sum(quantity)::bigint AS n, count(*)::bigint AS rows
    FROM actions GROUP BY 1, 2, 3, 4, 5
), compared AS (
  SELECT campaign_id, country, case_id, type, hour, coalesce(l.n, 0) AS ledger, coalesce(r.count, 0) AS rollup,
         coalesce(l.rows, 0) AS rows, r.count IS NOT NULL AS has_rollup
    FROM ledger l FULL JOIN rollups r USING (campaign_id, country, case_id, type, hour)
), rows AS (
  SELECT true AS total, campaign_id, NULL::char(2) AS country, NULL::int AS case_id, NULL AS type,
         NULL::timestamptz AS hour, sum(ledger)::bigint AS ledger, sum(rollup)::bigint AS rollup,
         sum(rows)::bigint AS rows, count(*) FILTER (WHERE has_rollup)::bigint AS keys
    FROM compared GROUP BY campaign_id
  UNION ALL
  SELECT false, campaign_id, country, case_id, type, hour, ledger, rollup, 0, 0
    FROM compared WHERE ledger <> rollup
)
SELECT x.total, c.slug AS campaign, x.country, coalesce(k.slug, x.case_id::text) AS case, x.type, x.hour,
       x.ledger, x.rollup, x.rows, x.keys
  FROM rows x
  LEFT JOIN campaigns c ON c.id = x.campaign_id
  LEFT JOIN cases k ON k.id = x.case_id
 ORDER BY x.total DESC, c.slug, x.country, x.case_id, x.type, x.hour`;

const ORPHANS_SQL = `
SELECT count(*)::int AS n FROM actions a
 WHERE NOT EXISTS (SELECT 1 FROM campaigns c WHERE c.id = a.campaign_id)
    OR NOT EXISTS (SELECT 1 FROM cases k WHERE k.id = a.case_id)`;

/**
 * Recomputes every counter from the ledger and compares it with the rollups. Long work: run it
 * on a pool with the long bounds (DB_LONG_TIMEOUT_MS), not the requests'.
 */
export async function verifyCounters(db: pg.Pool): Promise<VerifyResult> {
  const [result, orphans] = await Promise.all([db.query(VERIFY_SQL), db.query(ORPHANS_SQL)]);
  const totals = new Map<string, { campaign: string; ledger: number; rollups: number }>();
  const differences: Difference[] = [];
  let actions = 0;
  let rollupKeys = 0;
  for (const row of result.rows) {
    const campaign = row.campaign ?? "(unknown campaign)";
    if (row.total) {
      actions += row.rows;
      rollupKeys += row.keys;
      const total = totals.get(campaign) ?? { campaign, ledger: 0, rollups: 0 };
      total.ledger += row.ledger;
      total.rollups += row.rollup;
      totals.set(campaign, total);
      continue;
    }
    differences.push({
      campaign,
      country: row.country.trim(),
      case: row.case,
      type: row.type,
      hour: (row.hour as Date).toISOString(),
      ledger: row.ledger,
      rollup: row.rollup,
    });
  }
  return { actions, orphans: orphans.rows[0].n, rollupKeys, totals: [...totals.values()], differences };
}
