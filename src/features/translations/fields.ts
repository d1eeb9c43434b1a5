import type pg from "pg";

// The state of every translatable field of a case in every language, read from case_texts and
// case_text_fields. Texts written before the back office (the demo, older databases) have no
// field rows: a source-language text then counts as approved at revision 1, and a public
// translation as approved from revision 1 — the same as migration 004's backfill.

export const FIELDS = ["title", "summary", "story", "ask", "sample_letter", "photo_alt"] as const;
export type FieldName = (typeof FIELDS)[number];
/** A translation is public once these are approved and current; the others are optional. */
export const REQUIRED_FIELDS: readonly FieldName[] = ["title", "summary", "story", "ask"];
export const FIELD_STATUSES = ["draft", "needs_review", "approved"] as const;
export type StoredStatus = (typeof FIELD_STATUSES)[number];
export type FieldStatus = "missing" | "outdated" | StoredStatus;

export type Texts = Record<FieldName, string>;

export interface FieldState {
  text: string;
  status: FieldStatus;
  /** The stored status, even when the field is outdated. */
  stored: StoredStatus | null;
  revision: number;
  sourceRevision: number | null;
}

export interface CaseTranslations {
  caseId: number;
  sourceLanguage: string;
  /** Language → the stored texts of that language ('' when a field was never written). */
  texts: Map<string, Texts>;
  /** Field → current revision of the source text. */
  sourceRevisions: Record<FieldName, number>;
  /** Language → field → stored row (real or implied by an older text). */
  rows: Map<string, Map<FieldName, StoredRow>>;
  /** Languages whose rows are implied by an older text, not stored. */
  implied: Set<string>;
  /** Languages the public site shows. */
  publicLanguages: Set<string>;
}

export interface StoredRow {
  status: StoredStatus;
  revision: number;
  sourceRevision: number | null;
}

type Db = pg.Pool | pg.PoolClient;

export const emptyTexts = (): Texts => ({
  title: "",
  summary: "",
  story: "",
  ask: "",
  sample_letter: "",
  photo_alt: "",
});

interface CaseSourceRow {
  id: number;
  source_language: string;
}

interface TextRow extends Texts {
  case_id: number;
  language: string;
  public: boolean;
}

interface FieldRow {
  case_id: number;
  language: string;
  field: FieldName;
  status: StoredStatus;
  revision: number;
  source_revision: number | null;
}

/** Loads the translation state of the given cases. */
export async function loadTranslations(db: Db, caseIds: number[]): Promise<Map<number, CaseTranslations>> {
  const result = new Map<number, CaseTranslations>();
  if (caseIds.length === 0) return result;
  // One query after the other: this may run on a transaction's client.
  const cases = await db.query<CaseSourceRow>("SELECT id, source_language FROM cases WHERE id = ANY($1)", [
    caseIds,
  ]);
  const texts = await db.query<TextRow>(
    `SELECT case_id, language, title, summary, story, ask, sample_letter, photo_alt, public
       FROM case_texts WHERE case_id = ANY($1)`,
    [caseIds],
  );
  const fields = await db.query<FieldRow>(
    `SELECT case_id, language, field, status, revision, source_revision
       FROM case_text_fields WHERE case_id = ANY($1)`,
    [caseIds],
  );
  for (const row of cases.rows) {
    result.set(row.id, {
      caseId: row.id,
      sourceLanguage: row.source_language,
      texts: new Map(),
      sourceRevisions: Object.fromEntries(FIELDS.map((f) => [f, 1])) as Record<FieldName, number>,
      rows: new Map(),
      implied: new Set(),
      publicLanguages: new Set(),
    });
  }
  for (const row of fields.rows) {
    const entry = result.get(row.case_id);
    if (!entry) continue;
    let byField = entry.rows.get(row.language);
    if (!byField) {
      byField = new Map();
      entry.rows.set(row.language, byField);
    }
    byField.set(row.field, {
      status: row.status,
      revision: row.revision,
      sourceRevision: row.source_revision,
    });
  }
  for (const row of texts.rows) {
    const entry = result.get(row.case_id);
    if (!entry) continue;
    const text: Texts = {
      title: row.title,
      summary: row.summary,
      story: row.story,
      ask: row.ask,
      sample_letter: row.sample_letter,
      photo_alt: row.photo_alt,
    };
    entry.texts.set(row.language, text);
    if (row.public) entry.publicLanguages.add(row.language);
    if (entry.rows.has(row.language)) continue;
    // An older text without field rows: imply them.
    const isSource = row.language === entry.sourceLanguage;
    if (!isSource && !row.public) continue;
    const implied = new Map<FieldName, StoredRow>();
    for (const field of FIELDS) {
      if (!isSource && !REQUIRED_FIELDS.includes(field) && text[field] === "") continue;
      implied.set(field, { status: "approved", revision: 1, sourceRevision: isSource ? null : 1 });
    }
    entry.rows.set(row.language, implied);
    entry.implied.add(row.language);
  }
  for (const entry of result.values()) {
    const source = entry.rows.get(entry.sourceLanguage);
    for (const field of FIELDS) entry.sourceRevisions[field] = source?.get(field)?.revision ?? 1;
  }
  return result;
}

