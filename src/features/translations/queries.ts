import type pg from "pg";
import { withTransaction } from "../../platform/db/transaction.js";
import type { Errors, OfficeUser } from "../office/index.js";
import { actorOf, audit, notFound } from "../office/index.js";
import {
  type CaseTranslations,
  emptyTexts,
  FIELDS,
  type FieldName,
  fieldState,
  loadTranslations,
  parseField,
  type StoredStatus,
  TARGET_PARTS,
  type TargetPart,
  targetField,
} from "./fields.js";
import { auditView, type Draft, KEEP } from "./model.js";
import { mayApprove, translatesInto } from "./policy.js";
import { materialize, refreshPublic } from "./publication.js";

// The writes of the translation pages.

type Db = pg.Pool | pg.PoolClient;

/** Opens a language for translation; opening it again changes nothing. */
export async function openLanguage(pool: pg.Pool, user: OfficeUser, language: string): Promise<void> {
  await withTransaction(pool, async (client) => {
    const inserted = await client.query(
      "INSERT INTO translation_languages (language, added_by) VALUES ($1, $2) ON CONFLICT DO NOTHING",
      [language, user.id],
    );
    if (inserted.rowCount)
      await audit(client, actorOf(user), "create", "translation_language", language, null, { language });
  });
}

/** Whether a section using the language asks for a second person to approve its translations. */
export async function reviewRequired(db: Db, language: string): Promise<boolean> {
  const found = await db.query(
    `SELECT 1 FROM sections, unnest(review_languages) AS l WHERE lower(l) = lower($1) LIMIT 1`,
    [language],
  );
  return (found.rowCount ?? 0) > 0;
}

/** Section id → its languages, for the sections a coordinator may review for. */
export async function sectionLanguages(db: Db, sectionIds: number[]): Promise<Map<number, string[]>> {
  const found = await db.query<{ id: number; languages: string[] }>(
    "SELECT id, languages FROM sections WHERE id = ANY($1)",
    [sectionIds],
  );
  return new Map(found.rows.map((r) => [r.id, r.languages]));
}

/** A refused save: the errors beside the fields, and whether it was a matter of permission. */
export class TranslationRefused extends Error {
  constructor(
    readonly errors: Errors,
    readonly status: 403 | 422,
  ) {
    super("refused");
  }
}

export interface SaveContext {
  /** Some section using the language requires a second person to approve. */
  reviewRequired: boolean;
  /** The person coordinates a section using the language (may approve, not write). */
  reviews: boolean;
}

/** What a save would refuse, field by field: text written by a reviewer, self-approval. */
function refusals(
  entry: CaseTranslations,
  user: OfficeUser,
  language: string,
  fields: FieldName[],
  draft: Draft,
  o: SaveContext,
): Errors {
  const errors: Errors = {};
  for (const field of fields) {
    const wanted = draft.get(field);
    if (!wanted) continue;
    const state = fieldState(entry, language, field);
    const textChanged = wanted.text !== state.text;
    if (textChanged && !translatesInto(user, language)) {
      errors[`text-${field}`] = "office.translations.error.coordinatorWrites";
      continue;
    }
    const approving = wanted.status === "approved" && (textChanged || state.status !== "approved");
    if (!approving) continue;
    const editedBy = textChanged ? user.id : state.editedBy;
    if (!mayApprove(user, language, { ...o, editedBy }))
      errors[`status-${field}`] = "office.translations.error.ownWork";
  }
  return errors;
}

/**
 * Writes the fields of one translation that changed, each with its status and the source
 * revision it was translated from, then re-checks which texts the public site shows. An
 * approved text becomes the field's public text, which stays until another is approved or a
 * substantial source change withdraws it. Throws TranslationRefused, having written nothing.
 */
export async function saveTranslation(
  pool: pg.Pool,
  user: OfficeUser,
  caseId: number,
  language: string,
  fields: FieldName[],
  draft: Draft,
  /** Unless given, whether review applies is read here: every caller gets the four-eyes rule. */
  context: Partial<SaveContext> = {},
): Promise<void> {
  await withTransaction(pool, (client) =>
    writeTranslation(client, user, caseId, language, fields, draft, context),
  );
}

/** saveTranslation's work on a transaction's client: a file import writes many cases in one. */
export async function writeTranslation(
  client: pg.PoolClient,
  user: OfficeUser,
  caseId: number,
  language: string,
  fields: FieldName[],
  draft: Draft,
  context: Partial<SaveContext> = {},
): Promise<void> {
  {
    // The case row is the lock that orders translations and source edits of one case.
    await client.query("SELECT 1 FROM cases WHERE id = $1 FOR UPDATE", [caseId]);
    const current = (await loadTranslations(client, [caseId])).get(caseId);
    if (!current) throw notFound("office.problem.notFound.translation");
    const rules: SaveContext = {
      reviewRequired: context.reviewRequired ?? (await reviewRequired(client, language)),
      reviews: context.reviews ?? false,
    };
    const refused = refusals(current, user, language, fields, draft, rules);
    if (Object.keys(refused).length > 0)
      throw new TranslationRefused(
        refused,
        Object.keys(refused).some((k) => k.startsWith("status-")) ? 403 : 422,
      );
    await materialize(client, current);
    const before = auditView(current, language);
    const changedFields = await writeFields(client, current, user, language, fields, draft);
    if (changedFields.length === 0) return;
    await writeTexts(client, current, language, changedFields, draft);
    await refreshPublic(client, caseId);
    const after = (await loadTranslations(client, [caseId])).get(caseId);
    await audit(
      client,
      actorOf(user),
      "update",
      "case_text",
      `${caseId}:${language}`,
      before,
      after ? auditView(after, language) : null,
    );
  }
}

