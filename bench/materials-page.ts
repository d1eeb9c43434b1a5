import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { loadConfig } from "../src/config.js";
import { startRuntime } from "../src/core/runtime.js";
import { seedDemo } from "../src/demo/seed.js";
import { hashPassword } from "../src/features/accounts/passwords.js";
import { createSession, SESSION_COOKIE } from "../src/features/office/sessions.js";
import { insertUser } from "../src/features/office/users.js";
import { packBuilderOf } from "../src/features/packs/index.js";
import { openDatabase } from "../src/platform/db/database.js";
import { openEmbedded } from "../src/platform/db/embedded.js";
import { buildApp } from "../src/server/app.js";
import { saveResults } from "./support/results.js";

// /office/materials for an admin with 80 sections (the demo's 17 and made-up ones, one or two
// languages each, three to six featured cases): how long the page takes right after a change
// (cold: nothing computed since) and when nothing changed (warm), and after the background
// pass that follows every change has looked at every pack. In process (app.inject), so what is
// measured is the node's work, not the network's.
//
//   npm run bench:materials-page -- [--pg-port 4701] [--sections 80] [--runs 15]

const { values } = parseArgs({
  options: {
    "pg-port": { type: "string", default: "4701" },
    sections: { type: "string", default: "80" },
    runs: { type: "string", default: "15" },
  },
});
const runs = Number(values.runs);
const MORE = (
  "AT AU BR CL CO PE UY PY BO EC VE CR PA GT HN SV NI DO CU PR PT IE DK SE NO FI IS EE LV LT CZ SK HU RO BG " +
  "GR TR IL JO LB EG TN DZ SN CI GH NG KE UG TZ ZA ZW IN PK BD LK JP KR PH ID MY TH VN HK SG NZ"
).split(" ");
const LANGUAGES = ["en", "es", "fr", "ar", "ru", "pl", "zh-Hans", "pt", "de", "hi"];

function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

const dataDir = await mkdtemp(path.join(os.tmpdir(), "materials-page-bench-"));
const server = await openEmbedded({ dataDir, port: Number(values["pg-port"]), joinRunning: false });
try {
  const config = loadConfig({ DATABASE_URL: server.url, LOG_LEVEL: "warn", PACK_BUILDS: "false" });
  const db = await openDatabase(config, { joinRunning: false });
  await seedDemo(db.bulk);
  const runtime = await startRuntime(config, db, pino({ level: "warn" }));
  const app = await buildApp(runtime);
  await app.ready();
  const next = random(2012);
  const campaign = runtime.catalog().campaigns.get("w4r-2012");
  if (!campaign) throw new Error("the demo has no 2012 edition");
  const caseIds = [...campaign.cases.values()];
  const builder = packBuilderOf(runtime);
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
  const languages = [...sections.values()].reduce((n, s) => n + s.languages.length, 0);
  const admin = await insertUser(db.pool, {
    email: "bench-admin@example.org",
    name: "Bench admin",
    role: "admin",
    sectionIds: [],
    languages: [],
    passwordHash: await hashPassword("bench password, not a secret"),
  });
  const cookie = `${SESSION_COOKIE}=${await createSession(db.pool, admin.id)}`;
  const page = async () => {
    const started = performance.now();
    const response = await app.inject({ url: "/office/materials", headers: { cookie } });
    if (response.statusCode !== 200)
      throw new Error(`/office/materials: ${response.statusCode} ${response.body.slice(0, 300)}`);
    return performance.now() - started;
  };
  console.log(`load average at start: ${loadavg()}`);
  await page(); // the first request of a process compiles templates and warms the pool
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    // A change somewhere (what a translator's save announces): the version moves.
    await runtime.catalogChanged();
    cold.push(await page());
    warm.push(await page());
  }
  // After a change the background pass plans every pack (PACK_DEBOUNCE_MS later, once the
  // change's announcement has come back to this node too): the page then finds its work done.
  const settled = async () => {
    let version = runtime.catalog().version;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (runtime.catalog().version === version) return;
      version = runtime.catalog().version;
    }
  };
  const afterPass: number[] = [];
  for (let i = 0; i < Math.min(5, runs); i++) {
    await runtime.catalogChanged();
    await settled();
    const pass = performance.now();
    await Promise.all([...sections.values()].flatMap((s) => s.languages.map((l) => builder.plan(s, l))));
    const passMs = performance.now() - pass;
    afterPass.push(await page());
    if (i === 0) console.log(`planning every pack once after a change: ${Math.round(passMs)} ms`);
  }
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(
    `\n/office/materials, admin, ${sections.size} sections, ${languages} section languages, ${runs} runs:`,
  );
  console.log("| case | median | max |");
  console.log("|---|---|---|");
  console.log(`| right after a change (cold) | ${f(median(cold))} | ${f(Math.max(...cold))} |`);
  console.log(`| nothing changed since (warm) | ${f(median(warm))} | ${f(Math.max(...warm))} |`);
  console.log(
    `| after the background pass planned | ${f(median(afterPass))} | ${f(Math.max(...afterPass))} |`,
  );
  console.log(`warm / cold: ${(median(warm) / median(cold)).toFixed(3)}`);
  console.log(`load average at end: ${loadavg()}`);
  const file = saveResults("materials-page", new Date().toISOString(), {
    sections: sections.size,
    languages,
    cold,
    warm,
    afterPass,
    loadavg: os.loadavg(),
  });
  console.log(`saved ${file}`);
  await app.close();
  await runtime.close();
  await db.close();
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
