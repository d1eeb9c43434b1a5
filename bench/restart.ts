import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { openEmbedded } from "../src/platform/db/embedded.js";
import { freePort } from "../test/support/process.js";
import { ROOT, round2, sleep } from "./support/proc.js";
import { BENCH_SLUG, fillLedger } from "./support/restart-fill.js";
import { saveResults } from "./support/results.js";

// Restart to ready with millions of actions in the ledger. One data directory, as an operator
// has it: `inkwell start` seeds the demo and is stopped; restarts on the demo ledger are the
// baseline; then the ledger and rollups are filled straight with SQL (support/restart-fill.ts)
// and the same node is restarted again. Each restart is timed from the spawn of the process to
// the first 200 from /readyz, with the node's RSS at that moment; the counters it then serves
// are checked against the ledger's sums and against `inkwell verify`, which is timed too.

const { values } = parseArgs({
  options: {
    actions: { type: "string", default: "10000000" },
    runs: { type: "string", default: "2" },
    keep: { type: "boolean", default: false },
    "data-dir": { type: "string" },
    // Restarts on a data directory a run with --keep filled, against a fresh demo baseline.
    "skip-fill": { type: "boolean", default: false },
  },
});
const rows = Number(values.actions);
const runs = Number(values.runs);
if (!(rows >= 1000 && runs >= 1)) throw new Error("--actions ≥ 1000 and --runs ≥ 1");
const GOAL_MS = 5000;

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

interface Started {
  child: ChildProcess;
  url: string;
  readyMs: number;
  /** When the node's log said it listens, from the spawn. */
  listeningMs: number | undefined;
  rssMb: number;
  peakRssMb: number;
  stop(): Promise<void>;
}

function status(pid: number): { rssMb: number; peakRssMb: number } {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
  return { rssMb: round2(kb("VmRSS") / 1024), peakRssMb: round2(kb("VmHWM") / 1024) };
}

