import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import pg from "pg";
import { parseCriteria } from "../src/features/invalidation/criteria.js";
import { fillFromNetwork, ledgerTotal } from "../src/features/invalidation/fixtures.js";
import { createJob, preview } from "../src/features/invalidation/store.js";
import { CLI_ACTOR } from "../src/features/office/audit.js";
import { freePort, killGroup, runCli, startServer } from "./support/process.js";

// An invalidation job on a real `inkwell start`, killed with SIGKILL (with its PostgreSQL) in
// the middle: after the restart the job resumes and finishes once, each action taken out once.
// Then `inkwell invalidate` previews and runs a job of its own against the running server.

mkdirSync("/tmp/invalidate", { recursive: true });
const dataDir = mkdtempSync(path.join("/tmp/invalidate", "crash-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function connect(port: number): pg.Pool {
  const credentials = JSON.parse(readFileSync(path.join(dataDir, "credentials.json"), "utf8"));
  const pool = new pg.Pool({
    host: "127.0.0.1",
    port,
    user: credentials.user,
    password: credentials.password,
    database: "inkwell",
    max: 3,
  });
  // The kill drops the connections; the pool makes new ones after the restart.
  pool.on("error", () => {});
  return pool;
}

async function jobRow(pool: pg.Pool, id: number) {
  return (
    await pool.query(
      "SELECT state, selected_actions, taken_actions, taken_quantity::int AS taken_quantity FROM invalidation_jobs WHERE id = $1",
      [id],
    )
  ).rows[0];
}

async function counter(url: string): Promise<number> {
  return (await (await fetch(`${url}/api/v1/campaigns/w4r-2012/counter`)).json()).total;
}

test("a job killed mid-way resumes after the restart and finishes once; the CLI previews and runs one", {
  timeout: 300_000,
}, async () => {
  const pgPort = await freePort();
  const env = {
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    ACTION_RATE_LIMIT: "0",
    INVALIDATION_BATCH: "200",
    INVALIDATION_LEASE_MS: "2000",
  };
  const server = await startServer(env);
  const pool = connect(pgPort);
  try {
    const ids = await pool.query(
      `SELECT c.id AS campaign, k.id AS "case" FROM campaigns c JOIN campaign_cases cc ON cc.campaign_id = c.id
         JOIN cases k ON k.id = cc.case_id WHERE c.slug = 'w4r-2012' AND k.slug = 'gao-zhisheng'`,
    );
    const campaignId: number = ids.rows[0].campaign;
    const caseId: number = ids.rows[0].case;
    await fillFromNetwork(pool, 20_000, { campaignId, caseId, country: "KZ", prefix: "198.18.7" });
    const { criteria } = parseCriteria({ network: "198.18.7.0/24" });
    const shown = await preview(pool, criteria);
    assert.equal(shown.actions, 20_000);
    const client = await pool.connect();
    let id: number;
    try {
      id = (await createJob(client, CLI_ACTOR, criteria, "a flood from one network", shown)).id;
    } finally {
      client.release();
    }

    // Killed once the job is under way, well before its end (100 steps of 200).
    const deadline = Date.now() + 60_000;
    while ((await jobRow(pool, id)).taken_actions < 1_000 && Date.now() < deadline) await sleep(20);
    killGroup(server.child, "SIGKILL");
    await server.exited;
    const restarted = await startServer(env);
    try {
      const cut = await jobRow(pool, id);
      assert.equal(cut.state, "running");
      assert.ok(cut.taken_actions > 0 && cut.taken_actions < 20_000, `killed at ${cut.taken_actions}`);

      const end = Date.now() + 180_000;
      while ((await jobRow(pool, id)).state !== "done" && Date.now() < end) await sleep(100);
      const done = await jobRow(pool, id);
      assert.deepEqual(done, {
        state: "done",
        selected_actions: 20_000,
        taken_actions: 20_000,
        taken_quantity: 20_000,
      });
      const entries = await pool.query(
        `SELECT count(*)::int AS n, count(DISTINCT idempotency_key)::int AS keys, sum(quantity)::int AS q
           FROM actions WHERE idempotency_key LIKE $1`,
        [`invalidate:${id}:%`],
      );
      assert.deepEqual(entries.rows[0], { n: 20_000, keys: 20_000, q: -20_000 });
      const finished = await pool.query(
        "SELECT count(*)::int AS n FROM audit_log WHERE entity = 'invalidation' AND entity_id = $1 AND action = 'finish'",
        [String(id)],
      );
      assert.equal(finished.rows[0].n, 1, "finished exactly once");
      assert.equal(await counter(restarted.url), await ledgerTotal(pool, campaignId));
      const verified = await runCli(["verify"], env);
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
      assert.match(verified.stdout, / 0 differences/);

      // The command line, joining the running server's database.
      await fillFromNetwork(pool, 500, { campaignId, caseId, country: "KZ", prefix: "192.0.2" });
      const before = await counter(restarted.url);
      const dry = await runCli(
        ["invalidate", "--network", "192.0.2.0/24", "--country", "kz", "--dry-run"],
        env,
      );
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /gao-zhisheng\tKZ\t500\t500/);
      assert.match(dry.stdout, /Total: 500 actions, counting 500\./);
      const refused = await runCli(["invalidate", "--network", "not-a-network", "--dry-run"], env);
      assert.equal(refused.code, 2);
      assert.match(refused.stdout, /--network: Write an address/);
      const run = await runCli(
        [
          "invalidate",
          "--network",
          "192.0.2.0/24",
          "--reason",
          "a flood from the documentation range",
          "--yes",
        ],
        env,
        120_000,
      );
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /done: 500 actions taken out, counting 500 \(previewed 500\)/);
      const settled = Date.now() + 15_000;
      while ((await counter(restarted.url)) !== before - 500 && Date.now() < settled) await sleep(50);
      assert.equal(await counter(restarted.url), before - 500, "the server's counter follows the CLI's job");
      assert.equal(await counter(restarted.url), await ledgerTotal(pool, campaignId));
    } finally {
      killGroup(restarted.child, "SIGTERM");
      await restarted.exited;
    }
  } finally {
    await pool.end();
    killGroup(server.child, "SIGKILL");
  }
});
