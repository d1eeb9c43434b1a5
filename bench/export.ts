import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { CATALOG_CHANNEL } from "../src/core/catalog/catalog.js";
import { createSession, SESSION_COOKIE } from "../src/features/office/sessions.js";
import { insertUser } from "../src/features/office/users.js";
import { killAllChildren, memory, type ServerProcess, startApp } from "./support/app.js";
import { type Postgres, startPostgres } from "./support/postgres.js";
import { round2, rssKb, sleep } from "./support/proc.js";
import { saveResults } from "./support/results.js";

// The dashboard's CSV export (GET /office/export.csv) on an edition with millions of actions:
// how fast it streams, and that the server's memory stays flat — the peak RSS growth of the
// server during a big export against the same during a small one, in the same run.
//
// The rollups are written straight into the database with generate_series after the server has
// started (the export reads the database, not the server's counter), so the server starts and
// idles exactly as it would without them and its memory before each export is its usual one.

const { values } = parseArgs({
  options: {
    keys: { type: "string", default: "500000" },
    "small-keys": { type: "string", default: "3600" },
  },
});
const bigKeys = Number(values.keys);
const smallKeys = Number(values["small-keys"]);
if (!(bigKeys >= 1000 && smallKeys >= 36)) throw new Error("--keys ≥ 1000 and --small-keys ≥ 36");

const TYPES = ["letter", "solidarity", "petition", "email", "sms", "social"];

/**
 * Rollup rows for one edition: `keys` distinct (country, case, type, hour) keys over the demo's
 * cases, every type, `countries` made-up country codes and two hours of each day (12 h apart,
 * so one CSV row sums two rollup rows). Counts 1–10, one key in fifty a correction (−1…−3).
 */
async function fillRollups(pool: pg.Pool, campaignId: number, keys: number, countries: number) {
  const cases = (await pool.query("SELECT case_id FROM campaign_cases WHERE campaign_id = $1", [campaignId]))
    .rows.length;
  const hours = Math.ceil(keys / (countries * cases * TYPES.length));
  await pool.query(
    `INSERT INTO rollups (campaign_id, country, case_id, type, hour, count)
     SELECT $1, chr(65 + co / 26) || chr(65 + co % 26), cc.case_id, ty.type,
            timestamptz '2012-11-01T00:00:00Z' + h * interval '12 hours',
            CASE WHEN hashint8(co * 7919 + cc.case_id * 104729 + h * 31 + ty.n) % 50 = 0
                 THEN -1 - abs(hashint8(co + h + ty.n)::bigint) % 3
                 ELSE 1 + abs(hashint8(co * 31 + h * 17 + ty.n * 7 + cc.case_id)::bigint) % 10 END
       FROM generate_series(0, $2 - 1) AS co,
            (SELECT case_id FROM campaign_cases WHERE campaign_id = $1) AS cc,
            unnest($3::text[]) WITH ORDINALITY AS ty(type, n),
            generate_series(0, $4 - 1) AS h`,
    [campaignId, countries, TYPES, hours],
  );
  const stats = await pool.query(
    `SELECT count(*)::int AS keys, sum(count)::bigint AS actions,
            sum(count) FILTER (WHERE count < 0)::bigint AS corrections,
            (SELECT count(*) FROM (SELECT 1 FROM rollups WHERE campaign_id = $1
               GROUP BY country, case_id, type, (hour AT TIME ZONE 'UTC')::date HAVING sum(count) <> 0) d)::int AS rows
       FROM rollups WHERE campaign_id = $1`,
    [campaignId],
  );
  const s = stats.rows[0];
  return { keys: s.keys, actions: Number(s.actions), corrections: Number(s.corrections ?? 0), rows: s.rows };
}

