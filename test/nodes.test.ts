import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { appendEntries } from "../src/core/ledger/append.js";
import { seedDemo } from "../src/demo/seed.js";
import { action, listen, postAction, startTestApp, type TestApp } from "./support/app.js";
import { createTestDatabase, openTestDatabase } from "./support/db.js";
import { StreamReader } from "./support/sse.js";

// Two nodes share one database; each has its own memory. Only NOTIFY carries changes between them.
let a: TestApp;
let b: TestApp;
let bUrl: string;
before(async () => {
  const url = await createTestDatabase();
  const seeder = await openTestDatabase(url);
  await seedDemo(seeder.pool);
  await seeder.close();
  a = await startTestApp({}, url);
  b = await startTestApp({}, url);
  bUrl = await listen(b);
});
after(async () => {
  await a.close();
  await b.close();
});

test("an action posted to one node appears in the other node's stream within 1 s", async () => {
  const stream = new StreamReader(`${bUrl}/api/v1/campaigns/w4r-2012/counter/stream`);
  try {
    const first = await stream.next(() => true);
    const posted = Date.now();
    assert.equal((await postAction(a, action({ country: "AR" }))).statusCode, 201);
    const seen = await stream.next((e) => e.total === first.total + 1, 2000);
    assert.ok(seen.receivedAt - posted <= 1000, `seen after ${seen.receivedAt - posted} ms`);
    assert.equal(seen.byCountry.AR, (first.byCountry.AR ?? 0) + 1);
  } finally {
    stream.close();
  }
});

test("under concurrent writes on both nodes, both counters end equal to the ledger", async () => {
  const id = a.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0;
  await Promise.all(
    Array.from({ length: 600 }, (_, i) =>
      postAction(
        i % 2 ? a : b,
        action({ country: i % 3 ? "FR" : "BE", case: i % 5 ? "gao-zhisheng" : "coastei-street" }),
      ),
    ),
  );
  const ledger = await a.db.pool.query("SELECT sum(quantity)::int AS n FROM actions WHERE campaign_id = $1", [
    id,
  ]);
  const deadline = Date.now() + 2000;
  while (
    Date.now() < deadline &&
    (a.runtime.counters.of(id).total !== ledger.rows[0].n ||
      b.runtime.counters.of(id).total !== ledger.rows[0].n)
  ) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(a.runtime.counters.of(id).total, ledger.rows[0].n);
  assert.equal(b.runtime.counters.of(id).total, ledger.rows[0].n);
  assert.deepEqual(
    Object.fromEntries(a.runtime.counters.of(id).byCountry),
    Object.fromEntries(b.runtime.counters.of(id).byCountry),
  );
});

test("a node that misses an announcement reloads from the rollups and ends exact", async () => {
  const id = b.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0;
  const reloads = b.runtime.sync.reloads;
  // A batch from a writer b has never heard of, numbered 5: batches 1-4 were missed.
  b.runtime.sync.receive({ origin: "node-gone", seq: 5, delta: [[id, "FR", 1, "letter", 0, 1_000_000]] });
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && b.runtime.sync.reloads === reloads)
    await new Promise((r) => setTimeout(r, 20));
  assert.equal(b.runtime.sync.reloads, reloads + 1);
  const ledger = await b.db.pool.query("SELECT sum(quantity)::int AS n FROM actions WHERE campaign_id = $1", [
    id,
  ]);
  assert.equal(
    b.runtime.counters.of(id).total,
    ledger.rows[0].n,
    "the fake batch is not in the rollups, so it is gone",
  );
  // The node keeps following the others after its reload.
  assert.equal((await postAction(a, action())).statusCode, 201);
  const until = Date.now() + 2000;
  while (Date.now() < until && b.runtime.counters.of(id).total !== ledger.rows[0].n + 1)
    await new Promise((r) => setTimeout(r, 20));
  assert.equal(b.runtime.counters.of(id).total, ledger.rows[0].n + 1);
});

test("a batch whose announcement needs several notifications arrives whole", async () => {
  const id = b.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0;
  const caseId = b.runtime.catalog().campaigns.get("w4r-2012")?.cases.get("gao-zhisheng") ?? 0;
  const before = b.runtime.counters.of(id).total;
  const start = b.runtime.catalog().campaigns.get("w4r-2012")?.startsAt.getTime() ?? 0;
  // 400 distinct rollup keys: one per hour; the announcement is split into several parts.
  const entries = Array.from({ length: 400 }, (_, i) => ({
    id: randomUUID(),
    campaignId: id,
    caseId,
    type: "letter" as const,
    quantity: 2,
    country: "CL",
    channel: "report",
    sectionId: null,
    supporterId: null,
    reporter: "test",
    reason: null,
    occurredAt: new Date(start + i * 3_600_000),
    idempotencyKey: null,
  }));
  const result = await appendEntries(a.db.pool, "test-writer", entries);
  assert.equal(result.delta.length, 400);
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && b.runtime.counters.of(id).total !== before + 800)
    await new Promise((r) => setTimeout(r, 20));
  assert.equal(b.runtime.counters.of(id).total, before + 800);
  assert.equal(b.runtime.counters.of(id).byCountry.get("CL"), await countryTotal(a, id, "CL"));
});

async function countryTotal(node: TestApp, campaignId: number, country: string): Promise<number> {
  const result = await node.db.pool.query(
    "SELECT sum(quantity)::int AS n FROM actions WHERE campaign_id = $1 AND country = $2",
    [campaignId, country],
  );
  return result.rows[0].n;
}
