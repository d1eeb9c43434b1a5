import type pg from "pg";
import { type EntityText, loadEntityTexts, saveEntityTexts } from "../../../core/catalog/entity-texts.js";
import type { EditionInput } from "./input.js";

// Editions as the back office edits them. Every write runs in one transaction under one
// advisory lock, so two admins saving at once cannot make a cycle of previous editions or
// take one slug twice between the check and the write.

type Db = pg.Pool | pg.PoolClient;

/** The lock every edition write takes (an arbitrary constant, named here once). */
const EDITIONS_LOCK = 0x1_1ed17;

export interface EditionRecord {
  id: number;
  slug: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  goal: number;
  previousId: number | null;
  previousSlug: string | null;
  defaultLanguage: string;
  lateReportDays: number;
  confirmSignatures: boolean;
  /** Featured case ids, in the edition's order. */
  cases: number[];
  texts: EntityText[];
}

export interface CaseChoice {
  id: number;
  slug: string;
  title: string;
  published: boolean;
}

interface EditionRow {
  id: number;
  slug: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  time_zone: string;
  goal: number;
  previous_id: number | null;
  previous_slug: string | null;
  default_language: string;
  late_report_days: number;
  confirm_signatures: boolean;
  cases: number[];
}

export async function lockEditions(client: pg.PoolClient): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock($1)", [EDITIONS_LOCK]);
}

export async function loadEdition(db: Db, slug: string): Promise<EditionRecord | undefined> {
  const result = await db.query<EditionRow>(
    `SELECT c.id, c.slug, c.title, c.starts_at, c.ends_at, c.time_zone, c.goal, c.previous_id,
            p.slug AS previous_slug, c.default_language, c.late_report_days, c.confirm_signatures,
            COALESCE((SELECT array_agg(cc.case_id ORDER BY cc.position, cc.case_id)
                        FROM campaign_cases cc WHERE cc.campaign_id = c.id), '{}') AS cases
       FROM campaigns c LEFT JOIN campaigns p ON p.id = c.previous_id
      WHERE c.slug = $1`,
    [slug],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  const texts = (await loadEntityTexts(db, "campaign", [row.id])).get(row.id) ?? [];
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    timeZone: row.time_zone,
    goal: Number(row.goal),
    previousId: row.previous_id,
    previousSlug: row.previous_slug,
    defaultLanguage: row.default_language,
    lateReportDays: row.late_report_days,
    confirmSignatures: row.confirm_signatures,
    cases: row.cases,
    texts,
  };
}

/** Every case there is, with its title in its own language, to choose from. */
export async function allCases(db: Db): Promise<CaseChoice[]> {
  const result = await db.query<CaseChoice>(
    `SELECT c.id, c.slug, c.published, coalesce(t.title, c.slug) AS title
       FROM cases c LEFT JOIN case_texts t ON t.case_id = c.id AND t.language = c.source_language
      ORDER BY c.slug`,
  );
  return result.rows;
}

export async function editionSlugs(db: Db): Promise<string[]> {
  const result = await db.query<{ slug: string }>("SELECT slug FROM campaigns ORDER BY starts_at");
  return result.rows.map((r) => r.slug);
}

/** Whether choosing `previous` for `self` would close a cycle (self is among its predecessors). */
export async function makesCycle(db: Db, self: number, previous: string): Promise<boolean> {
  const result = await db.query<{ hit: boolean }>(
    `WITH RECURSIVE chain (id, previous_id) AS (
       SELECT id, previous_id FROM campaigns WHERE slug = $2
       UNION
       SELECT c.id, c.previous_id FROM campaigns c JOIN chain ON c.id = chain.previous_id
     )
     SELECT EXISTS (SELECT 1 FROM chain WHERE id = $1) AS hit`,
    [self, previous],
  );
  return result.rows[0]?.hit ?? false;
}

