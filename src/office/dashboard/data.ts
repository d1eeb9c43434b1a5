import type pg from "pg";
import type { CampaignInfo, Catalog } from "../../campaigns/catalog.js";
import type { CampaignCounter } from "../../counter/aggregates.js";
import type { Section } from "../../sections/queries.js";
import type { OfficeUser } from "../accounts/users.js";
import { type SectionOf, seesReport } from "../policy.js";

// What the dashboard shows besides the live counter. Every count comes from the node's
// in-memory counter (exact, and free to read); only the latest reports are a query.

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

export interface ReportLine {
  id: string;
  createdAt: Date;
  caseSlug: string;
  type: string;
  country: string;
  quantity: number;
  occurredOn: string;
  eventTitle: string | null;
  reportedBy: number;
  reporter: string;
  reason: string | null;
  late: boolean;
}

export const LATEST_REPORTS = 20;

/**
 * The latest reports of an edition this person may see (seesReport): their own, and as a
 * coordinator those of their sections' countries; an admin sees all. The visibility is in the
 * query, so that the 20 shown are the latest 20 visible ones.
 */
export async function latestReports(
  db: pg.Pool,
  user: OfficeUser,
  campaignId: number,
  sections: Map<string, number>,
  sectionOf: SectionOf,
): Promise<ReportLine[]> {
  const all = user.role === "admin";
  const countries =
    user.role === "coordinator"
      ? [...sections].filter(([, id]) => user.sectionIds.includes(id)).map(([c]) => c)
      : [];
  const result = await db.query(
    `SELECT r.id, r.created_at, c.slug, r.type, r.country, r.quantity, r.occurred_on::text AS occurred_on,
            e.title AS event_title, r.reported_by, u.email, r.reason, r.late
       FROM reports r JOIN cases c ON c.id = r.case_id JOIN users u ON u.id = r.reported_by
       LEFT JOIN events e ON e.id = r.event_id
      WHERE r.campaign_id = $1 AND ($2 OR r.reported_by = $3 OR r.country = ANY($4::text[]))
      ORDER BY r.created_at DESC, r.id LIMIT ${LATEST_REPORTS}`,
    [campaignId, all, user.id, countries],
  );
  return (
    result.rows
      .map((r) => ({
        id: r.id,
        createdAt: r.created_at,
        caseSlug: r.slug,
        type: r.type,
        country: String(r.country).trim(),
        quantity: r.quantity,
        occurredOn: r.occurred_on,
        eventTitle: r.event_title,
        reportedBy: r.reported_by,
        reporter: r.email,
        reason: r.reason,
        late: r.late,
      }))
      // The policy has the last word, should the query and it ever disagree.
      .filter((r) => seesReport(user, r, sectionOf))
  );
}
