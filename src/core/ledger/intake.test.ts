import assert from "node:assert/strict";
import { test } from "node:test";
import { Problem } from "../../platform/http/problems.js";
import type { Catalog } from "../catalog/catalog.js";
import { canReportBatch } from "./auth.js";
import { buildEntry } from "./intake.js";

const start = new Date("2012-11-26T00:00:00Z");
const end = new Date("2013-01-10T00:00:00Z");
const catalog: Catalog = {
  campaigns: new Map([
    [
      "w4r-2012",
      {
        id: 7,
        slug: "w4r-2012",
        title: "Write for Rights 2012",
        startsAt: start,
        endsAt: end,
        goal: 10,
        previousId: null,
        defaultLanguage: "en",
        timeZone: "UTC",
        lateReportDays: 30,
        confirmSignatures: false,
        texts: new Map(),
        cases: new Map([["gao-zhisheng", 3]]),
      },
    ],
  ]),
  campaignsById: new Map(),
  caseSlugs: new Map([[3, "gao-zhisheng"]]),
  sections: new Map([["FR", 11]]),
  version: 1,
};
const during = new Date("2012-12-10T12:00:00Z");
const after = new Date("2013-01-20T12:00:00Z");
const reporter = { fingerprint: "token:abc" };
const base = { campaign: "w4r-2012", case: "gao-zhisheng", type: "letter" as const, country: "fr" };

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof Problem);
    return `${error.status} ${error.code}`;
  }
  return "accepted";
}

test("an online action during the campaign becomes a ledger entry", () => {
  const entry = buildEntry(base, catalog, undefined, "key-1", during);
  assert.equal(entry.campaignId, 7);
  assert.equal(entry.caseId, 3);
  assert.equal(entry.country, "FR");
  assert.equal(entry.sectionId, 11);
  assert.equal(entry.quantity, 1);
  assert.equal(entry.channel, "web");
  assert.equal(entry.idempotencyKey, "key-1");
  assert.equal(entry.occurredAt.getTime(), during.getTime());
  assert.match(entry.id, /^[0-9a-f-]{36}$/);
});

test("unknown campaign, case and country are refused", () => {
  assert.equal(
    code(() => buildEntry({ ...base, campaign: "nope" }, catalog, undefined, undefined, during)),
    "422 unknown_campaign",
  );
  assert.equal(
    code(() => buildEntry({ ...base, case: "nope" }, catalog, undefined, undefined, during)),
    "422 unknown_case",
  );
  assert.equal(
    code(() => buildEntry({ ...base, country: "XX" }, catalog, undefined, undefined, during)),
    "422 unknown_country",
  );
});

test("a batch needs a reporter", () => {
  assert.equal(canReportBatch(undefined), false);
  assert.equal(canReportBatch(reporter), true);
  assert.equal(
    code(() => buildEntry({ ...base, quantity: 340 }, catalog, undefined, undefined, during)),
    "403 reporter_token_required",
  );
  const report = buildEntry({ ...base, quantity: 340 }, catalog, reporter, undefined, during);
  assert.equal(report.quantity, 340);
  assert.equal(report.channel, "report");
  assert.equal(report.reporter, "token:abc");
});

test("online actions outside the campaign dates are a conflict; late reports are accepted", () => {
  assert.equal(
    code(() => buildEntry(base, catalog, undefined, undefined, after)),
    "409 campaign_not_open",
  );
  assert.equal(
    code(() => buildEntry(base, catalog, undefined, undefined, new Date("2012-11-01T00:00:00Z"))),
    "409 campaign_not_open",
  );
  const late = buildEntry({ ...base, quantity: 120 }, catalog, reporter, undefined, after);
  assert.equal(
    late.occurredAt.getTime(),
    end.getTime() - 1,
    "a late report without a date counts on the last moment",
  );
  const dated = buildEntry(
    { ...base, quantity: 5, occurredAt: "2012-12-10T09:00:00Z" },
    catalog,
    reporter,
    undefined,
    after,
  );
  assert.equal(dated.occurredAt.toISOString(), "2012-12-10T09:00:00.000Z");
});

test("a report after the edition's late-report period is a conflict", () => {
  // The edition gives reports 30 days after its end (2013-01-10 00:00): until 2013-02-09 00:00.
  const lastMinute = new Date("2013-02-08T23:59:00Z");
  assert.equal(buildEntry({ ...base, quantity: 3 }, catalog, reporter, undefined, lastMinute).quantity, 3);
  const tooLate = new Date("2013-02-09T00:00:00Z");
  assert.equal(
    code(() => buildEntry({ ...base, quantity: 3 }, catalog, reporter, undefined, tooLate)),
    "409 reports_closed",
  );
});

test("occurredAt must be plausible", () => {
  const future = new Date(during.getTime() + 60 * 60_000).toISOString();
  const old = new Date(during.getTime() - 48 * 60 * 60_000).toISOString();
  assert.equal(
    code(() => buildEntry({ ...base, occurredAt: future }, catalog, undefined, undefined, during)),
    "422 occurred_at_out_of_range",
  );
  assert.equal(
    code(() => buildEntry({ ...base, occurredAt: old }, catalog, undefined, undefined, during)),
    "422 occurred_at_out_of_range",
  );
  assert.equal(
    code(() =>
      buildEntry(
        { ...base, quantity: 2, occurredAt: "2012-11-01T00:00:00Z" },
        catalog,
        reporter,
        undefined,
        after,
      ),
    ),
    "422 occurred_at_out_of_range",
  );
  const recent = new Date(during.getTime() - 60 * 60_000).toISOString();
  assert.equal(
    code(() => buildEntry({ ...base, occurredAt: recent }, catalog, undefined, undefined, during)),
    "accepted",
  );
});
