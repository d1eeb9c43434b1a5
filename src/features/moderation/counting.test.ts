import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, type OfficeClient, officeClient } from "../../../test/support/office.js";
import { verifyCounters } from "../../core/ledger/verify.js";

// A rejected solidarity message stops counting on every node, approving it again restores it,
// and any sequence of decisions — one after another or at once — leaves the counter exact.

let a: TestApp;
let b: TestApp;
let admin: OfficeClient;

before(async () => {
  a = await startTestApp({ INVALIDATION_BATCH: "50" });
  b = await startTestApp({ INVALIDATION_JOBS: "false" }, a.config.databaseUrl);
  admin = await officeClient(a, await makeUser(a, "admin"));
});
after(async () => {
  await b.close();
  await a.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function solidarityCount(node: TestApp): Promise<number> {
  const response = await node.app.inject({ method: "GET", url: "/api/v1/campaigns/w4r-2012/counter" });
  return response.json().byType.solidarity ?? 0;
}

async function ledgerSolidarity(): Promise<number> {
  const result = await a.db.pool.query(
    `SELECT coalesce(sum(quantity), 0)::int AS n FROM actions a JOIN campaigns c ON c.id = a.campaign_id
      WHERE c.slug = 'w4r-2012' AND a.type = 'solidarity'`,
  );
  return result.rows[0].n;
}

/** Both nodes' solidarity counts once they agree with the ledger. */
async function counted(): Promise<number> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ledger = await ledgerSolidarity();
    if ((await solidarityCount(a)) === ledger && (await solidarityCount(b)) === ledger) return ledger;
    if (Date.now() > deadline) assert.fail("the nodes' counters did not follow the ledger");
    await sleep(30);
  }
}

/** A message sent through the case page's form, as a visitor does; returns its id. */
async function send(author: string): Promise<string> {
  const response = await a.app.inject({
    method: "POST",
    url: "/en/cases/gao-zhisheng/solidarity",
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
    payload: new URLSearchParams({
      name: author,
      country: "ES",
      message: `Strength, from ${author}`,
      key: randomUUID(),
    }).toString(),
  });
  assert.equal(response.statusCode, 303);
  // The author's name is sealed at rest; the message itself is public text.
  const row = await a.db.pool.query("SELECT id FROM solidarity_messages WHERE body = $1", [
    `Strength, from ${author}`,
  ]);
  return row.rows[0].id;
}

const decide = (id: string, decision: "approve" | "reject", client = admin) =>
  client.post("/office/moderation", { one: `${decision}:${id}`, status: "pending" });

async function keys(id: string): Promise<string[]> {
  const result = await a.db.pool.query(
    "SELECT idempotency_key FROM actions WHERE idempotency_key LIKE $1 OR idempotency_key LIKE $2 ORDER BY recorded_at, idempotency_key",
    [`reject:${id}:%`, `approve:${id}:%`],
  );
  return result.rows.map((r) => r.idempotency_key);
}

test("rejecting a message takes it out of every node's counter; approving it again restores it", async () => {
  const id = await send("Ana");
  const start = await counted();
  assert.equal((await decide(id, "reject")).statusCode, 303);
  assert.equal(await counted(), start - 1);
  assert.equal((await decide(id, "approve")).statusCode, 303);
  assert.equal(await counted(), start);
  // Repeated: each change its own entry, and a decision repeated changes nothing.
  await decide(id, "reject");
  await decide(id, "reject");
  assert.equal(await counted(), start - 1);
  await decide(id, "approve");
  await decide(id, "approve");
  await decide(id, "reject");
  assert.equal(await counted(), start - 1);
  assert.deepEqual(await keys(id), [
    `reject:${id}:1`,
    `approve:${id}:1`,
    `reject:${id}:2`,
    `approve:${id}:2`,
    `reject:${id}:3`,
  ]);
  assert.deepEqual((await verifyCounters(a.db.bulk)).differences, []);
});

test("decisions about one message at once, from two moderators, leave the count matching its status", async () => {
  const id = await send("Bea");
  const start = await counted();
  const other = await officeClient(a, await makeUser(a, "admin"));
  const decisions = Array.from({ length: 12 }, (_, i) =>
    decide(id, i % 2 === 0 ? "reject" : "approve", i % 3 === 0 ? other : admin),
  );
  for (const response of await Promise.all(decisions)) assert.equal(response.statusCode, 303);
  const status = (await a.db.pool.query("SELECT status FROM solidarity_messages WHERE id = $1", [id])).rows[0]
    .status;
  assert.equal(await counted(), status === "rejected" ? start - 1 : start);
  assert.deepEqual((await verifyCounters(a.db.bulk)).differences, []);
});

test("a message whose action an invalidation holds is not taken out twice, and a revert hands it to moderation", async () => {
  const id = await send("Carmen");
  const start = await counted();
  const job = await admin.post("/office/invalidations", {
    type: "solidarity",
    country: "ES",
    reason: "a test of both",
  });
  assert.equal(job.statusCode, 303);
  const jobPath = String(job.headers.location);
  const jobId = Number(jobPath.split("/").pop());
  const wait = async (state: string) => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const row = await a.db.pool.query("SELECT state FROM invalidation_jobs WHERE id = $1", [jobId]);
      if (row.rows[0].state === state) return;
      await sleep(30);
    }
    assert.fail(`job ${jobId} did not become ${state}`);
  };
  await wait("done");
  // The job takes both editions' solidarity from Spain; the counter read here is 2012's.
  const taken = (
    await a.db.pool.query(
      `SELECT coalesce(sum(i.quantity), 0)::int AS n FROM invalidated_actions i JOIN campaigns c ON c.id = i.campaign_id
        WHERE i.job_id = $1 AND c.slug = 'w4r-2012'`,
      [jobId],
    )
  ).rows[0].n;
  assert.ok(taken >= 1);
  assert.equal(await counted(), start - taken);
  // Rejected while the job holds it: nothing more comes out.
  await decide(id, "reject");
  assert.equal(await counted(), start - taken);
  assert.deepEqual(await keys(id), []);
  // The revert restores everything but the rejected message, which moderation now holds.
  assert.equal((await admin.post(`${jobPath}/revert`, { reason: "undo" })).statusCode, 303);
  await wait("reverted");
  assert.equal(await counted(), start - 1);
  await decide(id, "approve");
  assert.equal(await counted(), start);
  assert.deepEqual(await keys(id), [`approve:${id}:job${jobId}`]);
  assert.deepEqual((await verifyCounters(a.db.bulk)).differences, []);
});
