import type { CampaignInfo, Catalog } from "./catalog.js";

// Which edition "now" means. One rule for every page, feed and form, so that the home page, the
// events list, the embed, the sections and the back office never disagree.

export type CampaignStatus = "upcoming" | "open" | "closed";

export function campaignStatus(campaign: CampaignInfo, now = new Date()): CampaignStatus {
  if (now < campaign.startsAt) return "upcoming";
  return now < campaign.endsAt ? "open" : "closed";
}

const byStart = (catalog: Catalog) =>
  [...catalog.campaigns.values()].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());

/**
 * The edition a visitor means by "now": the open one; else the next to open (the one people are
 * preparing); else the one that ended last.
 */
export function currentCampaign(catalog: Catalog, now = new Date()): CampaignInfo | undefined {
  const all = byStart(catalog);
  return (
    all.find((c) => campaignStatus(c, now) === "open") ??
    all.find((c) => campaignStatus(c, now) === "upcoming") ??
    all.at(-1)
  );
}

/**
 * The edition offline reports go to. The same rule, except between two editions: letters
 * written for the one that ended keep arriving for weeks, so it takes them rather than the next.
 */
export function reportingCampaign(catalog: Catalog, now = new Date()): CampaignInfo | undefined {
  const current = currentCampaign(catalog, now);
  if (!current || campaignStatus(current, now) !== "upcoming") return current;
  return (
    byStart(catalog)
      .filter((c) => campaignStatus(c, now) === "closed")
      .at(-1) ?? current
  );
}
