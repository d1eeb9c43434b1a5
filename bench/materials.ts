import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pino from "pino";
import { loadConfig } from "../src/config.js";
import { startRuntime } from "../src/core/runtime.js";
import { seedDemo } from "../src/demo/seed.js";
import { packBuilderOf } from "../src/features/packs/index.js";
import { openDatabase } from "../src/platform/db/database.js";
import { openEmbedded } from "../src/platform/db/embedded.js";
import { buildApp } from "../src/server/app.js";
import { saveResults } from "./support/results.js";

// Case packs: one section's pack (the demo edition's 6 cases × 5 materials, one language), then
// a launch — 80 sections' packs at once — built in the node that also serves the public pages,
// with the home page's and a case page's p99 measured meanwhile against a baseline measured in
// the same run without builds. The node runs in this process (the builds share its event loop,
// as on a real node); autocannon runs here too, in the baseline as in the measurements.
//
//   npm run bench:materials -- [--port 4600] [--pg-port 4601] [--connections 10] [--seconds 8]

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4600" },
    "pg-port": { type: "string", default: "4601" },
    connections: { type: "string", default: "10" },
    seconds: { type: "string", default: "8" },
    sections: { type: "string", default: "80" },
  },
});
const PAGES = ["/en/", "/en/cases/gao-zhisheng"];
const connections = Number(values.connections);
const seconds = Number(values.seconds);

// Countries for the sections the demo does not have (it has 17).
const MORE = (
  "AT AU BR CL CO PE UY PY BO EC VE CR PA GT HN SV NI DO CU PR PT IE DK SE NO FI IS EE LV LT CZ SK HU RO BG " +
  "GR TR IL JO LB EG TN DZ SN CI GH NG KE UG TZ ZA ZW IN PK BD LK JP KR PH ID MY TH VN HK SG NZ"
).split(" ");
const LANGUAGES = ["en", "es", "fr", "ar", "ru", "pl", "zh-Hans", "pt", "de", "hi"];

/** A small deterministic generator, so that two runs build the same packs. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

interface Load {
  stop(): Promise<{ path: string; p50: number; p99: number; rps: number; non2xx: number }[]>;
}

/** Both pages under load until stopped (at least `minSeconds`). */
function loadPages(base: string, minSeconds: number): Load {
  const runs = PAGES.map((page) => {
    let finish: (r: autocannon.Result) => void = () => {};
    const done = new Promise<autocannon.Result>((resolve) => {
      finish = resolve;
    });
    const instance = autocannon(
      { url: `${base}${page}`, connections, duration: 3600, headers: { "accept-encoding": "gzip" } },
      (_error, result) => finish(result),
    );
    return { page, instance, done };
  });
  const started = Date.now();
  return {
    async stop() {
      const left = minSeconds * 1000 - (Date.now() - started);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      for (const run of runs) run.instance.stop();
      return Promise.all(
        runs.map(async (run) => {
          const r = await run.done;
          return {
            path: run.page,
            p50: r.latency.p50,
            p99: r.latency.p99,
            rps: Math.round(r.requests.average),
            non2xx: r.non2xx,
          };
        }),
      );
    },
  };
}

