import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { Pool } from "undici";
import { verifyCounters } from "../src/core/ledger/verify.js";
import { seedDemo } from "../src/demo/seed.js";
import { parseCriteria } from "../src/features/invalidation/criteria.js";
import { createJob, preview } from "../src/features/invalidation/store.js";
import { CLI_ACTOR } from "../src/features/office/audit.js";
import { migrate } from "../src/platform/db/migrate.js";
import { killAllChildren, startApp } from "./support/app.js";
import { fillFromNetwork } from "./support/invalidate-fill.js";
import { startPostgres } from "./support/postgres.js";
import { cpuMeter, family, procAvailable, round2, sleep } from "./support/proc.js";
import { saveResults } from "./support/results.js";

// Invalidating a million actions while actions keep arriving. A throwaway PostgreSQL gets the
// demo and a million actions from one network (straight with SQL, rollups and origins beside
// them); `inkwell start` runs on it. Actions are posted at --rate a second, open loop, for
// --baseline seconds (the ingest rate before), then an invalidation of the network is created
// (as the office does) and the node works on it while the posting goes on (the rate during).
// Reported: time to finish, the acknowledged rate and latencies before and during, their ratio,
// the CPU split, and whether the counters are exact: the node's counter equals the ledger,
// `verify` finds no difference, and the job took out exactly the preview.

const { values } = parseArgs({
  options: {
    actions: { type: "string", default: "1000000" },
    rate: { type: "string", default: "1000" },
    baseline: { type: "string", default: "20" },
    connections: { type: "string", default: "50" },
    batch: { type: "string", default: "2000" },
  },
});
const ACTIONS = Number(values.actions);
const RATE = Number(values.rate);
const BASELINE_S = Number(values.baseline);
const CONNECTIONS = Number(values.connections);
if (!(ACTIONS >= 1000 && RATE >= 1 && BASELINE_S >= 1 && CONNECTIONS >= 1)) throw new Error("bad arguments");

interface Posting {
  acked: number;
  failed: Record<string, number>;
  latencies: number[];
  seconds: number;
}

