import type pg from "pg";

// Who acted most in one hour, per case: client addresses, their networks (an IPv4 /24, an IPv6
// /48) and email domains, each beside its usual level — the median and the busiest of its hours
// in the seven days before (hours without any action count as 0). Read from action_origins
// alone (migration 020): one scan of the hour for the three lists (GROUPING SETS), then the
// history of the few sources shown, through the address and domain indexes.

export type SourceKind = "address" | "network" | "domain";
export const SOURCE_KINDS: SourceKind[] = ["address", "network", "domain"];

/** Sources shown per case and kind. */
export const TOP = 10;
/** Hours in the usual level: the seven days before the hour shown. */
const HISTORY_HOURS = 7 * 24;
/** Unusual: at least this many actions in the hour, and more than twice its busiest hour before. */
const UNUSUAL_MIN = 10;

export interface Source {
  kind: SourceKind;
  caseId: number;
  /** The address, the network in CIDR notation, or the domain. */
  key: string;
  actions: number;
  /** Its median hour over the seven days before. */
  median: number;
  /** Its busiest hour over the seven days before. */
  busiest: number;
  unusual: boolean;
}

interface HourRow {
  kind: SourceKind;
  case_id: number;
  key: string;
  actions: string;
}

interface HistoryRow {
  kind: SourceKind;
  case_id: number;
  key: string;
  hour: Date;
  actions: string;
}

const NETWORK = "network(set_masklen(address, CASE WHEN family(address) = 4 THEN 24 ELSE 48 END))";

const HOUR_SQL = `
WITH hour AS (
  SELECT case_id, host(address) AS address, ${NETWORK}::text AS network, email_domain, quantity
    FROM action_origins
   WHERE campaign_id = $1 AND recorded_at >= $2::timestamptz AND recorded_at < $2::timestamptz + interval '1 hour'
), grouped AS (
  SELECT CASE WHEN GROUPING(address) = 0 THEN 'address' WHEN GROUPING(network) = 0 THEN 'network' ELSE 'domain' END AS kind,
         case_id, coalesce(address, network, email_domain) AS key, sum(quantity) AS actions
    FROM hour
   GROUP BY GROUPING SETS ((case_id, address), (case_id, network), (case_id, email_domain))
), ranked AS (
  SELECT *, row_number() OVER (PARTITION BY kind, case_id ORDER BY actions DESC, key) AS rank
    FROM grouped WHERE key IS NOT NULL
)
SELECT kind, case_id, key, actions FROM ranked WHERE rank <= ${TOP} ORDER BY case_id, kind, actions DESC, key`;

// One branch per kind, each with the index that finds its rows: an address by equality, a
// network by inclusion (<<=, which the btree on address serves), a domain by equality.
const SCOPE =
  "o.campaign_id = $1 AND o.case_id = w.case_id AND o.recorded_at >= $2::timestamptz - make_interval(hours => $4::int) AND o.recorded_at < $2::timestamptz";
const HISTORY_SQL = `
WITH wanted AS (
  SELECT w->>0 AS kind, (w->>1)::int AS case_id, w->>2 AS key FROM jsonb_array_elements($3::jsonb) AS w
), found AS (
  SELECT w.kind, w.case_id, w.key, o.recorded_at, o.quantity
    FROM wanted w JOIN action_origins o ON o.address = w.key::inet
   WHERE w.kind = 'address' AND ${SCOPE}
  UNION ALL
  SELECT w.kind, w.case_id, w.key, o.recorded_at, o.quantity
    FROM wanted w JOIN action_origins o ON o.address <<= w.key::inet
   WHERE w.kind = 'network' AND ${SCOPE}
  UNION ALL
  SELECT w.kind, w.case_id, w.key, o.recorded_at, o.quantity
    FROM wanted w JOIN action_origins o ON o.email_domain = w.key
   WHERE w.kind = 'domain' AND ${SCOPE}
)
SELECT kind, case_id, key, date_trunc('hour', recorded_at, 'UTC') AS hour, sum(quantity) AS actions
  FROM found GROUP BY 1, 2, 3, 4`;

export async function activityOfHour(pool: pg.Pool, campaignId: number, hour: Date): Promise<Source[]> {
  const top = await pool.query<HourRow>(HOUR_SQL, [campaignId, hour]);
  if (top.rows.length === 0) return [];
  const wanted = top.rows.map((r) => [r.kind, r.case_id, r.key]);
  const history = await pool.query<HistoryRow>(HISTORY_SQL, [
    campaignId,
    hour,
    JSON.stringify(wanted),
    HISTORY_HOURS,
  ]);
  const hours = new Map<string, number[]>();
  for (const row of history.rows) {
    const id = `${row.kind}|${row.case_id}|${row.key}`;
    const list = hours.get(id) ?? [];
    list.push(Number(row.actions));
    hours.set(id, list);
  }
  return top.rows.map((r) => {
    const before = hours.get(`${r.kind}|${r.case_id}|${r.key}`) ?? [];
    const actions = Number(r.actions);
    const busiest = Math.max(0, ...before);
    return {
      kind: r.kind,
      caseId: r.case_id,
      key: r.key,
      actions,
      median: medianWithZeros(before, HISTORY_HOURS),
      busiest,
      unusual: actions >= UNUSUAL_MIN && actions > 2 * busiest,
    };
  });
}

/** The median of `hours` values of which only `active` are given (the rest are 0). */
export function medianWithZeros(active: number[], hours: number): number {
  const values = [...active, ...new Array(Math.max(0, hours - active.length)).fill(0)].sort((a, b) => a - b);
  if (values.length === 0) return 0;
  const mid = values.length / 2;
  return values.length % 2 === 0
    ? ((values[mid - 1] as number) + (values[mid] as number)) / 2
    : (values[Math.floor(mid)] as number);
}