/** The cases an edition ends up featuring: those ticked, then (carried over) the previous one's. */
async function featuredCases(client: pg.PoolClient, input: EditionInput): Promise<number[]> {
  const ids = [...input.cases];
  if (input.carryOver && input.previous) {
    const carried = await client.query<{ case_id: number }>(
      `SELECT cc.case_id FROM campaign_cases cc JOIN campaigns p ON p.id = cc.campaign_id
        WHERE p.slug = $1 ORDER BY cc.position, cc.case_id`,
      [input.previous],
    );
    for (const { case_id } of carried.rows) if (!ids.includes(case_id)) ids.push(case_id);
  }
  return ids;
}

async function setCases(client: pg.PoolClient, id: number, caseIds: number[]): Promise<void> {
  // Cases are shared between editions: featuring one links it, with every text and translation
  // it has. Unlinking keeps the case (and the actions counted for it in other editions).
  await client.query("DELETE FROM campaign_cases WHERE campaign_id = $1 AND NOT (case_id = ANY($2))", [
    id,
    caseIds,
  ]);
  await client.query(
    `INSERT INTO campaign_cases (campaign_id, case_id, position)
     SELECT $1, case_id, position FROM unnest($2::int[]) WITH ORDINALITY AS u (case_id, position)
     ON CONFLICT (campaign_id, case_id) DO UPDATE SET position = EXCLUDED.position`,
    [id, caseIds],
  );
}

async function saveSourceTexts(
  client: pg.PoolClient,
  id: number,
  input: EditionInput,
  userId: number | null,
): Promise<void> {
  await saveEntityTexts(
    client,
    "campaign",
    id,
    input.defaultLanguage,
    input.defaultLanguage,
    { title: input.title, intro: input.intro, event_kit: input.eventKit },
    "approved",
    userId,
  );
}

export async function insertEdition(
  client: pg.PoolClient,
  input: EditionInput,
  userId: number | null,
): Promise<number> {
  const inserted = await client.query<{ id: number }>(
    `INSERT INTO campaigns (slug, title, starts_at, ends_at, time_zone, goal, previous_id, default_language,
                            late_report_days, confirm_signatures)
     VALUES ($1, $2, $3, $4, $5, $6, (SELECT id FROM campaigns WHERE slug = $7), $8, $9, $10)
     RETURNING id`,
    [
      input.slug,
      input.title,
      input.startsAt,
      input.endsAt,
      input.timeZone,
      input.goal,
      input.previous,
      input.defaultLanguage,
      input.lateReportDays,
      input.confirmSignatures,
    ],
  );
  const id = inserted.rows[0]?.id;
  if (id === undefined) throw new Error("the edition was not inserted");
  await setCases(client, id, await featuredCases(client, input));
  await saveSourceTexts(client, id, input, userId);
  return id;
}

export async function updateEdition(
  client: pg.PoolClient,
  id: number,
  input: EditionInput,
  userId: number | null,
): Promise<void> {
  await client.query(
    `UPDATE campaigns
        SET title = $2, starts_at = $3, ends_at = $4, time_zone = $5, goal = $6,
            previous_id = (SELECT id FROM campaigns WHERE slug = $7), default_language = $8,
            late_report_days = $9, confirm_signatures = $10, updated_at = now()
      WHERE id = $1`,
    [
      id,
      input.title,
      input.startsAt,
      input.endsAt,
      input.timeZone,
      input.goal,
      input.previous,
      input.defaultLanguage,
      input.lateReportDays,
      input.confirmSignatures,
    ],
  );
  await setCases(client, id, await featuredCases(client, input));
  await saveSourceTexts(client, id, input, userId);
}

/** What the audit log keeps of an edition: the same whether read before or after a change. */
export function auditView(e: EditionRecord, slugs: Map<number, string>) {
  const source = (field: string) =>
    e.texts.find((t) => t.language === e.defaultLanguage && t.field === field)?.text ?? "";
  return {
    slug: e.slug,
    title: e.title,
    intro: source("intro"),
    eventKit: source("event_kit"),
    startsAt: e.startsAt.toISOString(),
    endsAt: e.endsAt.toISOString(),
    timeZone: e.timeZone,
    goal: e.goal,
    previous: e.previousSlug,
    defaultLanguage: e.defaultLanguage,
    lateReportDays: e.lateReportDays,
    confirmSignatures: e.confirmSignatures,
    cases: e.cases.map((id) => slugs.get(id) ?? id),
  };
}
