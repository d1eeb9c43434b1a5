import type pg from "pg";
import { type PickedText, pickText } from "./texts.js";

export type { PickedText };

// The translatable texts of an edition (title, intro, event kit) and of a section (intro,
// contacts): one row per language and field, with the statuses of case texts (draft,
// needs_review, approved), a revision per field, and for a translation the source revision it
// was made from. The source language (the edition's default, the section's first) is always
// public; a translation is public once approved — and stays public when the source moves on
// (outdated is not unpublished) until it is updated.

export const TEXT_STATUSES = ["draft", "needs_review", "approved"] as const;
export type TextStatus = (typeof TEXT_STATUSES)[number];
export type TextState = "missing" | "outdated" | TextStatus;

export const CAMPAIGN_FIELDS = ["title", "intro", "event_kit"] as const;
export type CampaignField = (typeof CAMPAIGN_FIELDS)[number];
export const SECTION_FIELDS = ["intro", "contacts"] as const;
export type SectionField = (typeof SECTION_FIELDS)[number];

export interface EntityText {
  language: string;
  field: string;
  text: string;
  status: TextStatus;
  revision: number;
  sourceRevision: number | null;
  /** Who last changed the text (not who only changed its status): four eyes keys on it. */
  editedBy: number | null;
}

/** Where each kind of entity keeps its texts: fixed names, never from input. */
const TABLES = {
  campaign: { table: "campaign_texts", key: "campaign_id", revisions: "campaign_source_revisions" },
  section: { table: "section_texts", key: "section_id", revisions: "section_source_revisions" },
} as const;
export type TextOwner = keyof typeof TABLES;

type Db = pg.Pool | pg.PoolClient;

interface Row {
  id: number;
  language: string;
  field: string;
  text: string;
  status: TextStatus;
  revision: number;
  source_revision: number | null;
  edited_by: number | null;
}

const fromRow = (row: Row): EntityText => ({
  language: row.language,
  field: row.field,
  text: row.text,
  status: row.status,
  revision: row.revision,
  sourceRevision: row.source_revision,
  editedBy: row.edited_by,
});

