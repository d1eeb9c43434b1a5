import type pg from "pg";
import type { Runtime } from "../runtime.js";

// National sections as the public pages show them. There are at most a couple of hundred and
// they change with the catalog (a new section, a new goal), so all of them are read in one
// query per catalog version, not per page view.

export interface Section {
  id: number;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  name: string;
  /** BCP 47 tags; the first is the section's own default. */
  languages: string[];
  /** Campaign id → the section's goal for that edition. */
  goals: Map<number, number>;
}

export async function loadSections(db: pg.Pool): Promise<Map<string, Section>> {
  const result = await db.query(
    `SELECT s.id, s.country, s.name, s.languages,
            COALESCE(json_agg(json_build_array(g.campaign_id, g.goal)) FILTER (WHERE g.section_id IS NOT NULL),
                     '[]') AS goals
       FROM sections s LEFT JOIN section_goals g ON g.section_id = s.id
      GROUP BY s.id ORDER BY s.country`,
  );
  const sections = new Map<string, Section>();
  for (const row of result.rows) {
    const country = String(row.country).trim();
    sections.set(country, {
      id: row.id,
      country,
      name: row.name,
      languages: row.languages,
      goals: new Map((row.goals as [number, number | string][]).map(([id, goal]) => [id, Number(goal)])),
    });
  }
  return sections;
}

/** The section of a country, read once per catalog version (like the case texts). */
export function sectionCache(runtime: Runtime): (country: string) => Promise<Section | undefined> {
  let catalog = runtime.catalog();
  let sections: Promise<Map<string, Section>> | undefined;
  return async (country) => {
    if (runtime.catalog() !== catalog) {
      catalog = runtime.catalog();
      sections = undefined;
    }
    // Countries without a section never cost a query: the catalog already knows them all.
    if (!catalog.sections.has(country)) return undefined;
    if (!sections) {
      const loading = loadSections(runtime.db.pool);
      loading.catch(() => {
        if (sections === loading) sections = undefined;
      });
      sections = loading;
    }
    return (await sections).get(country);
  };
}
