import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { postAction, startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, type OfficeClient, officeClient } from "../../../test/support/office.js";
import { verifyCounters } from "../../core/ledger/verify.js";
import { parseCriteria } from "./criteria.js";
import { fillFromNetwork, ledgerTotal } from "./fixtures.js";
import { getJob, type Job, preview } from "./store.js";

// Two nodes on one database, both working on invalidation jobs; 10,000 actions from one
// network while ~200 actions a second keep arriving on both.

let a: TestApp;
let b: TestApp;
let admin: OfficeClient;
let campaignId: number;
let caseId: number;

before(async () => {
  const settings = { INVALIDATION_BATCH: "500", INVALIDATION_LEASE_MS: "3000" };
  a = await startTestApp(settings);
  b = await startTestApp(settings, a.config.databaseUrl);
  admin = await officeClient(a, await makeUser(a, "admin"));
  const campaign = a.runtime.catalog().campaigns.get("w4r-2012");
  assert.ok(campaign);
  campaignId = campaign.id;
  caseId = campaign.cases.get("gao-zhisheng") as number;
});
after(async () => {
  await b.close();
  await a.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function counterOf(node: TestApp): Promise<number> {
  const response = await node.app.inject({ method: "GET", url: "/api/v1/campaigns/w4r-2012/counter" });
  assert.equal(response.statusCode, 200);
  return response.json().total;
}

/** Waits until both nodes' counters equal the ledger's sum; returns it. */
async function settled(): Promise<number> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ledger = await ledgerTotal(a.db.pool, campaignId);
    const [ca, cb] = [await counterOf(a), await counterOf(b)];
    if (ca === ledger && cb === ledger) return ledger;
    if (Date.now() > deadline) assert.fail(`counters ${ca} and ${cb}, ledger ${ledger}`);
    await sleep(50);
  }
}

async function until(id: number, states: Job["state"][], timeoutMs = 120_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(a.db.pool, id);
    if (job && states.includes(job.state)) return job;
    if (Date.now() > deadline) assert.fail(`job ${id} is ${job?.state}, not ${states.join("/")}`);
    await sleep(50);
  }
}

