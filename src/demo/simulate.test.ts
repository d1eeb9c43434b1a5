import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { listen, startTestApp, type TestApp } from "../../test/support/app.js";
import { simulate } from "./simulate.js";

let t: TestApp;
let url: string;
before(async () => {
  t = await startTestApp();
  url = await listen(t);
});
after(async () => {
  await t.close();
});

test("simulate posts a weighted stream at the chosen rate, for the chosen time, through the API", async () => {
  const id = t.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0;
  const before = t.runtime.counters.of(id).total;
  const result = await simulate({ url, rate: 100, seconds: 2, connections: 8 });
  assert.equal(result.campaign, "w4r-2012", "the open campaign is found by itself");
  assert.deepEqual(result.failed, {});
  // Paced, never above the rate; on a busy machine it may fall somewhat behind.
  assert.ok(result.sent >= 100 && result.sent <= 201, `sent ${result.sent} at 100/s for 2 s`);
  assert.equal(result.accepted, result.sent);
  assert.equal(t.runtime.counters.of(id).total, before + result.accepted);
  const spread = await t.db.pool.query(
    "SELECT count(DISTINCT country)::int AS countries, count(DISTINCT case_id)::int AS cases, count(DISTINCT type)::int AS types, count(DISTINCT idempotency_key)::int AS keys, count(*)::int AS n FROM actions WHERE channel = 'web'",
  );
  const row = spread.rows[0];
  assert.equal(row.n, result.accepted);
  assert.equal(row.keys, result.accepted, "each simulated action has its own idempotency key");
  assert.ok(row.countries >= 10 && row.cases >= 4 && row.types >= 4, JSON.stringify(row));
});
