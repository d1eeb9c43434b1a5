import type pg from "pg";
import { withTransaction } from "../../platform/db/transaction.js";
import type { OfficeUser } from "../office/index.js";
import { actorOf, audit, notFound } from "../office/index.js";
import {
  emptyTexts,
  type FieldName,
  fieldState,
  loadTranslations,
  materialize,
  refreshPublic,
  type StoredStatus,
} from "./fields.js";
import { auditView, type Draft, KEEP } from "./model.js";

// The writes of the translation pages.

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

/**
 * Writes the fields of one translation that changed, each with its status and the source
 * revision it was translated from, then re-checks which texts the public site shows.
 */
export async function saveTranslation(
  pool: pg.Pool,
  user: OfficeUser,
  caseId: number,
  language: string,
  fields: FieldName[],
  draft: Draft,
): Promise<void> {
  await withTransaction(pool, (client) => writeTranslation(client, user, caseId, language, fields, draft));
}

/** saveTranslation's work on a transaction's client: a file import writes many cases in one. */
export async function writeTranslation(
  client: pg.PoolClient,
  user: OfficeUser,
  caseId: number,
  language: string,
  fields: FieldName[],
  draft: Draft,
): Promise<void> {
  {
    // The case row is the lock that orders translations and source edits of one case.
    await client.query("SELECT 1 FROM cases WHERE id = $1 FOR UPDATE", [caseId]);
    const current = (await loadTranslations(client, [caseId])).get(caseId);
    if (!current) throw notFound("This translation");
    await materialize(client, current);
    const before = auditView(current, language);
    let changed = false;
    const texts = { ...emptyTexts(), ...current.texts.get(language) };
    for (const field of fields) {
      const wanted = draft.get(field);
      if (!wanted) continue;
      const state = fieldState(current, language, field);
      if (wanted.text === "" && state.text === "") continue;
      const textChanged = wanted.text !== state.text;
      if (!textChanged && (wanted.status === KEEP || wanted.status === state.status)) continue;
      changed = true;
      texts[field] = wanted.text;
      if (wanted.text === "") {
        await client.query(
          "DELETE FROM case_text_fields WHERE case_id = $1 AND language = $2 AND field = $3",
          [caseId, language, field],
        );
        continue;
      }
      // A new text left "outdated" is a new draft: it has not been approved yet.
      const status: StoredStatus = wanted.status === KEEP ? "draft" : wanted.status;
      await client.query(
        `INSERT INTO case_text_fields (case_id, language, field, status, revision, source_revision, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (case_id, language, field) DO UPDATE SET status = EXCLUDED.status,
           revision = EXCLUDED.revision, source_revision = EXCLUDED.source_revision,
           updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [
          caseId,
          language,
          field,
          status,
          state.revision + (textChanged ? 1 : 0),
          current.sourceRevisions[field],
          user.id,
        ],
      );
    }
    if (!changed) return;
    await client.query(
      `INSERT INTO case_texts (case_id, language, title, summary, story, ask, sample_letter, photo_alt, public)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, false)
       ON CONFLICT (case_id, language) DO UPDATE SET title = $3, summary = $4, story = $5, ask = $6,
         sample_letter = $7, photo_alt = $8`,
      [
        caseId,
        language,
        texts.title,
        texts.summary,
        texts.story,
        texts.ask,
        texts.sample_letter,
        texts.photo_alt,
      ],
    );
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