/** Every stored text of the given editions or sections, by owner id. */
export async function loadEntityTexts(
  db: Db,
  owner: TextOwner,
  ids?: number[],
): Promise<Map<number, EntityText[]>> {
  const { table, key } = TABLES[owner];
  const result = await db.query<Row>(
    `SELECT ${key} AS id, language, field, text, status, revision, source_revision, edited_by FROM ${table}
      ${ids ? `WHERE ${key} = ANY($1)` : ""} ORDER BY ${key}, language, field`,
    ids ? [ids] : [],
  );
  const byOwner = new Map<number, EntityText[]>();
  for (const row of result.rows) {
    const list = byOwner.get(row.id) ?? [];
    list.push(fromRow(row));
    byOwner.set(row.id, list);
  }
  return byOwner;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The current revision of a field in the source language (1 before it is first stored). */
export function sourceRevision(texts: EntityText[], source: string, field: string): number {
  return texts.find((t) => same(t.language, source) && t.field === field)?.revision ?? 1;
}

/** The state of one field in one language, as the back office shows it. */
export function textState(texts: EntityText[], source: string, language: string, field: string): TextState {
  const row = texts.find((t) => same(t.language, language) && t.field === field);
  if (!row || row.text === "") return "missing";
  if (same(language, source)) return "approved";
  if ((row.sourceRevision ?? 0) < sourceRevision(texts, source, field)) return "outdated";
  return row.status;
}

/** Language → field → text the public site may show: the source's, and approved translations. */
export function publicTexts(texts: EntityText[], source: string): Map<string, Map<string, string>> {
  const byLanguage = new Map<string, Map<string, string>>();
  for (const t of texts) {
    if (t.text === "" || !(same(t.language, source) || t.status === "approved")) continue;
    const fields = byLanguage.get(t.language) ?? new Map<string, string>();
    fields.set(t.field, t.text);
    byLanguage.set(t.language, fields);
  }
  return byLanguage;
}

/** One field for a reader: their language, then without its region, then the default, then any. */
export function pickField(
  texts: Map<string, Map<string, string>>,
  field: string,
  locale: string,
  defaultLanguage: string,
): PickedText<string> | undefined {
  const candidates: Record<string, string> = {};
  for (const [language, fields] of texts) {
    const text = fields.get(field);
    if (text) candidates[language] = text;
  }
  return pickText(candidates, locale, defaultLanguage);
}

/**
 * Writes one language's fields of an edition or a section (on the transaction's client). A
 * field whose text changes gets a new revision; a translation records the source revision it
 * now matches. The source language is approved by being the source. Returns the fields whose
 * stored row changed.
 */
export async function saveEntityTexts(
  client: pg.PoolClient,
  owner: TextOwner,
  id: number,
  source: string,
  language: string,
  values: Record<string, string>,
  status: TextStatus,
  userId: number | null,
): Promise<string[]> {
  const { table, key, revisions } = TABLES[owner];
  const current = (await loadEntityTexts(client, owner, [id])).get(id) ?? [];
  const isSource = same(language, source);
  const changed: string[] = [];
  for (const [field, text] of Object.entries(values)) {
    const row = current.find((t) => same(t.language, language) && t.field === field);
    const matches = isSource ? null : sourceRevision(current, source, field);
    const wanted: TextStatus = isSource ? "approved" : status;
    if (row && row.text === text && row.status === wanted && row.sourceRevision === matches) continue;
    if (!row && text === "") continue;
    const revision = row ? (row.text === text ? row.revision : row.revision + 1) : 1;
    const editedBy = row && row.text === text ? row.editedBy : userId;
    await client.query(
      `INSERT INTO ${table} (${key}, language, field, text, status, revision, source_revision, updated_by, edited_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (${key}, language, field) DO UPDATE
         SET text = EXCLUDED.text, status = EXCLUDED.status, revision = EXCLUDED.revision,
             source_revision = EXCLUDED.source_revision, updated_by = EXCLUDED.updated_by,
             edited_by = EXCLUDED.edited_by, updated_at = now()`,
      [id, row?.language ?? language, field, text, wanted, revision, matches, userId, editedBy],
    );
    // Each source revision's text is kept, for the word diff a translator of it sees.
    if (isSource && (!row || row.text !== text))
      await client.query(
        `INSERT INTO ${revisions} (${key}, field, revision, text) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [id, field, revision, text],
      );
    changed.push(field);
  }
  return changed;
}

/**
 * Who wrote each text that a save would approve: the saver where the save changes the text,
 * else the one who last changed it. The routes ask the translations policy (mayApprove) whether
 * the saver may approve them; empty when the save approves nothing.
 */
export function writersOfApproved(
  current: EntityText[],
  source: string,
  language: string,
  values: Record<string, string>,
  status: TextStatus,
  userId: number,
): Map<string, number | null> {
  const writers = new Map<string, number | null>();
  if (status !== "approved") return writers;
  for (const [field, text] of Object.entries(values)) {
    const row = current.find((t) => same(t.language, language) && t.field === field);
    if (!row && text === "") continue;
    // Approved already, against the current source: the save leaves it as it is.
    if (
      row &&
      row.text === text &&
      row.status === "approved" &&
      row.sourceRevision === sourceRevision(current, source, field)
    )
      continue;
    writers.set(field, row && row.text === text ? row.editedBy : userId);
  }
  return writers;
}

/** The source's text at each of the given revisions of its fields: field → revision → text. */
export async function sourceTextsAt(
  db: Db,
  owner: TextOwner,
  id: number,
  fields: string[],
): Promise<Map<string, Map<number, string>>> {
  const { key, revisions } = TABLES[owner];
  const result = await db.query<{ field: string; revision: number; text: string }>(
    `SELECT field, revision, text FROM ${revisions} WHERE ${key} = $1 AND field = ANY($2)`,
    [id, fields],
  );
  const byField = new Map<string, Map<number, string>>();
  for (const r of result.rows) {
    const kept = byField.get(r.field) ?? new Map<number, string>();
    kept.set(r.revision, r.text);
    byField.set(r.field, kept);
  }
  return byField;
}
