import type pg from "pg";

// The state of every translatable field of a case in every language, read from case_texts,
// targets, target_texts and case_text_fields. Texts written before the back office (the demo,
// older databases) have no field rows: a source-language text then counts as approved at
// revision 1, and a public translation as approved (and published) from revision 1 — the same as
// migration 004's backfill.

/** The case's own fields, one column each in case_texts. */
export const FIELDS = [
  "title",
  "summary",
  "story",
  "ask",
  "sample_letter",
  "photo_alt",
  "cards_address",
] as const;
export type CaseField = (typeof FIELDS)[number];
/** What each target has in every language (its name is not translated). */
export const TARGET_PARTS = ["title", "salutation", "address"] as const;
export type TargetPart = (typeof TARGET_PARTS)[number];
/** A target's field: `target.<target id>.<part>`. */
export type TargetField = `target.${number}.${TargetPart}`;
export type FieldName = CaseField | TargetField;

/** A translation is public once these have an approved text; the others are optional. */
export const REQUIRED_FIELDS: readonly FieldName[] = ["title", "summary", "story", "ask"];
export const FIELD_STATUSES = ["draft", "needs_review", "approved"] as const;
export type StoredStatus = (typeof FIELD_STATUSES)[number];
export type FieldStatus = "missing" | "outdated" | StoredStatus;

/** Longest accepted text per field, in characters (the letter form takes 10 000). */
export const MAX_LENGTH: Record<CaseField, number> = {
  title: 200,
  summary: 1000,
  story: 20_000,
  ask: 2000,
  sample_letter: 10_000,
  photo_alt: 500,
  cards_address: 1000,
};
export const TARGET_MAX_LENGTH: Record<TargetPart, number> = { title: 200, salutation: 200, address: 1000 };

export const targetField = (targetId: number, part: TargetPart): TargetField => `target.${targetId}.${part}`;

const TARGET_FIELD = /^target\.(\d{1,9})\.(title|salutation|address)$/;

/** What a field name names: one of the case's fields, or a part of one of its targets. */
export function parseField(
  name: string,
): { kind: "case"; field: CaseField } | { kind: "target"; targetId: number; part: TargetPart } | undefined {
  if ((FIELDS as readonly string[]).includes(name)) return { kind: "case", field: name as CaseField };
  const match = TARGET_FIELD.exec(name);
  if (!match) return undefined;
  return { kind: "target", targetId: Number(match[1]), part: match[2] as TargetPart };
}

export const isFieldName = (name: string): name is FieldName => parseField(name) !== undefined;

export function maxLength(field: FieldName): number {
  const parsed = parseField(field);
  if (!parsed) return 0;
  return parsed.kind === "case" ? MAX_LENGTH[parsed.field] : TARGET_MAX_LENGTH[parsed.part];
}

/** The case's own texts in one language, as case_texts holds them. */
export type Texts = Record<CaseField, string>;
/** Every text of one language, by field name ('' or absent when not written). */
export type FieldTexts = Partial<Record<FieldName, string>>;

export interface FieldState {
  text: string;
  status: FieldStatus;
  /** The stored status, even when the field is outdated. */
  stored: StoredStatus | null;
  revision: number;
  sourceRevision: number | null;
  /** What the public site shows of this field in this language (an approved text), if anything. */
  publicText: string | null;
  /** The source revision the public text was translated from. */
  publicSourceRevision: number | null;
  /** Who last changed the text (null when unknown: texts from before the back office). */
  editedBy: number | null;
}

export interface CaseTarget {
  id: number;
  name: string;
}

export interface CaseTranslations {
  caseId: number;
  slug: string;
  sourceLanguage: string;
  /** The case's targets in their order. */
  targets: CaseTarget[];
  /** Language → the stored texts of that language. */
  texts: Map<string, FieldTexts>;
  /** Field → current revision of the source text. */
  sourceRevisions: Partial<Record<FieldName, number>>;
  /** Field → the latest source revision marked substantial. */
  substantial: Partial<Record<FieldName, number>>;
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
  publishedText: string | null;
  publishedSourceRevision: number | null;
  editedBy: number | null;
}

type Db = pg.Pool | pg.PoolClient;

export const emptyTexts = (): Texts => ({
  title: "",
  summary: "",
  story: "",
  ask: "",
  sample_letter: "",
  photo_alt: "",
  cards_address: "",
});

interface CaseSourceRow {
  id: number;
  slug: string;
  source_language: string;
}

interface TextRow extends Texts {
  case_id: number;
  language: string;
  public: boolean;
}

interface TargetRow {
  id: number;
  case_id: number;
  name: string;
  title: string;
  salutation: string;
  postal_address: string;
}

interface TargetTextRow {
  target_id: number;
  case_id: number;
  language: string;
  title: string;
  salutation: string;
  address: string;
}

interface FieldRow {
  case_id: number;
  language: string;
  field: FieldName;
  status: StoredStatus;
  revision: number;
  source_revision: number | null;
  published_text: string | null;
  published_source_revision: number | null;
  edited_by: number | null;
}

const textsOf = (entry: CaseTranslations, language: string): FieldTexts => {
  let texts = entry.texts.get(language);
  if (!texts) {
    texts = {};
    entry.texts.set(language, texts);
  }
  return texts;
};