async function start(env: Record<string, string>, timeoutMs = 600_000): Promise<Started> {
  const port = await freePort();
  const { DATABASE_URL: _u, NODE_OPTIONS: _n, ...inherited } = process.env;
  const began = performance.now();
  const child = spawn(process.execPath, ["bin/inkwell.js", "start"], {
    cwd: ROOT,
    env: { ...inherited, LOG_LEVEL: "info", ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let listeningMs: number | undefined;
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    if (listeningMs === undefined && text.includes("listening")) listeningMs = performance.now() - began;
    tail.push(text);
    if (tail.length > 40) tail.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`inkwell start exited before ready:\n${tail.join("")}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (performance.now() - began > timeoutMs) {
      child.kill("SIGKILL");
      throw new Error(`inkwell start was not ready within ${timeoutMs / 1000} s:\n${tail.join("")}`);
    }
    await sleep(20);
  }
  const readyMs = performance.now() - began;
  const memory = status(child.pid as number);
  return {
    child,
    url,
    readyMs,
    listeningMs,
    ...memory,
    stop: async () => {
      child.kill("SIGTERM");
      await gone;
      live.delete(child);
    },
  };
}

function runVerify(env: Record<string, string>): Promise<{ ms: number; code: number | null; out: string }> {
  const { DATABASE_URL: _u, ...inherited } = process.env;
  const began = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["bin/inkwell.js", "verify"], {
      cwd: ROOT,
      env: { ...inherited, LOG_LEVEL: "warn", ...env },
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    child.on("exit", (code) => resolve({ ms: performance.now() - began, code, out }));
  });
}

interface Restart {
  readyMs: number;
  listeningMs: number | undefined;
  rssMb: number;
  peakRssMb: number;
}

async function restart(env: Record<string, string>, label: string): Promise<Restart> {
  const node = await start(env);
  const { readyMs, listeningMs, rssMb, peakRssMb } = node;
  console.log(
    `  ${label}: ready in ${Math.round(readyMs)} ms (log says listening at ${Math.round(listeningMs ?? 0)} ms), ` +
      `RSS ${rssMb} MB (peak ${peakRssMb} MB); load ${os.loadavg()[0]?.toFixed(2)}`,
  );
  await node.stop();
  return {
    readyMs: Math.round(readyMs),
    listeningMs: listeningMs && Math.round(listeningMs),
    rssMb,
    peakRssMb,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
};

const skipFill = values["skip-fill"];
if (skipFill && !values["data-dir"]) throw new Error("--skip-fill needs --data-dir of a filled run");
const dataDir = values["data-dir"] ?? (await mkdtemp(path.join(os.tmpdir(), "inkwell-restart-")));
// The baseline has a data directory of its own, so that its restarts can alternate with the
// filled one's and both see the same load from the rest of the machine.
const baseDir = await mkdtemp(path.join(os.tmpdir(), "inkwell-restart-base-"));
const pgPort = await freePort();
const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) };
let server: Awaited<ReturnType<typeof openEmbedded>> | undefined;
try {
  const load = () =>
    `load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")} on ${os.cpus().length} CPUs`;
  console.log(`restart bench in ${dataDir}; ${load()}`);
  const baseEnv = { ...env, DATA_DIR: baseDir };
  // The first start seeds the demo; it is not measured.
  await (await start(baseEnv)).stop();
  if (!skipFill) await (await start(env)).stop();

  let filled: Awaited<ReturnType<typeof fillLedger>>;
  if (skipFill) {
    server = await openEmbedded({ dataDir, port: pgPort, joinRunning: false });
    const pool = new pg.Pool({ connectionString: server.url, max: 1 });
    const stats = await pool.query<{ id: number; rows: number; quantity: number; keys: number }>(
      `SELECT c.id, (SELECT count(*) FROM actions WHERE campaign_id = c.id)::bigint AS rows,
              (SELECT sum(quantity) FROM actions WHERE campaign_id = c.id)::bigint AS quantity,
              (SELECT count(*) FROM rollups WHERE campaign_id = c.id)::bigint AS keys
         FROM campaigns c WHERE slug = $1`,
      [BENCH_SLUG],
    );
    await pool.end();
    await server.stop();
    server = undefined;
    const s = stats.rows[0];
    if (!s) throw new Error(`${dataDir} has no ${BENCH_SLUG} edition: fill it first (--keep)`);
    filled = { campaignId: s.id, rows: s.rows, quantity: s.quantity, rollupKeys: s.keys };
  } else {
    console.log(`filling the ledger with ${rows} actions…`);
    server = await openEmbedded({ dataDir, port: pgPort, joinRunning: false });
    const pool = new pg.Pool({ connectionString: server.url, max: 1 });
    const fillStarted = performance.now();
    try {
      filled = await fillLedger(pool, rows, (done) =>
        console.log(`  ${done} rows, ${Math.round((performance.now() - fillStarted) / 1000)} s`),
      );
      // What autovacuum would long have done on a server that ran for weeks.
      await pool.query("VACUUM (ANALYZE) actions, rollups");
    } finally {
      await pool.end();
    }
    await server.stop();
    server = undefined;
    console.log(
      `  ${filled.rows} rows, ${filled.quantity} actions counted, ${filled.rollupKeys} rollup keys in ` +
        `${Math.round((performance.now() - fillStarted) / 1000)} s`,
    );
  }

  console.log(`restarts, the demo ledger and the one with ${filled.rows} more rows in turn`);
  const baseline: Restart[] = [];
  const big: Restart[] = [];
  for (let i = 1; i <= runs; i++) {
    baseline.push(await restart(baseEnv, `demo   #${i}`));
    big.push(await restart(env, `filled #${i}`));
  }

  // The counters a restarted node serves, against the ledger and `inkwell verify`.
  const node = await start(env);
  const credentials = JSON.parse(readFileSync(path.join(dataDir, "credentials.json"), "utf8"));
  const check = new pg.Pool({
    connectionString: `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${pgPort}/inkwell`,
    max: 1,
  });
  let sums: { slug: string; n: number }[];
  try {
    sums = (
      await check.query<{ slug: string; n: number }>(
        `SELECT c.slug, coalesce(sum(a.quantity), 0)::bigint AS n
           FROM campaigns c LEFT JOIN actions a ON a.campaign_id = c.id GROUP BY c.slug ORDER BY c.slug`,
      )
    ).rows.map((r) => ({ slug: r.slug, n: Number(r.n) }));
  } finally {
    await check.end();
  }
  const counters: { slug: string; ledger: number; counter: number }[] = [];
  for (const { slug, n } of sums) {
    const body = (await (await fetch(`${node.url}/api/v1/campaigns/${slug}/counter`)).json()) as {
      total: number;
    };
    counters.push({ slug, ledger: n, counter: body.total });
  }
  const verify = await runVerify(env);
  await node.stop();
  const verified = new Map(
    [...verify.out.matchAll(/^(\S+): ledger (-?\d+), rollups (-?\d+)$/gm)].map((m) => [m[1], Number(m[2])]),
  );
  const summary = /(\d+) ledger rows, (\d+) rollup keys, (\d+) differences/.exec(verify.out);

  const baseMs = median(baseline.map((r) => r.readyMs));
  const bigMs = median(big.map((r) => r.readyMs));
  console.log(`\nRestart to ready (${load()}):`);
  console.log(`  demo ledger:   median ${baseMs} ms, RSS ${median(baseline.map((r) => r.rssMb))} MB`);
  console.log(
    `  ${filled.rows} rows more: median ${bigMs} ms, RSS ${median(big.map((r) => r.rssMb))} MB ` +
      `(peak ${median(big.map((r) => r.peakRssMb))} MB); ${filled.rollupKeys} rollup keys for it`,
  );
  console.log(
    `  ratio ${round2(bigMs / baseMs)} × the demo's; goal < ${GOAL_MS} ms: ${bigMs < GOAL_MS ? "met" : "MISSED"}`,
  );
  for (const c of counters) {
    const v = verified.get(c.slug);
    const same = c.counter === c.ledger && v === c.ledger;
    console.log(
      `  ${c.slug}: counter ${c.counter}, ledger ${c.ledger}, verify ${v ?? "?"} ${same ? "✓" : "DIFFERENT"}`,
    );
  }
  console.log(
    `  inkwell verify: ${round2(verify.ms / 1000)} s, exit ${verify.code}` +
      (summary ? ` (${summary[1]} rows, ${summary[2]} keys, ${summary[3]} differences)` : `:\n${verify.out}`),
  );
  const ok =
    verify.code === 0 && counters.every((c) => c.counter === c.ledger && verified.get(c.slug) === c.ledger);
  const file = saveResults("restart", new Date().toISOString(), {
    rows,
    filled,
    baseline,
    big,
    ratio: bigMs / baseMs,
    counters,
    verifyMs: Math.round(verify.ms),
    verifyExit: verify.code,
    loadavg: os.loadavg(),
  });
  console.log(`results: ${file}`);
  if (!ok) process.exitCode = 1;
} finally {
  await server?.stop();
  for (const child of live) child.kill("SIGKILL");
  await rm(baseDir, { recursive: true, force: true });
  if (!values.keep && !values["data-dir"]) await rm(dataDir, { recursive: true, force: true });
  else console.log(`data kept in ${dataDir}`);
}
