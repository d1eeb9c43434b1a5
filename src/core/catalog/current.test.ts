import assert from "node:assert/strict";
import { test } from "node:test";
import type { CampaignInfo, Catalog } from "./catalog.js";
import {
  campaignStatus,
  currentCampaign,
  reportingCampaign,
  reportsCloseAt,
  takesReports,
} from "./current.js";

const edition = (id: number, slug: string, startsAt: string, endsAt: string): CampaignInfo => ({
  id,
  slug,
  title: slug,
  startsAt: new Date(startsAt),
  endsAt: new Date(endsAt),
  goal: 1,
  previousId: null,
  defaultLanguage: "en",
  timeZone: "UTC",
  lateReportDays: 90,
  confirmSignatures: false,
  texts: new Map(),
  cases: new Map(),
});

const catalogOf = (...editions: CampaignInfo[]): Catalog => ({
  campaigns: new Map(editions.map((e) => [e.slug, e])),
  campaignsById: new Map(editions.map((e) => [e.id, e])),
  caseSlugs: new Map(),
  sections: new Map(),
  version: 1,
});

const y2012 = edition(1, "w4r-2012", "2012-12-01T00:00Z", "2012-12-18T00:00Z");
const y2013 = edition(2, "w4r-2013", "2013-12-01T00:00Z", "2013-12-18T00:00Z");
const y2014 = edition(3, "w4r-2014", "2014-12-01T00:00Z", "2014-12-18T00:00Z");
// Inserted out of order on purpose: the rule must not depend on the catalog's order.
const catalog = catalogOf(y2014, y2012, y2013);

test("the open edition is current, and its status is open", () => {
  const now = new Date("2013-12-05T00:00Z");
  assert.equal(currentCampaign(catalog, now)?.slug, "w4r-2013");
  assert.equal(campaignStatus(y2013, now), "open");
  assert.equal(reportingCampaign(catalog, now)?.slug, "w4r-2013");
});

test("with two upcoming editions the next to open is current", () => {
  const now = new Date("2012-06-01T00:00Z");
  assert.equal(currentCampaign(catalog, now)?.slug, "w4r-2012");
  assert.equal(campaignStatus(y2012, now), "upcoming");
});

test("between editions the next one is current, but late reports go to the one that ended", () => {
  const now = new Date("2013-01-10T00:00Z");
  assert.equal(currentCampaign(catalog, now)?.slug, "w4r-2013");
  assert.equal(reportingCampaign(catalog, now)?.slug, "w4r-2012");
});

test("after the last edition it stays current, and takes reports", () => {
  const now = new Date("2015-03-01T00:00Z");
  assert.equal(currentCampaign(catalog, now)?.slug, "w4r-2014");
  assert.equal(campaignStatus(y2014, now), "closed");
  assert.equal(reportingCampaign(catalog, now)?.slug, "w4r-2014");
  assert.equal(currentCampaign(catalogOf(), now), undefined);
});

test("reports are taken from the start until the late reports close, as the edition says", () => {
  assert.equal(reportsCloseAt(y2012).toISOString(), "2013-03-18T00:00:00.000Z");
  assert.equal(takesReports(y2012, new Date("2012-11-30T23:59Z")), false, "not before the start");
  assert.equal(takesReports(y2012, new Date("2012-12-10T00:00Z")), true, "while open");
  assert.equal(takesReports(y2012, new Date("2013-03-17T23:59Z")), true, "late, within the period");
  assert.equal(takesReports(y2012, new Date("2013-03-18T00:00Z")), false, "after the period");
  const short = { ...y2012, lateReportDays: 0 };
  assert.equal(takesReports(short, new Date("2012-12-18T00:00Z")), false, "no late period at all");
});

test("between editions, a closed edition past its late reports no longer takes them", () => {
  const now = new Date("2013-06-01T00:00Z");
  assert.equal(currentCampaign(catalog, now)?.slug, "w4r-2013");
  assert.equal(reportingCampaign(catalog, now)?.slug, "w4r-2013", "the next one, which is not open yet");
  const patient = catalogOf({ ...y2012, lateReportDays: 365 }, y2013);
  assert.equal(reportingCampaign(patient, now)?.slug, "w4r-2012");
});
