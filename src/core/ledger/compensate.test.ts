import assert from "node:assert/strict";
import { test } from "node:test";
import { compensation } from "./compensate.js";
import { deltaOf } from "./types.js";

const original = {
  id: "0190a6f0-0000-7000-8000-000000000001",
  campaignId: 3,
  caseId: 7,
  type: "letter" as const,
  quantity: 20,
  country: "ES",
  channel: "event",
  sectionId: 4,
  occurredAt: new Date("2012-12-10T10:15:00Z"),
};

test("a compensation cancels its original in every rollup key", () => {
  const entry = compensation(original, "fraud from one network", `invalidate:1:${original.id}`);
  assert.equal(entry.quantity, -20);
  assert.equal(entry.reason, "fraud from one network");
  assert.equal(entry.idempotencyKey, `invalidate:1:${original.id}`);
  assert.notEqual(entry.id, original.id);
  const net = deltaOf([
    { ...original, supporterId: null, reporter: null, reason: null, idempotencyKey: null },
    entry,
  ]);
  assert.deepEqual(net, [[3, "ES", 7, "letter", Date.parse("2012-12-10T10:00:00Z"), 0]]);
});

test("a compensation without a reason is refused", () => {
  assert.throws(() => compensation(original, "  ", "withdraw:x"), /reason/);
});
