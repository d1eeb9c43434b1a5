import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.js";
import { ActionLimiter } from "../src/features/abuse/limiter.js";
import { openDatabase } from "../src/platform/db/database.js";
import { startPostgres } from "./support/postgres.js";

// The action limiter alone against a throwaway PostgreSQL: how many checks a second one node's
// limiter makes with many concurrent requests from many addresses, none of them over a limit (the
// fast path: one statement per group), and then with one address far over its limits (the slow
// path: a second statement gives back what the refused requests added). Prints checks/s, group
// sizes and latency percentiles; the design point is 1,000 actions/s.

const { values } = parseArgs({
  options: {
    checks: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "200" },
    addresses: { type: "string", default: "500" },
  },
});
const checks = Number(values.checks);
const concurrency = Number(values.concurrency);
const addresses = Number(values.addresses);

const pg = await startPostgres();
try {
  const config = loadConfig({ DATABASE_URL: pg.url, LOG_LEVEL: "warn" });
  const db = await openDatabase(config, { joinRunning: false });
  try {
    const run = async (
      name: string,
      limits: ConstructorParameters<typeof ActionLimiter>[1],
      address: (i: number) => string,
    ) => {
      const limiter = new ActionLimiter(db.pool, limits);
      const latencies: number[] = [];
      let next = 0;
      let refused = 0;
      const started = performance.now();
      const worker = async () => {
        while (next < checks) {
          const i = next++;
          const t0 = performance.now();
          const verdict = await limiter.take({ address: address(i), caseId: 1 + (i % 6), quantity: 1 });
          latencies.push(performance.now() - t0);
          if (!verdict.allowed) refused++;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const at = (q: number) =>
        (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1);
      console.log(
        `${name.padEnd(28)} ${Math.round(checks / seconds)
          .toLocaleString("en-US")
          .padStart(7)} checks/s  p50 ${at(0.5)} ms  p99 ${at(0.99)} ms  refused ${refused}`,
      );
    };
    const high = { minute: 1e9, hour: 1e9, caseMinute: 1e9, caseHour: 1e9 };
    console.log(
      `${checks} checks, ${concurrency} at a time, load average ${(await import("node:os"))
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
    await run(
      "within limits, many addresses",
      high,
      (i) => `198.18.${Math.floor((i % addresses) / 250)}.${(i % addresses) % 250}`,
    );
    await run("within limits, one address", high, () => "198.19.0.1");
    await run(
      "one address far over",
      { minute: 100, hour: 1000, caseMinute: 50, caseHour: 500 },
      () => "198.19.0.2",
    );
  } finally {
    await db.close();
  }
} finally {
  await pg.stop();
}