/** Posts at RATE a second (open loop: sends follow the clock) until stop() is called. */
function post(url: string) {
  const pool = new Pool(url, {
    connections: CONNECTIONS,
    pipelining: 1,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const result: Posting = { acked: 0, failed: {}, latencies: [], seconds: 0 };
  const outstanding = new Set<Promise<void>>();
  let stopped = false;
  let sent = 0;
  const run = `inv-${process.pid}-${Date.now().toString(36)}`;
  const one = async (n: number) => {
    const t0 = performance.now();
    try {
      const response = await pool.request({
        method: "POST",
        path: "/api/v1/actions",
        headers: { "content-type": "application/json", "idempotency-key": `${run}-${n}` },
        body: JSON.stringify({ campaign: "w4r-2012", case: "gao-zhisheng", type: "letter", country: "FR" }),
      });
      await response.body.dump();
      if (response.statusCode === 201) {
        result.acked++;
        result.latencies.push(performance.now() - t0);
      } else result.failed[response.statusCode] = (result.failed[response.statusCode] ?? 0) + 1;
    } catch (error) {
      const code = (error as { code?: string }).code ?? "network";
      result.failed[code] = (result.failed[code] ?? 0) + 1;
    }
  };
  const done = (async () => {
    const started = performance.now();
    let due = 0;
    while (!stopped) {
      const target = Math.floor(((performance.now() - started) / 1000) * RATE);
      while (due < target) {
        due++;
        if (outstanding.size >= Math.max(RATE, CONNECTIONS * 2)) {
          result.failed.skipped = (result.failed.skipped ?? 0) + 1;
          continue;
        }
        const p = one(sent++).finally(() => outstanding.delete(p));
        outstanding.add(p);
      }
      await sleep(2);
    }
    result.seconds = (performance.now() - started) / 1000;
    await Promise.all(outstanding);
    await pool.close();
    return result;
  })();
  return {
    stop: async () => {
      stopped = true;
      return done;
    },
  };
}

const pct = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return round2(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
};
const summary = (p: Posting) => ({
  acked: p.acked,
  seconds: round2(p.seconds),
  ratePerSecond: round2(p.acked / p.seconds),
  p50Ms: pct(p.latencies, 50),
  p99Ms: pct(p.latencies, 99),
  failed: p.failed,
});

async function counterTotal(url: string): Promise<number> {
  return (await (await fetch(`${url}/api/v1/campaigns/w4r-2012/counter`)).json()).total;
}

async function main() {
  const at = new Date().toISOString();
  console.log(
    `invalidate bench: ${ACTIONS} actions from one network, ${RATE} actions/s posted; load ${os.loadavg().map(round2).join(" ")}`,
  );
  const pgServer = await startPostgres();
  const db = new pg.Pool({ connectionString: pgServer.url, max: 4 });
  try {
    await migrate(db);
    await seedDemo(db);
    const campaign = (await db.query("SELECT id, starts_at FROM campaigns WHERE slug = 'w4r-2012'")).rows[0];
    const filledAt = performance.now();
    await fillFromNetwork(db, campaign.id, ACTIONS, "198.18.0.0/15", (n) =>
      process.stdout.write(`\r  filled ${n} actions`),
    );
    console.log(` in ${round2((performance.now() - filledAt) / 1000)} s`);

    const app = await startApp(pgServer.url, {
      LOG_LEVEL: "warn",
      ACTION_RATE_LIMIT: "0",
      SEED_DEMO: "false",
      INVALIDATION_BATCH: values.batch as string,
      DB_LONG_TIMEOUT_MS: "3600000",
    });
    try {
      const startTotal = await counterTotal(app.url);
      console.log(`  node ready; counter ${startTotal}`);
      const { criteria } = parseCriteria({ network: "198.18.0.0/15" });
      const shown = await preview(db, criteria);
      console.log(`  preview: ${shown.actions} actions, counting ${shown.quantity}`);

      // The ingest rate before: the same posting, nothing else running.
      const meterBefore = procAvailable()
        ? cpuMeter({ node: family(app.pid), postgres: family(pgServer.pid) })
        : undefined;
      const before = await (async () => {
        const p = post(app.url);
        await sleep(BASELINE_S * 1000);
        return p.stop();
      })();
      const cpuBefore = meterBefore?.end();
      console.log(`  before: ${JSON.stringify(summary(before))}`);

      const duringPost = post(app.url);
      await sleep(2_000);
      const meterDuring = procAvailable()
        ? cpuMeter({ node: family(app.pid), postgres: family(pgServer.pid) })
        : undefined;
      const client = await db.connect();
      const created = performance.now();
      let jobId: number;
      try {
        jobId = (await createJob(client, CLI_ACTOR, criteria, "bench: a million from one network", shown)).id;
      } finally {
        client.release();
      }
      let job: {
        state: string;
        taken_actions: number;
        selected_actions: number | null;
        started_at: Date | null;
      };
      let selectedMs: number | undefined;
      let last = 0;
      for (;;) {
        job = (
          await db.query(
            "SELECT state, taken_actions, selected_actions, started_at FROM invalidation_jobs WHERE id = $1",
            [jobId],
          )
        ).rows[0];
        if (job.selected_actions !== null && selectedMs === undefined)
          selectedMs = performance.now() - created;
        if (job.state === "done" || job.state === "failed") break;
        if (performance.now() - last > 5_000) {
          last = performance.now();
          process.stdout.write(
            `\r  job ${jobId}: ${job.state}, ${job.taken_actions} of ${job.selected_actions ?? "?"}`,
          );
        }
        await sleep(100);
      }
      const finishMs = performance.now() - created;
      const cpuDuring = meterDuring?.end();
      const during = await duringPost.stop();
      console.log(
        `\n  job ${jobId} ${job.state} in ${round2(finishMs / 1000)} s (selection fixed after ${round2((selectedMs ?? 0) / 1000)} s)`,
      );
      console.log(`  during: ${JSON.stringify(summary(during))}`);

      // Exact: the node's counter is the ledger's; verify finds nothing; the job took the preview.
      const deadline = Date.now() + 30_000;
      const ledgerOf = async () =>
        Number(
          (
            await db.query("SELECT sum(quantity)::bigint AS n FROM actions WHERE campaign_id = $1", [
              campaign.id,
            ])
          ).rows[0].n,
        );
      let counter = await counterTotal(app.url);
      let ledger = await ledgerOf();
      while (counter !== ledger && Date.now() < deadline) {
        await sleep(100);
        counter = await counterTotal(app.url);
        ledger = await ledgerOf();
      }
      const taken = (
        await db.query(
          "SELECT taken_actions, taken_quantity::bigint AS q FROM invalidation_jobs WHERE id = $1",
          [jobId],
        )
      ).rows[0];
      const verified = await verifyCounters(db);
      const exact = {
        counterEqualsLedger: counter === ledger,
        counter,
        ledger,
        expected: startTotal + before.acked + during.acked - shown.quantity,
        takenEqualsPreview:
          Number(taken.taken_actions) === shown.actions && Number(taken.q) === shown.quantity,
        verifyDifferences: verified.differences.length,
      };
      const ratio = round2(summary(during).ratePerSecond / summary(before).ratePerSecond);
      console.log(`  exact: ${JSON.stringify(exact)}`);
      console.log(
        `  ingest rate during / before: ${ratio}; p99 ${summary(before).p99Ms} → ${summary(during).p99Ms} ms`,
      );
      const results = {
        at,
        host: { cpus: os.cpus().length, load: os.loadavg().map(round2) },
        settings: { actions: ACTIONS, rate: RATE, baselineSeconds: BASELINE_S, batch: Number(values.batch) },
        invalidation: {
          state: job.state,
          actions: shown.actions,
          finishSeconds: round2(finishMs / 1000),
          selectionSeconds: round2((selectedMs ?? 0) / 1000),
          actionsPerSecond: round2(shown.actions / (finishMs / 1000)),
        },
        before: { ...summary(before), cpu: cpuBefore },
        during: { ...summary(during), cpu: cpuDuring },
        ratio,
        exact,
      };
      console.log(`  results: ${saveResults("invalidate", at, results)}`);
      if (
        !exact.counterEqualsLedger ||
        !exact.takenEqualsPreview ||
        exact.verifyDifferences > 0 ||
        exact.counter !== exact.expected
      )
        process.exitCode = 1;
    } finally {
      await app.stop();
    }
  } finally {
    await db.end();
    await pgServer.stop();
  }
}

main().catch((error) => {
  console.error(error);
  killAllChildren();
  process.exit(1);
});