/** The field rows of the fields that changed; returns those fields. */
async function writeFields(
  client: pg.PoolClient,
  current: CaseTranslations,
  user: OfficeUser,
  language: string,
  fields: FieldName[],
  draft: Draft,
): Promise<FieldName[]> {
  const changed: FieldName[] = [];
  for (const field of fields) {
    const wanted = draft.get(field);
    if (!wanted) continue;
    const state = fieldState(current, language, field);
    if (wanted.text === "" && state.text === "") continue;
    const textChanged = wanted.text !== state.text;
    if (!textChanged && (wanted.status === KEEP || wanted.status === state.status)) continue;
    changed.push(field);
    if (wanted.text === "") {
      await client.query("DELETE FROM case_text_fields WHERE case_id = $1 AND language = $2 AND field = $3", [
        current.caseId,
        language,
        field,
      ]);
      continue;
    }
    // A new text left "outdated" is a new draft: it has not been approved yet.
    const status: StoredStatus = wanted.status === KEEP ? "draft" : wanted.status;
    const sourceRevision = current.sourceRevisions[field] ?? 1;
    const approved = status === "approved";
    await client.query(
      `INSERT INTO case_text_fields (case_id, language, field, status, revision, source_revision, updated_by,
         edited_by, published_text, published_source_revision)
       VALUES ($1, $2, $3, $4, $5, $6::int, $7, $8, CASE WHEN $9::boolean THEN $10::text END,
         CASE WHEN $9::boolean THEN $6::int END)
       ON CONFLICT (case_id, language, field) DO UPDATE SET status = EXCLUDED.status,
         revision = EXCLUDED.revision, source_revision = EXCLUDED.source_revision,
         updated_by = EXCLUDED.updated_by, updated_at = now(),
         edited_by = CASE WHEN $11::boolean THEN EXCLUDED.edited_by ELSE case_text_fields.edited_by END,
         published_text = CASE WHEN $9::boolean THEN $10::text ELSE case_text_fields.published_text END,
         published_source_revision =
           CASE WHEN $9::boolean THEN $6::int ELSE case_text_fields.published_source_revision END`,
      [
        current.caseId,
        language,
        field,
        status,
        state.revision + (textChanged ? 1 : 0),
        sourceRevision,
        user.id,
        textChanged ? user.id : state.editedBy,
        approved,
        wanted.text,
        textChanged,
      ],
    );
  }
  return changed;
}

/** The working texts: the case's own in case_texts, each target's in target_texts. */
async function writeTexts(
  client: pg.PoolClient,
  current: CaseTranslations,
  language: string,
  changed: FieldName[],
  draft: Draft,
): Promise<void> {
  const stored = current.texts.get(language) ?? {};
  const text = (field: FieldName) => draft.get(field)?.text ?? stored[field] ?? "";
  const texts = emptyTexts();
  for (const field of FIELDS) texts[field] = text(field);
  const columns = FIELDS.join(", ");
  const values = FIELDS.map((_, i) => `$${i + 3}`).join(", ");
  const updates = FIELDS.map((f, i) => `${f} = $${i + 3}`).join(", ");
  await client.query(
    `INSERT INTO case_texts (case_id, language, ${columns}, public) VALUES ($1, $2, ${values}, false)
     ON CONFLICT (case_id, language) DO UPDATE SET ${updates}`,
    [current.caseId, language, ...FIELDS.map((f) => texts[f])],
  );
  const targets = new Set<number>();
  for (const field of changed) {
    const parsed = parseField(field);
    if (parsed?.kind === "target") targets.add(parsed.targetId);
  }
  for (const targetId of targets) {
    const parts = Object.fromEntries(TARGET_PARTS.map((p) => [p, text(targetField(targetId, p))])) as Record<
      TargetPart,
      string
    >;
    await client.query(
      `INSERT INTO target_texts (target_id, language, title, salutation, address) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (target_id, language) DO UPDATE SET title = $3, salutation = $4, address = $5`,
      [targetId, language, parts.title, parts.salutation, parts.address],
    );
  }
}

/**
 * Sets which languages of the given sections need a second person to approve. `wanted` holds
 * `<section id>|<tag>` for each ticked box; only the sections given are touched.
 */
export async function setReviewLanguages(
  pool: pg.Pool,
  user: OfficeUser,
  sectionIds: number[],
  wanted: Set<string>,
): Promise<void> {
  await withTransaction(pool, async (client) => {
    const sections = await client.query<{ id: number; languages: string[]; review_languages: string[] }>(
      "SELECT id, languages, review_languages FROM sections WHERE id = ANY($1) ORDER BY id FOR UPDATE",
      [sectionIds],
    );
    for (const section of sections.rows) {
      const next = section.languages.filter((l) => wanted.has(`${section.id}|${l.toLowerCase()}`));
      if (next.join(",") === section.review_languages.join(",")) continue;
      await client.query("UPDATE sections SET review_languages = $2 WHERE id = $1", [section.id, next]);
      await audit(
        client,
        actorOf(user),
        "review-languages",
        "section",
        section.id,
        { reviewLanguages: section.review_languages },
        { reviewLanguages: next },
      );
    }
  });
}
