import assert from "node:assert/strict";
import { test } from "node:test";
import { deltaOf, HOUR_MS, type LedgerEntry } from "./types.js";

function entry(overrides: Partial<LedgerEntry>): LedgerEntry {
  return {
    id: "x",
    campaignId: 1,
    caseId: 1,
    type: "letter",
    quantity: 1,
    country: "FR",
    channel: "web",
    sectionId: null,
    supporterId: null,
    reporter: null,
    reason: null,
    occurredAt: new Date("2012-12-10T10:15:00Z"),
    idempotencyKey: null,
    ...overrides,
  };
}

test("deltaOf sums entries per campaign, country, case, type and hour", () => {
  const delta = deltaOf([
    entry({}),
    entry({ quantity: 4, occurredAt: new Date("2012-12-10T10:59:59Z") }),
    entry({ occurredAt: new Date("2012-12-10T11:00:00Z") }),
    entry({ country: "PL" }),
    entry({ type: "petition" }),
  ]);
  const hour = Date.parse("2012-12-10T10:00:00Z");
  assert.deepEqual(
    delta.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    [
      [1, "FR", 1, "letter", hour, 5],
      [1, "FR", 1, "letter", hour + HOUR_MS, 1],
      [1, "FR", 1, "petition", hour, 1],
      [1, "PL", 1, "letter", hour, 1],
    ],
  );
});
