import type pg from "pg";
import type { SectionDbRow } from "../queries.js";
import type { SectionInput } from "./input.js";

// A section as its coordinator edits it: its own details, and for the current edition its goal
// and the cases it features.

type Db = pg.Pool | pg.PoolClient;

export interface SectionRecord {
  id: number;
  country: string;
  name: string;
  languages: string[];
  contactEmail: string | null;
  contactPhone: string | null;
  website: string | null;
  postalAddress: string | null;
  /** For the edition asked about. */
  goal: number | null;
  featured: number[];
}

// A goal is a bigint; node-postgres is told to give bigints as numbers (platform/db/database.ts).
interface GoalRow {
  goal: number;
}
interface FeaturedRow {
  case_id: number;
}
interface SummaryRow {
  id: number;
  country: string;
  name: string;
  languages: string[];
  goal: string | null;
  featured: number;
}
interface CaseRow {
  id: number;
  slug: string;
  title: string;
  published: boolean;
}

export interface CampaignCase {
  id: number;
  slug: string;
  title: string;
  published: boolean;
}

export async function loadSection(
  db: Db,
  id: number,
  campaignId: number | null,
  lock = false,
): Promise<SectionRecord | undefined> {
  const result = await db.query<SectionDbRow>(
    `SELECT id, country, name, languages, contact_email, contact_phone, website, postal_address
       FROM sections WHERE id = $1${lock ? " FOR UPDATE" : ""}`,
    [id],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  const [goal, featured] = await Promise.all([
    db.query<GoalRow>("SELECT goal FROM section_goals WHERE section_id = $1 AND campaign_id = $2", [
      id,
      campaignId,
    ]),
    db.query<FeaturedRow>(
      `SELECT case_id FROM section_featured_cases WHERE section_id = $1 AND campaign_id = $2
        ORDER BY position, case_id`,
      [id, campaignId],
    ),
  ]);
  return {
    id: row.id,
    country: row.country.trim(),
    name: row.name,
    languages: row.languages,
    contactEmail: row.contact_email,
    contactPhone: row.contact_phone,
    website: row.website,
    postalAddress: row.postal_address,
    goal: goal.rows[0] ? Number(goal.rows[0].goal) : null,
    featured: featured.rows.map((r) => r.case_id),
  };
}

export interface SectionSummary {
  id: number;
  country: string;
  name: string;
  languages: string[];
  goal: number | null;
  featured: number;
}

/** Sections for the list page; all of them when `ids` is null. */
export async function listSections(
  db: Db,
  ids: number[] | null,
  campaignId: number | null,
): Promise<SectionSummary[]> {
  const result = await db.query<SummaryRow>(
    `SELECT s.id, s.country, s.name, s.languages, g.goal,
            (SELECT count(*) FROM section_featured_cases f
              WHERE f.section_id = s.id AND f.campaign_id = $2)::int AS featured
       FROM sections s LEFT JOIN section_goals g ON g.section_id = s.id AND g.campaign_id = $2
      WHERE $1::int[] IS NULL OR s.id = ANY($1)
      ORDER BY s.country`,
    [ids, campaignId],
  );
  return result.rows.map((row) => ({
    id: row.id,
    country: row.country.trim(),
    name: row.name,
    languages: row.languages,
    goal: row.goal === null ? null : Number(row.goal),
    featured: row.featured,
  }));
}

/** Every case of an edition, published or not (a section may feature a case before it goes out). */
export async function campaignCases(db: Db, campaignId: number): Promise<CampaignCase[]> {
  const result = await db.query<CaseRow>(
    `SELECT c.id, c.slug, c.published, coalesce(t.title, c.slug) AS title
       FROM campaign_cases cc JOIN cases c ON c.id = cc.case_id
       LEFT JOIN case_texts t ON t.case_id = c.id AND t.language = c.source_language
      WHERE cc.campaign_id = $1 ORDER BY cc.position, c.slug`,
    [campaignId],
  );
  return result.rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    title: row.title,
    published: row.published,
  }));
}

/** Writes what the form holds; the caller runs it in a transaction, with the audit entry. */
export async function saveSection(
  client: pg.PoolClient,
  id: number,
  campaignId: number | null,
  input: SectionInput,
): Promise<void> {
  await client.query(
    `UPDATE sections SET languages = $2, contact_email = $3, contact_phone = $4, website = $5,
            postal_address = $6 WHERE id = $1`,
    [id, input.languages, input.contactEmail, input.contactPhone, input.website, input.postalAddress],
  );
  if (campaignId === null) return;
  await client.query("DELETE FROM section_featured_cases WHERE section_id = $1 AND campaign_id = $2", [
    id,
    campaignId,
  ]);
  if (input.featured.length > 0) {
    await client.query(
      `INSERT INTO section_featured_cases (section_id, campaign_id, case_id, position)
       SELECT $1, $2, f.case_id, f.position FROM unnest($3::int[]) WITH ORDINALITY AS f(case_id, position)`,
      [id, campaignId, input.featured],
    );
  }
  if (input.goal === null) {
    await client.query("DELETE FROM section_goals WHERE section_id = $1 AND campaign_id = $2", [
      id,
      campaignId,
    ]);
  } else {
    await client.query(
      `INSERT INTO section_goals (section_id, campaign_id, goal) VALUES ($1, $2, $3)
       ON CONFLICT (section_id, campaign_id) DO UPDATE SET goal = excluded.goal`,
      [id, campaignId, input.goal],
    );
  }
}
