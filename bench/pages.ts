import { parseArgs } from "node:util";
import { brotliCompressSync, gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { simulate } from "../src/demo/simulate.js";
import { killAllChildren, type ServerProcess, startApp } from "./support/app.js";
import { type Postgres, startPostgres } from "./support/postgres.js";
import { saveResults } from "./support/results.js";

// Public pages: what a phone downloads on first load (compressed HTML, CSS and scripts, without
// images and fonts) against the budgets, and how fast the server renders the home page
// while actions keep the counter moving, beside the bare JSON counter endpoint in the same run.

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "10" }, connections: { type: "string", default: "50" } },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const PAGE_BUDGET = 60 * 1024;
const SCRIPT_BUDGET = 30 * 1024;

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.text();
}

/** Sizes as the server's own compression sends them (gzip), and with brotli at its best. */
function sizes(text: string) {
  return {
    raw: Buffer.byteLength(text),
    gzip: gzipSync(text).length,
    brotli: brotliCompressSync(text).length,
  };
}

async function weight(base: string, path: string) {
  const html = await fetchText(`${base}${path}`);
  const assets = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
  const files = await Promise.all(
    assets.map(async (a) => ({ path: a, ...sizes(await fetchText(`${base}${a}`)) })),
  );
  const scripts = files.filter((f) => f.path.endsWith(".js"));
  const total = sizes(html).gzip + files.reduce((sum, f) => sum + f.gzip, 0);
  const scriptTotal = scripts.reduce((sum, f) => sum + f.gzip, 0);
  return { path, html: sizes(html), assets: files, totalGzip: total, scriptsGzip: scriptTotal };
}

async function load(url: string) {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: { "accept-encoding": "gzip" },
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

let postgres: Postgres | undefined;
let app: ServerProcess | undefined;
try {
  postgres = await startPostgres();
  app = await startApp(postgres.url, { LOG_LEVEL: "warn", ACTION_RATE_LIMIT: "0" });
  const pages = [
    await weight(app.url, "/en/"),
    await weight(app.url, "/en/cases/gao-zhisheng"),
    await weight(app.url, "/ar/"),
  ];
  // Keep the counter moving while pages are rendered, as on launch day.
  const activity = simulate({ url: app.url, rate: 50, seconds: seconds * 2 + 4, connections: 4 });
  await load(`${app.url}/en/`); // warm-up of the render path and its caches
  const home = await load(`${app.url}/en/`);
  const counter = await load(`${app.url}/api/v1/campaigns/w4r-2012/counter`);
  await activity;

  console.log("\nFirst load, compressed (gzip), without images and fonts:");
  for (const p of pages) {
    const verdict = p.totalGzip <= PAGE_BUDGET && p.scriptsGzip <= SCRIPT_BUDGET ? "PASS" : "MISS";
    console.log(
      `  ${p.path.padEnd(24)} html ${p.html.gzip} B (raw ${p.html.raw}), with assets ${p.totalGzip} B of ${PAGE_BUDGET}; scripts ${p.scriptsGzip} B of ${SCRIPT_BUDGET}  ${verdict}`,
    );
  }
  console.log(
    `\nRendering under load (${connections} connections, ${seconds} s each, 50 actions/s posted meanwhile):`,
  );
  console.log(
    `  home page /en/        ${home.rps} req/s, p50 ${home.p50} ms, p99 ${home.p99} ms, non-2xx ${home.non2xx}`,
  );
  console.log(
    `  JSON counter          ${counter.rps} req/s, p50 ${counter.p50} ms, p99 ${counter.p99} ms, non-2xx ${counter.non2xx}`,
  );
  console.log(`  home / counter        ${(home.rps / counter.rps).toFixed(2)}`);
  const file = saveResults("pages", new Date().toISOString(), { pages, home, counter, seconds, connections });
  console.log(`results: ${file}`);
} finally {
  await app?.stop();
  await postgres?.stop();
  killAllChildren();
}