/** ~200 actions a second, alternating between the nodes, from addresses outside the network. */
function flow() {
  let accepted = 0;
  let refused = 0;
  let stop = false;
  const inFlight = new Set<Promise<void>>();
  const run = (async () => {
    let i = 0;
    while (!stop) {
      const node = i++ % 2 === 0 ? a : b;
      const p = postAction(
        node,
        { campaign: "w4r-2012", case: "gao-zhisheng", type: "letter", country: "FR" },
        { "idempotency-key": randomUUID() },
      ).then((r) => {
        if (r.statusCode === 201) accepted++;
        else refused++;
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      await sleep(5);
    }
    await Promise.all(inFlight);
  })();
  return {
    started: Date.now(),
    async stop() {
      stop = true;
      await run;
      return { accepted, refused };
    },
  };
}

async function createThroughOffice(query: Record<string, string>, reason: string): Promise<number> {
  const page = await admin.get(`/office/invalidations/new?${new URLSearchParams(query)}`);
  assert.equal(page.statusCode, 200, page.body.slice(0, 500));
  const posted = await admin.post("/office/invalidations", { ...query, reason });
  assert.equal(posted.statusCode, 303, posted.body.slice(0, 500));
  const id = Number(/\/office\/invalidations\/(\d+)$/.exec(String(posted.headers.location))?.[1]);
  assert.ok(id > 0);
  return id;
}

test("10,000 actions from one network come out of both nodes' counters by the preview's count, and a revert brings them back", {
  timeout: 300_000,
}, async () => {
  await fillFromNetwork(a.db.bulk, 10_000, { campaignId, caseId, country: "RU", prefix: "198.51.100" });
  // Outside the network, and outside the criteria: they stay.
  await fillFromNetwork(a.db.bulk, 300, { campaignId, caseId, country: "RU", prefix: "198.51.101" });
  const start = await settled();

  const { criteria } = parseCriteria({ network: "198.51.100.0/24" });
  const shown = await preview(a.db.pool, criteria);
  assert.equal(shown.actions, 10_000);
  assert.deepEqual(
    shown.rows.map((r) => [r.caseSlug, r.country, r.actions]),
    [["gao-zhisheng", "RU", 10_000]],
  );
  const page = await admin.get("/office/invalidations/new?network=198.51.100.0%2F24");
  assert.match(page.body, /10,000 actions, counting 10,000/);

  const traffic = flow();
  await sleep(500);
  const id = await createThroughOffice({ network: "198.51.100.0/24" }, "a bot farm on one network");
  // Arriving after the job was created, from the same network: the job's selection is fixed.
  await sleep(20);
  await fillFromNetwork(a.db.bulk, 7, { campaignId, caseId, country: "RU", prefix: "198.51.100" });
  // verify stays clean while the job runs.
  let checkedDuring = 0;
  for (;;) {
    const job = (await getJob(a.db.pool, id)) as Job;
    if (job.state === "done") break;
    if (job.takenActions > 0) {
      const v = await verifyCounters(a.db.bulk);
      assert.deepEqual(v.differences, []);
      checkedDuring++;
    }
    await sleep(100);
  }
  const flowed = await traffic.stop();
  assert.ok(flowed.accepted > 100, `the flow got ${flowed.accepted} actions in (${flowed.refused} refused)`);
  const seconds = (Date.now() - traffic.started) / 1000;
  const done = await until(id, ["done"]);
  assert.equal(done.selectedActions, 10_000);
  assert.equal(done.takenActions, shown.actions);
  assert.equal(done.takenQuantity, shown.quantity);
  assert.equal(done.previewedActions, shown.actions);
  const after = await settled();
  assert.equal(
    after,
    start + flowed.accepted + 7 - shown.quantity,
    "both counters went down by exactly the preview",
  );
  assert.deepEqual((await verifyCounters(a.db.bulk)).differences, []);
  assert.ok(checkedDuring > 0 || seconds < 2, "verify was run during the job");
  // One compensation per action, each recorded.
  const entries = await a.db.pool.query<{ n: number; keys: number; q: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT idempotency_key)::int AS keys, sum(quantity)::int AS q
       FROM actions WHERE idempotency_key LIKE $1`,
    [`invalidate:${id}:%`],
  );
  assert.deepEqual(entries.rows[0], { n: 10_000, keys: 10_000, q: -10_000 });
  const recorded = await a.db.pool.query(
    "SELECT count(*)::int AS n FROM invalidated_actions WHERE job_id = $1 AND state = 'out' AND compensation_id IS NOT NULL",
    [id],
  );
  assert.equal(recorded.rows[0].n, 10_000);
  const audits = await a.db.pool.query(
    "SELECT action, actor FROM audit_log WHERE entity = 'invalidation' AND entity_id = $1 ORDER BY id",
    [String(id)],
  );
  assert.deepEqual(
    audits.rows.map((r) => r.action),
    ["create", "finish"],
  );
  // The 7 late ones count, and another job now takes exactly those: the first job's are held.
  assert.equal((await preview(a.db.pool, criteria)).actions, 7);

  const detail = await admin.get(`/office/invalidations/${id}`);
  assert.equal(detail.statusCode, 200);
  assert.match(detail.body, /Done/);
  const reverted = await admin.post(`/office/invalidations/${id}/revert`, { reason: "it was a school" });
  assert.equal(reverted.statusCode, 303);
  const back = await until(id, ["reverted"]);
  assert.equal(back.restoredActions, 10_000);
  assert.equal(await settled(), start + flowed.accepted + 7);
  assert.deepEqual((await verifyCounters(a.db.bulk)).differences, []);
  // A reverted job's actions can be taken out again.
  assert.equal((await preview(a.db.pool, criteria)).actions, 10_007);
  const audited = await a.db.pool.query(
    "SELECT action FROM audit_log WHERE entity = 'invalidation' AND entity_id = $1 ORDER BY id",
    [String(id)],
  );
  assert.deepEqual(
    audited.rows.map((r) => r.action),
    ["create", "finish", "revert", "reverted"],
  );
});

test("a job cancelled half-way leaves counters, ledger and job in agreement", {
  timeout: 300_000,
}, async () => {
  await fillFromNetwork(a.db.bulk, 6_000, { campaignId, caseId, country: "BY", prefix: "203.0.113" });
  const start = await settled();
  const id = await createThroughOffice(
    { network: "203.0.113.0/24", country: "BY" },
    "fraud, stopped half-way",
  );
  const deadline = Date.now() + 60_000;
  while (((await getJob(a.db.pool, id)) as Job).takenActions === 0 && Date.now() < deadline) await sleep(10);
  const cancelled = await admin.post(`/office/invalidations/${id}/cancel`, {});
  assert.equal(cancelled.statusCode, 303);
  const job = await until(id, ["cancelled", "done"]);
  assert.equal(job.state, "cancelled", "the cancel arrived before the end (500 a step, 12 steps)");
  assert.ok(job.takenActions > 0 && job.takenActions < 6_000, `took ${job.takenActions}`);
  const ledger = await a.db.pool.query<{ n: number; q: number }>(
    "SELECT count(*)::int AS n, coalesce(sum(quantity), 0)::int AS q FROM actions WHERE idempotency_key LIKE $1",
    [`invalidate:${id}:%`],
  );
  assert.deepEqual(ledger.rows[0], { n: job.takenActions, q: -job.takenQuantity });
  const rows = await a.db.pool.query(
    "SELECT state, count(*)::int AS n FROM invalidated_actions WHERE job_id = $1 GROUP BY state",
    [id],
  );
  assert.deepEqual(rows.rows, [{ state: "out", n: job.takenActions }]);
  assert.equal(await settled(), start - job.takenQuantity);
  assert.deepEqual((await verifyCounters(a.db.bulk)).differences, []);
  // What it let go can be taken by a new job; the office says what the cancelled one took.
  const { criteria } = parseCriteria({ network: "203.0.113.0/24" });
  assert.equal((await preview(a.db.pool, criteria)).actions, 6_000 - job.takenActions);
  const page = await admin.get(`/office/invalidations/${id}`);
  assert.match(page.body, /Cancelled/);
  assert.ok(page.body.includes(`${job.takenActions.toLocaleString("en")} actions`));
});

test("the office refuses criteria it cannot read, and a job without a reason", async () => {
  const bad = await admin.get("/office/invalidations/new?network=300.1.1.1%2F8&from=yesterday");
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /CIDR/);
  const none = await admin.post("/office/invalidations", { reason: "nothing" });
  assert.equal(none.statusCode, 422);
  assert.match(none.body, /at least one criterion/);
  const noReason = await admin.post("/office/invalidations", { country: "BY" });
  assert.equal(noReason.statusCode, 422);
  assert.match(noReason.body, /Say why/);
  const translator = await officeClient(a, await makeUser(a, "translator", { languages: ["es"] }));
  assert.equal((await translator.get("/office/invalidations")).statusCode, 403);
});
