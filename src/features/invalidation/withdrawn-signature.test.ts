import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { countersAgree, submitForm } from "../../../test/support/nodes.js";
import { verifyCounters } from "../../core/ledger/verify.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { parseCriteria } from "./criteria.js";
import { kickInvalidations } from "./start.js";
import { createJob, getJob, type Job, preview, requestRevert } from "./store.js";

// A signature withdrawn ("it wasn't me") while a job holds its entry out, and the job reverted
// afterwards: two nodes on one database, the forms as a browser posts them.

let t: TestApp;
let b: TestApp;
let campaignId: number;
before(async () => {
  t = await startTestApp();
  b = await startTestApp({}, t.config.databaseUrl);
  campaignId = t.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0;
});
after(async () => {
  await b.close();
  await t.close();
});

async function petitions(): Promise<number> {
  const result = await t.db.pool.query(
    `SELECT coalesce(sum(quantity), 0)::int AS n FROM actions a JOIN cases c ON c.id = a.case_id
      WHERE c.slug = 'gao-zhisheng' AND a.type = 'petition' AND a.campaign_id = $1`,
    [campaignId],
  );
  return result.rows[0].n;
}

const agree = () => countersAgree([t, b], campaignId);

async function untilJob(id: number, state: Job["state"]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const job = await getJob(t.db.pool, id);
    if (job?.state === state) return;
    if (Date.now() > deadline) assert.fail(`job ${id} is ${job?.state}, not ${state}`);
    kickInvalidations(t.runtime);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("a signature withdrawn while an invalidation holds it stays out when the invalidation is reverted", async () => {
  const domain = "held-then-withdrawn.example.org";
  const before = await petitions();
  const signed = await submitForm(t, "/fr/cases/gao-zhisheng/sign", {
    key: "held-key-0000001",
    name: "Ana Lima",
    email: `held@${domain}`,
    country: "BR",
    consent: "yes",
  });
  const token = /&w=([\w-]{43})/.exec(String(signed.headers.location))?.[1];
  assert.ok(token, `${signed.statusCode} ${String(signed.headers.location)} ${signed.body.slice(0, 300)}`);
  assert.equal(await petitions(), before + 1);
  // An invalidation of everything from that email domain takes the signature out.
  const actor = { id: null, label: "cli" };
  const { criteria } = parseCriteria({ domain });
  const previewed = await preview(t.db.pool, criteria);
  assert.equal(previewed.actions, 1, "the one signature");
  const job = await withTransaction(t.db.pool, (client) =>
    createJob(client, actor, criteria, "fraud", previewed),
  );
  await untilJob(job.id, "done");
  assert.equal(await petitions(), before);
  // Its person says "it wasn't me" meanwhile: the job holds the entry out, so nothing more is written.
  assert.equal((await submitForm(b, "/fr/signatures/withdraw", { t: token })).statusCode, 200);
  assert.equal(await petitions(), before);
  // The invalidation was a mistake and is reverted: the withdrawn signature stays out.
  assert.equal(
    await withTransaction(t.db.pool, (client) => requestRevert(client, actor, job.id, "a mistake")),
    "ok",
  );
  await untilJob(job.id, "reverted");
  assert.equal(await petitions(), before, "a withdrawn signature does not count again");
  const rows = await t.db.pool.query("SELECT state FROM invalidated_actions WHERE job_id = $1", [job.id]);
  assert.deepEqual(rows.rows, [{ state: "handed" }]);
  await agree();
  assert.deepEqual((await verifyCounters(t.db.bulk)).differences, []);
});
