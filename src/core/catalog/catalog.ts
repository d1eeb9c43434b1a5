import type pg from "pg";
import { loadEntityTexts, publicTexts } from "./entity-texts.js";

// What the write path checks every action against, kept in memory so that validating an
// action costs no query. Reloaded when a writer announces a change on CATALOG_CHANNEL.

export const CATALOG_CHANNEL = "inkwell_catalog";
/**
 * Public content outside the catalog (events, their places, moderated messages) changed
 * somewhere: every node's shared pages move their version (no reload, nothing to read).
 */
export const CONTENT_CHANNEL = "inkwell_content";

export interface CampaignInfo {
  id: number;
  slug: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  goal: number;
  previousId: number | null;
  defaultLanguage: string;
  /** The IANA time zone the dates were entered in (they are stored as instants). */
  timeZone: string;
  /** Reports for the edition are taken until this many days after it ends. */
  lateReportDays: number;
  /** Signatures count only once confirmed by a link sent by email (signatures feature). */
  confirmSignatures: boolean;
  /**
   * Language → field → the public title and intro (the default language's, and approved
   * translations); the event kit is long and read when it is asked for (loadCampaignText).
   */
  texts: Map<string, Map<string, string>>;
  /** Case slug → case id, for the published cases this edition features. */
  cases: Map<string, number>;
}

export interface Catalog {
  campaigns: Map<string, CampaignInfo>;
  campaignsById: Map<number, CampaignInfo>;
  caseSlugs: Map<number, string>;
  /** Country → section id. */
  sections: Map<string, number>;
  /** Grows with every load in this process: names what pages cached from this catalog. */
  version: number;
}

let loads = 0;

/** The countries of the given sections (a coordinator's or an organizer's). */
export function countriesOfSections(catalog: Catalog, sectionIds: number[]): string[] {
  return [...catalog.sections].filter(([, id]) => sectionIds.includes(id)).map(([country]) => country);
}

export async function loadCatalog(db: pg.Pool | pg.PoolClient): Promise<Catalog> {
  const [campaigns, cases, sections, texts] = await Promise.all([
    db.query(
      `SELECT id, slug, title, starts_at, ends_at, goal, previous_id, default_language, time_zone,
              late_report_days, confirm_signatures
         FROM campaigns ORDER BY starts_at`,
    ),
    db.query(
      `SELECT cc.campaign_id, c.id, c.slug, c.published FROM campaign_cases cc JOIN cases c ON c.id = cc.case_id
        ORDER BY cc.campaign_id, cc.position, c.slug`,
    ),
    db.query("SELECT id, country FROM sections"),
    loadEntityTexts(db, "campaign"),
  ]);
  const catalog: Catalog = {
    campaigns: new Map(),
    campaignsById: new Map(),
    caseSlugs: new Map(),
    sections: new Map(),
    version: ++loads,
  };
  for (const row of campaigns.rows) {
    const info: CampaignInfo = {
      id: row.id,
      slug: row.slug,
      title: row.title,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      goal: Number(row.goal),
      previousId: row.previous_id,
      defaultLanguage: row.default_language,
      timeZone: row.time_zone,
      lateReportDays: row.late_report_days,
      confirmSignatures: row.confirm_signatures,
      texts: new Map(),
      cases: new Map(),
    };
    const own = (texts.get(row.id) ?? []).filter((t) => t.field !== "event_kit");
    info.texts = publicTexts(own, info.defaultLanguage);
    // campaigns.title is the default language's title, whatever the rows say.
    const source = info.texts.get(info.defaultLanguage) ?? new Map<string, string>();
    source.set("title", info.title);
    info.texts.set(info.defaultLanguage, source);
    catalog.campaigns.set(info.slug, info);
    catalog.campaignsById.set(info.id, info);
  }
  for (const row of cases.rows) {
    // An unpublished case is not featured: no page, no card, no new online actions. Its slug
    // stays known so that the actions it already has are still counted under its name.
    if (row.published) catalog.campaignsById.get(row.campaign_id)?.cases.set(row.slug, row.id);
    catalog.caseSlugs.set(row.id, row.slug);
  }
  for (const row of sections.rows) catalog.sections.set(row.country.trim(), row.id);
  return catalog;
}
