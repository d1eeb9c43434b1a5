import { performance } from "node:perf_hooks";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { killAllChildren, type ServerProcess, startApp } from "./support/app.js";
import { type Postgres, startPostgres } from "./support/postgres.js";

// What compressing a shared page once per version costs, by level: the figures behind the
// brotli quality chosen in src/platform/http/shared-pages.ts.

const PATHS = ["/en/", "/en/s/es", "/en/events", "/api/v1/campaigns/w4r-2012"];
const RUNS = 20;

function time(f: () => Buffer): { ms: number; bytes: number } {
  let bytes = 0;
  const start = performance.now();
  for (let i = 0; i < RUNS; i++) bytes = f().length;
  return { ms: (performance.now() - start) / RUNS, bytes };
}

let postgres: Postgres | undefined;
let app: ServerProcess | undefined;
try {
  postgres = await startPostgres();
  app = await startApp(postgres.url, { LOG_LEVEL: "warn" });
  for (const path of PATHS) {
    const body = Buffer.from(await (await fetch(`${app.url}${path}`)).arrayBuffer());
    const row = [`${path} (${body.length} B)`];
    for (const [name, f] of [
      ["gzip 6", () => gzipSync(body, { level: 6 })],
      ["gzip 9", () => gzipSync(body, { level: 9 })],
      ...[4, 5, 6, 9, 11].map((q) => [
        `br ${q}`,
        () => brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: q } }),
      ]),
    ] as Array<[string, () => Buffer]>) {
      const t = time(f);
      row.push(`${name}: ${t.bytes} B ${t.ms.toFixed(2)} ms`);
    }
    console.log(row.join(" | "));
  }
} finally {
  await app?.stop();
  await postgres?.stop();
  killAllChildren();
}
