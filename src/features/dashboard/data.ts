import type { CampaignInfo, Catalog } from "../../core/catalog/catalog.js";
import type { CampaignCounter } from "../../core/counter/aggregates.js";
import type { OfficeUser } from "../office/index.js";
import type { Section } from "../sections/index.js";

// What the dashboard shows besides the live counter. Every count comes from the node's
// in-memory counter (exact, and free to read); the latest reports come from the reports'
// own query (listReports).

export interface SectionStanding {
  id: number;
  country: string;
  name: string;
  count: number;
  goal: number | null;
  /** count ÷ goal, when there is a goal. */
  ofGoal: number | null;
  /** One of the signed-in coordinator's own sections. */
  mine: boolean;
}

/** Sections by how far along their own goal they are; those without a goal last, by count. */
export function sectionLeaderboard(
  sections: Iterable<Section>,
  counter: CampaignCounter,
  campaignId: number,
  user: OfficeUser,
): SectionStanding[] {
  const rows = [...sections].map((s) => {
    const count = counter.byCountry.get(s.country) ?? 0;
    const goal = s.goals.get(campaignId) ?? null;
    return {
      id: s.id,
      country: s.country,
      name: s.name,
      count,
      goal,
      ofGoal: goal ? count / goal : null,
      mine: user.role === "coordinator" && user.sectionIds.includes(s.id),
    };
  });
  return rows.sort(
    (a, b) => (b.ofGoal ?? -1) - (a.ofGoal ?? -1) || b.count - a.count || a.country.localeCompare(b.country),
  );
}

export interface CaseProgress {
  id: number;
  slug: string;
  count: number;
  /** This case's part of all actions of the edition. */
  share: number;
  /** count ÷ (the edition's goal ÷ its cases): how far along its even part of the goal. */
  ofEvenGoal: number | null;
}

/** The edition's cases (and any other case that has actions in it), most actions first. */
export function caseProgress(
  campaign: CampaignInfo,
  counter: CampaignCounter,
  catalog: Catalog,
): CaseProgress[] {
  const ids = new Set([...campaign.cases.values(), ...counter.byCase.keys()]);
  const evenGoal = campaign.cases.size > 0 && campaign.goal > 0 ? campaign.goal / campaign.cases.size : null;
  return [...ids]
    .map((id) => {
      const count = counter.byCase.get(id) ?? 0;
      return {
        id,
        slug: catalog.caseSlugs.get(id) ?? String(id),
        count,
        share: counter.total > 0 ? count / counter.total : 0,
        ofEvenGoal: evenGoal ? count / evenGoal : null,
      };
    })
    .sort((a, b) => b.count - a.count || a.slug.localeCompare(b.slug));
}