async function addCampaign(pool: pg.Pool, slug: string): Promise<number> {
  const result = await pool.query(
    `INSERT INTO campaigns (slug, title, starts_at, ends_at, goal)
     VALUES ($1, $1, '2012-11-01T00:00:00Z', '2013-01-01T00:00:00Z', 1000000) RETURNING id`,
    [slug],
  );
  const id: number = result.rows[0].id;
  await pool.query(
    `INSERT INTO campaign_cases (campaign_id, case_id, position)
     SELECT $1, case_id, position FROM campaign_cases
      WHERE campaign_id = (SELECT min(id) FROM campaigns) ORDER BY position`,
    [id],
  );
  return id;
}

interface Measured {
  rows: number;
  sum: number;
  bytes: number;
  seconds: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  growthMb: number;
  /** The server's RSS growth (MB) when 10 %, 25 %, 50 %, 75 % and 100 % of the bytes had arrived. */
  growthAlongMb: number[];
  /** V8's heap after a full GC, before this export: what is live, and what is reserved. */
  heapUsedMb: number;
  heapTotalMb: number;
}

/** Downloads one export, counting rows, the sum of counts and bytes; polls the server's RSS meanwhile. */
async function measure(
  app: ServerProcess,
  cookie: string,
  slug: string,
  expectedBytes = 0,
): Promise<Measured> {
  const settled = await memory(app); // a full GC in the server, so garbage from before does not count
  await sleep(200);
  const before = rssKb(app.pid) ?? 0;
  let peak = before;
  const poll = setInterval(() => {
    peak = Math.max(peak, rssKb(app.pid) ?? 0);
  }, 5);
  const started = performance.now();
  const response = await fetch(`${app.url}/office/export.csv?campaign=${slug}`, {
    // The export path itself, without the compression a browser would also ask for.
    headers: { cookie, "accept-encoding": "identity" },
  });
  if (response.status !== 200 || !response.body) throw new Error(`export answered ${response.status}`);
  let bytes = 0;
  let rows = -1; // the header
  let sum = 0;
  let partial = "";
  const decoder = new TextDecoder();
  const marks = [0.1, 0.25, 0.5, 0.75];
  const along: number[] = [];
  for await (const chunk of response.body) {
    bytes += chunk.length;
    while (expectedBytes > 0 && marks.length > 0 && bytes >= (marks[0] as number) * expectedBytes) {
      marks.shift();
      along.push(round2((peak - before) / 1024));
    }
    const lines = (partial + decoder.decode(chunk, { stream: true })).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (rows >= 0) sum += Number(line.slice(line.lastIndexOf(",") + 1));
      rows++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(poll);
  peak = Math.max(peak, rssKb(app.pid) ?? 0);
  return {
    rows,
    sum,
    bytes,
    seconds,
    rssBeforeMb: round2(before / 1024),
    rssPeakMb: round2(peak / 1024),
    growthMb: round2((peak - before) / 1024),
    growthAlongMb: [...along, round2((peak - before) / 1024)],
    heapUsedMb: round2((settled?.heapUsed ?? 0) / 2 ** 20),
    heapTotalMb: round2((settled?.heapTotal ?? 0) / 2 ** 20),
  };
}

let postgres: Postgres | undefined;
let app: ServerProcess | undefined;
let pool: pg.Pool | undefined;
try {
  postgres = await startPostgres();
  app = await startApp(postgres.url, { LOG_LEVEL: "warn" }, { inspectable: true });
  pool = new pg.Pool({ connectionString: postgres.url, max: 2 });

  const smallId = await addCampaign(pool, "bench-small");
  const bigId = await addCampaign(pool, "bench-big");
  await pool.query(`NOTIFY ${CATALOG_CHANNEL}`);
  for (let i = 0; ; i++) {
    const known = await fetch(`${app.url}/api/v1/campaigns/bench-big`).then((r) => r.status === 200);
    if (known) break;
    if (i > 100) throw new Error("the server did not learn of the bench's campaigns");
    await sleep(100);
  }
  console.log(`filling rollups: ${smallKeys} and ${bigKeys} keys…`);
  const fillStarted = performance.now();
  const small = await fillRollups(pool, smallId, smallKeys, 10);
  const big = await fillRollups(pool, bigId, bigKeys, 200);
  await pool.query("VACUUM ANALYZE rollups");
  console.log(`  done in ${round2((performance.now() - fillStarted) / 1000)} s`);

  const admin = await insertUser(pool, { email: "bench-admin@example.org", name: "Bench", role: "admin" });
  const cookie = `${SESSION_COOKIE}=${await createSession(pool, admin.id)}`;

  await measure(app, cookie, "bench-small"); // code paths, JIT, pool connections
  // The first big export after a start also lets V8 grow its young generation to the size a
  // sustained allocation rate asks for — once per process, whatever the export's size. It is
  // reported apart; the comparison below is between exports from the same, settled state.
  const cold = await measure(app, cookie, "bench-big");
  const baseline = await measure(app, cookie, "bench-small");
  const large = await measure(app, cookie, "bench-big", cold.bytes);
  const after = await measure(app, cookie, "bench-small");

  for (const [name, expected, got] of [
    ["small", small, baseline],
    ["big", big, large],
  ] as const) {
    if (got.rows !== expected.rows || got.sum !== expected.actions)
      throw new Error(
        `${name}: the CSV has ${got.rows} rows summing to ${got.sum}; the rollups say ${expected.rows} and ${expected.actions}`,
      );
  }

  const line = (name: string, data: { keys: number; actions: number }, m: Measured) =>
    console.log(
      `  ${name.padEnd(9)} ${String(data.keys).padStart(8)} keys ${String(data.actions).padStart(10)} actions → ` +
        `${String(m.rows).padStart(7)} rows, ${(m.bytes / 1e6).toFixed(2).padStart(6)} MB in ${m.seconds.toFixed(2)} s ` +
        `(${Math.round(m.rows / m.seconds)} rows/s, ${(m.bytes / 1e6 / m.seconds).toFixed(1)} MB/s); ` +
        `server RSS ${m.rssBeforeMb} → peak ${m.rssPeakMb} MB (+${m.growthMb} MB)`,
    );
  console.log(
    `\nCSV export, streamed (identity encoding); load average ${os.loadavg()[0]?.toFixed(2)} on ${os.cpus().length} CPUs:`,
  );
  line("cold big", big, cold);
  line("baseline", small, baseline);
  line("big", big, large);
  line("again", small, after);
  console.log(
    `\n  big export, server RSS growth so far at 10/25/50/75/100 % of the download: ${large.growthAlongMb.join(" / ")} MB` +
      ` (the cold first big export: +${cold.growthMb} MB, once per process)`,
  );
  console.log(
    `  V8 heap after a full GC, before → after the cold big export: used ${cold.heapUsedMb} → ${baseline.heapUsedMb} MB, ` +
      `reserved ${cold.heapTotalMb} → ${baseline.heapTotalMb} MB; after everything: used ${after.heapUsedMb} MB`,
  );
  const rowsRatio = large.rows / baseline.rows;
  const growthRatio = large.growthMb / Math.max(baseline.growthMb, 1);
  console.log(
    `\n  ${rowsRatio.toFixed(0)}× the rows, ${(large.bytes / baseline.bytes).toFixed(0)}× the bytes; ` +
      `peak RSS growth ${large.growthMb} MB vs ${baseline.growthMb} MB (ratio ${growthRatio.toFixed(2)}, ` +
      "floored at 1 MB for the baseline)",
  );
  console.log(
    `  the CSV sums match the rollups: ${big.actions} actions incl. ${big.corrections} in corrections`,
  );
  const file = saveResults("export", new Date().toISOString(), {
    small,
    big,
    baseline,
    cold,
    large,
    after,
    rowsRatio,
    growthRatio,
  });
  console.log(`results: ${file}`);
} finally {
  await pool?.end();
  await app?.stop();
  await postgres?.stop();
  killAllChildren();
}
