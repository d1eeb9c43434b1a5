import assert from "node:assert/strict";
import { test } from "node:test";
import { announcementParts } from "./append.js";
import { type DeltaRow, deltaOf, HOUR_MS, type LedgerEntry } from "./types.js";

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

test("announcements are split under the NOTIFY size limit and reassemble to the delta", () => {
  const delta: DeltaRow[] = Array.from({ length: 2000 }, (_, i) => [
    1,
    "FR",
    i,
    "letter",
    i * HOUR_MS,
    i + 1,
  ]);
  const parts = announcementParts(delta);
  assert.ok(parts.length > 1);
  const rebuilt: DeltaRow[] = [];
  parts.forEach((p, i) => {
    assert.ok(Buffer.byteLength(p) < 8000, "a part must fit in one notification");
    const [index, count] = p.split("|");
    assert.equal(Number(index), i + 1);
    assert.equal(Number(count), parts.length);
    rebuilt.push(...(JSON.parse(p.split("|").slice(2).join("|")) as DeltaRow[]));
  });
  assert.deepEqual(rebuilt, delta);
});