/** Loads the translation state of the given cases. */
export async function loadTranslations(db: Db, caseIds: number[]): Promise<Map<number, CaseTranslations>> {
  const result = new Map<number, CaseTranslations>();
  if (caseIds.length === 0) return result;
  // One query after the other: this may run on a transaction's client.
  const cases = await db.query<CaseSourceRow>(
    "SELECT id, slug, source_language FROM cases WHERE id = ANY($1)",
    [caseIds],
  );
  const texts = await db.query<TextRow>(
    `SELECT case_id, language, ${FIELDS.join(", ")}, public FROM case_texts WHERE case_id = ANY($1)`,
    [caseIds],
  );
  const targets = await db.query<TargetRow>(
    `SELECT id, case_id, name, title, salutation, postal_address FROM targets
      WHERE case_id = ANY($1) ORDER BY position, id`,
    [caseIds],
  );
  const targetTexts = await db.query<TargetTextRow>(
    `SELECT x.target_id, t.case_id, x.language, x.title, x.salutation, x.address
       FROM target_texts x JOIN targets t ON t.id = x.target_id WHERE t.case_id = ANY($1)`,
    [caseIds],
  );
  const fields = await db.query<FieldRow>(
    `SELECT case_id, language, field, status, revision, source_revision, published_text,
            published_source_revision, edited_by
       FROM case_text_fields WHERE case_id = ANY($1)`,
    [caseIds],
  );
  const substantial = await db.query<{ case_id: number; field: FieldName; revision: number }>(
    `SELECT case_id, field, max(revision) AS revision FROM case_source_revisions
      WHERE case_id = ANY($1) AND substantial GROUP BY case_id, field`,
    [caseIds],
  );
  for (const row of cases.rows) {
    result.set(row.id, {
      caseId: row.id,
      slug: row.slug,
      sourceLanguage: row.source_language,
      targets: [],
      texts: new Map(),
      sourceRevisions: {},
      substantial: {},
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
      publishedText: row.published_text,
      publishedSourceRevision: row.published_source_revision,
      editedBy: row.edited_by,
    });
  }
  for (const row of substantial.rows) {
    const entry = result.get(row.case_id);
    if (entry) entry.substantial[row.field] = row.revision;
  }
  for (const row of targets.rows) {
    const entry = result.get(row.case_id);
    if (!entry) continue;
    entry.targets.push({ id: row.id, name: row.name });
    const source = textsOf(entry, entry.sourceLanguage);
    source[targetField(row.id, "title")] = row.title;
    source[targetField(row.id, "salutation")] = row.salutation;
    source[targetField(row.id, "address")] = row.postal_address;
  }
  for (const row of targetTexts.rows) {
    const entry = result.get(row.case_id);
    if (!entry || row.language === entry.sourceLanguage) continue;
    const texts = textsOf(entry, row.language);
    texts[targetField(row.target_id, "title")] = row.title;
    texts[targetField(row.target_id, "salutation")] = row.salutation;
    texts[targetField(row.target_id, "address")] = row.address;
  }
  for (const row of texts.rows) {
    const entry = result.get(row.case_id);
    if (!entry) continue;
    const text = textsOf(entry, row.language);
    for (const field of FIELDS) text[field] = row[field];
    if (row.public) entry.publicLanguages.add(row.language);
    if (entry.rows.has(row.language)) continue;
    // An older text without field rows: imply them.
    const isSource = row.language === entry.sourceLanguage;
    if (!isSource && !row.public) continue;
    const implied = new Map<FieldName, StoredRow>();
    for (const field of FIELDS) {
      if (!isSource && !REQUIRED_FIELDS.includes(field) && row[field] === "") continue;
      implied.set(field, {
        status: "approved",
        revision: 1,
        sourceRevision: isSource ? null : 1,
        publishedText: isSource ? null : row[field],
        publishedSourceRevision: isSource ? null : 1,
        editedBy: null,
      });
    }
    entry.rows.set(row.language, implied);
    entry.implied.add(row.language);
  }
  for (const entry of result.values()) {
    const source = entry.rows.get(entry.sourceLanguage);
    for (const field of allFields(entry)) entry.sourceRevisions[field] = source?.get(field)?.revision ?? 1;
  }
  return result;
}

/** Every field a case has: its own, then each target's. */
export function allFields(entry: CaseTranslations): FieldName[] {
  const fields: FieldName[] = [...FIELDS];
  for (const target of entry.targets)
    for (const part of TARGET_PARTS) fields.push(targetField(target.id, part));
  return fields;
}

/** The fields worth translating: the required ones, and the optional ones the source has. */
export function translatableFields(entry: CaseTranslations): FieldName[] {
  const source = entry.texts.get(entry.sourceLanguage);
  return allFields(entry).filter((f) => REQUIRED_FIELDS.includes(f) || (source?.[f] ?? "") !== "");
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
      publicText: text,
      publicSourceRevision: null,
      editedBy: row?.editedBy ?? null,
    };
  }
  const published = {
    publicText: row?.publishedText ?? null,
    publicSourceRevision: row?.publishedSourceRevision ?? null,
    editedBy: row?.editedBy ?? null,
  };
  if (!row || text === "")
    return {
      text,
      status: "missing",
      stored: row?.status ?? null,
      revision: row?.revision ?? 0,
      sourceRevision: null,
      ...published,
    };
  const outdated = (row.sourceRevision ?? 0) < (entry.sourceRevisions[field] ?? 1);
  return {
    text,
    status: outdated ? "outdated" : row.status,
    stored: row.status,
    revision: row.revision,
    sourceRevision: row.sourceRevision,
    ...published,
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

/**
 * Whether a language's text may show on the public site: each required field has an approved
 * text. An approved text stays while its source moves on (it is then outdated, and still what
 * its translator approved) until a substantial source change takes it off (queries in cases).
 */
export function isPublishable(entry: CaseTranslations, language: string): boolean {
  return REQUIRED_FIELDS.every((field) => (fieldState(entry, language, field).publicText ?? "") !== "");
}
