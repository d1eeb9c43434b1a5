import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { verifyCounters } from "../src/core/ledger/verify.js";
import { action, startTestApp, type TestApp } from "./support/app.js";

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

test("5,000 concurrent actions with 10% repeated keys count exactly once each", async () => {
  const campaign = t.runtime.catalog().campaigns.get("w4r-2012");
  assert.ok(campaign);
  const before = t.runtime.counters.of(campaign.id).total;
  const batchesBefore = t.runtime.batcher.stats.batches;

  const distinct = 4_500;
  const keys: string[] = Array.from({ length: distinct }, () => randomUUID());
  // 500 repeats of keys already in the list, shuffled in so some repeats share a batch with
  // their first use and others come after it committed.
  const sends = [...keys, ...Array.from({ length: 500 }, (_, i) => keys[(i * 7) % distinct] as string)];
  sends.sort(() => Math.random() - 0.5);
  const countries = ["FR", "PL", "US", "GB", "ES", "MX", "NP", "MA"];
  const bodyFor = new Map(keys.map((k, i) => [k, action({ country: countries[i % countries.length] })]));

  const responses = await Promise.all(
    sends.map((key) =>
      t.app.inject({
        method: "POST",
        url: "/api/v1/actions",
        headers: { "content-type": "application/json", "idempotency-key": key },
        payload: JSON.stringify(bodyFor.get(key)),
      }),
    ),
  );
  const statuses = new Map<number, number>();
  for (const r of responses) statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(statuses), { 201: distinct, 200: 500 });

  const idsByKey = new Map<string, Set<string>>();
  responses.forEach((r, i) => {
    const key = sends[i] as string;
    idsByKey.set(key, (idsByKey.get(key) ?? new Set()).add(r.json().id));
  });
  assert.ok(
    [...idsByKey.values()].every((ids) => ids.size === 1),
    "a key always answers with one id",
  );

  assert.equal(t.runtime.counters.of(campaign.id).total, before + distinct);
  const batches = t.runtime.batcher.stats.batches - batchesBefore;
  assert.ok(batches < distinct / 5, `group commit wrote ${distinct} actions in ${batches} batches`);

  const verified = await verifyCounters(t.db.pool);
  assert.deepEqual(verified.differences, []);
  const total = verified.totals.find((x) => x.campaign === "w4r-2012");
  assert.equal(total?.ledger, before + distinct);
});