/** The fields worth translating: the required ones, and the optional ones the source has. */
export function translatableFields(entry: CaseTranslations): FieldName[] {
  const source = entry.texts.get(entry.sourceLanguage);
  return FIELDS.filter((f) => REQUIRED_FIELDS.includes(f) || (source?.[f] ?? "") !== "");
}

export function fieldState(entry: CaseTranslations, language: string, field: FieldName): FieldState {
  const text = entry.texts.get(language)?.[field] ?? "";
  const row = entry.rows.get(language)?.get(field);
  if (language === entry.sourceLanguage) {
    return {
      text,
      status: text === "" ? "missing" : "approved",
      stored: row?.status ?? null,
      revision: row?.revision ?? 1,
      sourceRevision: null,
    };
  }
  if (!row || text === "")
    return {
      text,
      status: "missing",
      stored: row?.status ?? null,
      revision: row?.revision ?? 0,
      sourceRevision: null,
    };
  const outdated = (row.sourceRevision ?? 0) < entry.sourceRevisions[field];
  return {
    text,
    status: outdated ? "outdated" : row.status,
    stored: row.status,
    revision: row.revision,
    sourceRevision: row.sourceRevision,
  };
}

export interface LanguageProgress {
  approved: number;
  outdated: number;
  missing: number;
  total: number;
}

export function languageProgress(entry: CaseTranslations, language: string): LanguageProgress {
  const progress: LanguageProgress = { approved: 0, outdated: 0, missing: 0, total: 0 };
  for (const field of translatableFields(entry)) {
    const { status } = fieldState(entry, language, field);
    progress.total++;
    if (status === "approved") progress.approved++;
    else if (status === "outdated") progress.outdated++;
    else if (status === "missing") progress.missing++;
  }
  return progress;
}

/** Whether a language's text may show on the public site. */
export function isPublishable(entry: CaseTranslations, language: string): boolean {
  return REQUIRED_FIELDS.every((field) => fieldState(entry, language, field).status === "approved");
}

/** Languages in use: the sections', the cases' texts', and those an admin opened. */
export async function languagesInUse(db: Db): Promise<string[]> {
  const result = await db.query<{ language: string }>(
    `SELECT unnest(languages) AS language FROM sections
     UNION SELECT language FROM case_texts
     UNION SELECT language FROM translation_languages
     UNION SELECT source_language FROM cases`,
  );
  const seen = new Map<string, string>();
  for (const { language } of result.rows) {
    if (!seen.has(language.toLowerCase())) seen.set(language.toLowerCase(), language);
  }
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

/**
 * Before a change, stores the rows an older text only implies: once the source moves on, the
 * implied state could no longer be told apart from a missing translation.
 */
export async function materialize(client: pg.PoolClient, entry: CaseTranslations): Promise<void> {
  for (const language of entry.implied) {
    for (const [field, row] of entry.rows.get(language) ?? []) {
      await client.query(
        `INSERT INTO case_text_fields (case_id, language, field, status, revision, source_revision)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [entry.caseId, language, field, row.status, row.revision, row.sourceRevision],
      );
    }
  }
  entry.implied.clear();
}

/**
 * Sets which of a case's texts the public site may show: the source language always, a
 * translation once its required fields are approved and current. Returns the languages whose
 * state changed.
 */
export async function refreshPublic(client: pg.PoolClient, caseId: number): Promise<string[]> {
  const entry = (await loadTranslations(client, [caseId])).get(caseId);
  if (!entry) return [];
  const current = await client.query<{ language: string; public: boolean }>(
    "SELECT language, public FROM case_texts WHERE case_id = $1",
    [caseId],
  );
  const changed: string[] = [];
  for (const row of current.rows) {
    const wanted = row.language === entry.sourceLanguage || isPublishable(entry, row.language);
    if (wanted === row.public) continue;
    await client.query("UPDATE case_texts SET public = $3 WHERE case_id = $1 AND language = $2", [
      caseId,
      row.language,
      wanted,
    ]);
    changed.push(row.language);
  }
  return changed;
}
