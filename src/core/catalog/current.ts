import type { CampaignInfo, Catalog } from "./catalog.js";

// Which edition "now" means. One rule for every page, feed and form, so that the home page, the
// events list, the embed, the sections and the back office never disagree.

export type CampaignStatus = "upcoming" | "open" | "closed";

export function campaignStatus(campaign: CampaignInfo, now = new Date()): CampaignStatus {
  if (now < campaign.startsAt) return "upcoming";
  return now < campaign.endsAt ? "open" : "closed";
}

const DAY_MS = 86_400_000;

/** The end of an edition's late reports: its end plus the days it gives them. */
export const reportsCloseAt = (campaign: CampaignInfo): Date =>
  new Date(campaign.endsAt.getTime() + campaign.lateReportDays * DAY_MS);

/**
 * Whether a report (an offline tally, the reports form, a CSV import, a correction) may still
 * be filed for an edition: from its start until its late reports close. The one rule for every
 * way a report comes in; online actions are taken only while the edition is open.
 */
export function takesReports(campaign: CampaignInfo, now = new Date()): boolean {
  return now >= campaign.startsAt && now < reportsCloseAt(campaign);
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
 * written for the one that ended keep arriving for weeks, so it takes them rather than the
 * next — while its late reports are open (takesReports).
 */
export function reportingCampaign(catalog: Catalog, now = new Date()): CampaignInfo | undefined {
  const current = currentCampaign(catalog, now);
  if (!current || campaignStatus(current, now) !== "upcoming") return current;
  const last = byStart(catalog)
    .filter((c) => campaignStatus(c, now) === "closed")
    .at(-1);
  return last && takesReports(last, now) ? last : current;
}
