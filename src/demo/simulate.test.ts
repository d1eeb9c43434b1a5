import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { listen, REPORTER_TOKEN, startTestApp, type TestApp } from "../../test/support/app.js";
import { roomInWindow } from "../../test/support/limits.js";
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

test("against a limited server the simulator is one client: the demo's allow list or a reporter token lets it through", async () => {
  const limited = await startTestApp(
    { ACTION_RATE_LIMIT: "10", REPORTER_TOKENS: REPORTER_TOKEN },
    t.config.databaseUrl,
  );
  const exempt = await startTestApp(
    { ACTION_RATE_LIMIT: "10", RATE_LIMIT_ALLOW: "127.0.0.1,::1" },
    t.config.databaseUrl,
  );
  try {
    await roomInWindow(60, 15);
    const urls = new Map([
      [limited, await listen(limited)],
      [exempt, await listen(exempt)],
    ]);
    const run = (node: TestApp, token?: string) =>
      simulate({ url: urls.get(node) ?? "", rate: 50, seconds: 1, connections: 4, token });
    const plain = await run(limited);
    assert.ok(plain.accepted <= 10 && (plain.failed["429"] ?? 0) > 0, JSON.stringify(plain));
    const reporter = await run(limited, REPORTER_TOKEN);
    assert.deepEqual(reporter.failed, {}, "a verified reporter spends no budget");
    assert.equal(reporter.accepted, reporter.sent);
    const allowed = await run(exempt);
    assert.deepEqual(allowed.failed, {}, "RATE_LIMIT_ALLOW=127.0.0.1,::1, as the demo sets for itself");
    assert.ok(allowed.accepted > 10, JSON.stringify(allowed));
  } finally {
    await limited.close();
    await exempt.close();
  }
});
