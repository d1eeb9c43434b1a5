import type { CampaignInfo, Catalog } from "../catalog/catalog.js";

// One edition with one case, as the counter's stream tests (the node's own streams and the
// stream processes') see the catalog.

export const campaign: CampaignInfo = {
  id: 1,
  slug: "w4r-2012",
  title: "Write for Rights 2012",
  startsAt: new Date("2012-11-26T00:00:00Z"),
  endsAt: new Date("2013-01-10T00:00:00Z"),
  goal: 100,
  previousId: null,
  defaultLanguage: "en",
  timeZone: "UTC",
  lateReportDays: 90,
  confirmSignatures: false,
  texts: new Map(),
  cases: new Map([["gao-zhisheng", 1]]),
};

export const catalog: Catalog = {
  campaigns: new Map([[campaign.slug, campaign]]),
  campaignsById: new Map([[1, campaign]]),
  caseSlugs: new Map([[1, "gao-zhisheng"]]),
  sections: new Map(),
  version: 1,
};
