import type pg from "pg";
import { loadEntityTexts, publicTexts } from "../../core/catalog/entity-texts.js";
import type { Runtime } from "../../core/runtime.js";

// National sections as the public pages show them. There are at most a couple of hundred and
// they change with the catalog (a new section, a new goal, new contact details — the back office
// calls catalogChanged() after each edit), so all of them are read in one query per catalog
// version, not per page view.

export interface SectionContacts {
  email: string | null;
  phone: string | null;
  /** An https URL (checked when it is entered). */
  website: string | null;
  postalAddress: string | null;
}

export interface Section {
  id: number;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  name: string;
  /** BCP 47 tags; the first is the section's own default. */
  languages: string[];
  /** Campaign id → the section's goal for that edition. */
  goals: Map<number, number>;
  /** Campaign id → the case ids the section features in that edition, in its order. */
  featured: Map<number, number[]>;
  contacts: SectionContacts;
  /** Language → field (intro, contacts) → public text: the first language's, approved translations. */
  texts: Map<string, Map<string, string>>;
}

/** A sections row as PostgreSQL returns it (the public pages and the back office read it). */
export interface SectionDbRow {
  id: number;
  country: string;
  name: string;
  languages: string[];
  contact_email: string | null;
  contact_phone: string | null;
  website: string | null;
  postal_address: string | null;
}
// A goal is a bigint: json_agg gives it as a number, but a bigint beyond 2^53 would not
// survive, hence Number() below on either form.
interface SectionWithGoalsRow extends SectionDbRow {
  goals: [number, number | string][];
}
interface FeaturedRow {
  section_id: number;
  campaign_id: number;
  case_id: number;
}

export async function loadSections(db: pg.Pool): Promise<Map<string, Section>> {
  const [result, featured, texts] = await Promise.all([
    db.query<SectionWithGoalsRow>(
      `SELECT s.id, s.country, s.name, s.languages, s.contact_email, s.contact_phone, s.website,
              s.postal_address,
              COALESCE(json_agg(json_build_array(g.campaign_id, g.goal)) FILTER (WHERE g.section_id IS NOT NULL),
                       '[]') AS goals
         FROM sections s LEFT JOIN section_goals g ON g.section_id = s.id
        GROUP BY s.id ORDER BY s.country`,
    ),
    db.query<FeaturedRow>(
      `SELECT section_id, campaign_id, case_id FROM section_featured_cases
        ORDER BY section_id, campaign_id, position, case_id`,
    ),
    loadEntityTexts(db, "section"),
  ]);
  const featuredOf = new Map<number, Map<number, number[]>>();
  for (const row of featured.rows) {
    let byCampaign = featuredOf.get(row.section_id);
    if (!byCampaign) {
      byCampaign = new Map();
      featuredOf.set(row.section_id, byCampaign);
    }
    const list = byCampaign.get(row.campaign_id) ?? [];
    list.push(row.case_id);
    byCampaign.set(row.campaign_id, list);
  }
  const sections = new Map<string, Section>();
  for (const row of result.rows) {
    const country = row.country.trim();
    sections.set(country, {
      id: row.id,
      country,
      name: row.name,
      languages: row.languages,
      goals: new Map(row.goals.map(([id, goal]) => [id, Number(goal)])),
      featured: featuredOf.get(row.id) ?? new Map(),
      contacts: {
        email: row.contact_email || null,
        phone: row.contact_phone || null,
        website: row.website || null,
        postalAddress: row.postal_address || null,
      },
      texts: publicTexts(texts.get(row.id) ?? [], row.languages[0] ?? "en"),
    });
  }
  return sections;
}

/** Every section, read once per catalog version (for the section pages and the dashboard). */
export function sectionsCache(runtime: Runtime): () => Promise<Map<string, Section>> {
  let catalog = runtime.catalog();
  let sections: Promise<Map<string, Section>> | undefined;
  return () => {
    if (runtime.catalog() !== catalog) {
      catalog = runtime.catalog();
      sections = undefined;
    }
    if (!sections) {
      const loading = loadSections(runtime.db.pool);
      loading.catch(() => {
        if (sections === loading) sections = undefined;
      });
      sections = loading;
    }
    return sections;
  };
}

/** The section of a country, read once per catalog version (like the case texts). */
export function sectionCache(runtime: Runtime): (country: string) => Promise<Section | undefined> {
  const all = sectionsCache(runtime);
  return async (country) => {
    // Countries without a section never cost a query: the catalog already knows them all.
    if (!runtime.catalog().sections.has(country)) return undefined;
    return (await all()).get(country);
  };
}