/** The process's largest resident set while `work` runs, sampled every 50 ms. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakMb: number; ms: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  const started = performance.now();
  try {
    const result = await work();
    return { result, peakMb: Math.round(peak / 2 ** 20), ms: Math.round(performance.now() - started) };
  } finally {
    clearInterval(timer);
  }
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), "wt-packs-bench-"));
const server = await openEmbedded({ dataDir, port: Number(values["pg-port"]), joinRunning: false });
try {
  const config = loadConfig({
    DATABASE_URL: server.url,
    DATA_KEY: randomBytes(32).toString("base64"),
    LOG_LEVEL: "warn",
    ACTION_RATE_LIMIT: "0",
    PACK_BUILDS: "false",
    PORT: values.port,
  });
  const log = pino({ level: "warn" });
  const db = await openDatabase(config, { joinRunning: false });
  await seedDemo(db.bulk);
  const runtime = await startRuntime(config, db, log);
  const app = await buildApp(runtime);
  const base = await app.listen({ port: Number(values.port), host: "127.0.0.1" });
  const builder = packBuilderOf(runtime);
  const uptime = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  console.log(`load average at start: ${uptime()}`);

  // Warm the pages (and Typst's fonts, which the first document of a process reads).
  await loadPages(base, 2).stop();
  const baseline = await loadPages(base, seconds).stop();

  // One section: Spain features no case in the demo, so its pack holds all six.
  const spain = (await builder.sections()).get("ES");
  if (!spain) throw new Error("the demo has no Spanish section");
  const oneLoad = loadPages(base, 0);
  const one = await withPeakRss(() => builder.ensure(spain, "es"));
  const duringOne = await oneLoad.stop();
  const size = await db.pool.query<{ bytes: number }>(
    "SELECT p.bytes FROM material_packs p JOIN material_pack_current c ON c.hash = p.hash WHERE c.section_id = $1 AND c.language = 'es'",
    [spain.id],
  );

  // A launch: 80 sections, each featuring three to six of the cases in one or two languages.
  const next = random(2012);
  const campaign = runtime.catalog().campaigns.get("w4r-2012");
  if (!campaign) throw new Error("the demo has no 2012 edition");
  const caseIds = [...campaign.cases.values()];
  const existing = (await builder.sections()).size;
  for (const country of MORE.slice(0, Math.max(0, Number(values.sections) - existing))) {
    const languages = [LANGUAGES[Math.floor(next() * LANGUAGES.length)] as string];
    if (next() < 0.3) languages.push(LANGUAGES[Math.floor(next() * LANGUAGES.length)] as string);
    const inserted = await db.pool.query<{ id: number }>(
      "INSERT INTO sections (country, name, languages) VALUES ($1, $2, $3) RETURNING id",
      [country, `Write for Rights ${country}`, [...new Set(languages)]],
    );
    const featured = caseIds.filter(() => next() < 0.7).slice(0, 6);
    for (const [position, caseId] of (featured.length >= 3 ? featured : caseIds).entries())
      await db.pool.query(
        "INSERT INTO section_featured_cases (section_id, campaign_id, case_id, position) VALUES ($1, $2, $3, $4)",
        [inserted.rows[0]?.id, campaign.id, caseId, position],
      );
  }
  await runtime.catalogChanged();
  const sections = await builder.sections();
  const packs = [...sections.values()].reduce((n, s) => n + s.languages.length, 0);
  const builtBefore = builder.built;
  const launchLoad = loadPages(base, 0);
  const launch = await withPeakRss(() => builder.runOnce());
  const duringLaunch = await launchLoad.stop();
  const distinct = await db.pool.query<{ n: number; bytes: number }>(
    "SELECT count(*)::int AS n, coalesce(sum(bytes), 0)::int AS bytes FROM material_packs WHERE state = 'ready'",
  );

  const row = (name: string, r: Awaited<ReturnType<Load["stop"]>>) => {
    for (const m of r) {
      const b = baseline.find((x) => x.path === m.path);
      const ratio = b ? (m.p99 / Math.max(1, b.p99)).toFixed(2) : "";
      console.log(`| ${name} | ${m.path} | ${m.rps} | ${m.p50} ms | ${m.p99} ms | ${ratio} | ${m.non2xx} |`);
    }
  };
  console.log(`\nload average at end: ${uptime()}`);
  console.log(
    `\nOne section's pack (ES, es: ${spain.languages.length} languages, 6 cases × 5 materials): ${one.ms} ms, RSS peak ${one.peakMb} MB, ZIP ${Math.round((size.rows[0]?.bytes ?? 0) / 1024)} KB`,
  );
  console.log(
    `Launch: ${sections.size} sections, ${packs} section languages → ${builder.built - builtBefore} packs built (${distinct.rows[0]?.n} distinct in all, ${Math.round((distinct.rows[0]?.bytes ?? 0) / 2 ** 20)} MB): ${launch.ms} ms, RSS peak ${launch.peakMb} MB`,
  );
  console.log(`\nPublic pages (${connections} connections each, both at once):`);
  console.log("| phase | page | requests/s | p50 | p99 | p99 × baseline | non-2xx |");
  console.log("|---|---|---|---|---|---|---|");
  row("baseline, no builds", baseline);
  row("one section's pack", duringOne);
  row("launch (80 sections)", duringLaunch);
  const file = saveResults("materials", new Date().toISOString(), {
    one,
    launch: { ...launch, sections: sections.size, packs, built: builder.built - builtBefore },
    baseline,
    duringOne,
    duringLaunch,
    loadavg: os.loadavg(),
  });
  console.log(`\nsaved ${file}`);
  await app.close();
  await runtime.close();
  await db.close();
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
