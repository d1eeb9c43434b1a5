import type pg from "pg";
import { UI_LOCALES } from "../../platform/i18n/locales.js";
import { type CaseTranslations, type FieldName, isPublishable, loadTranslations } from "./fields.js";

// Which translations the public site shows, and the writes that keep that true.

type Db = pg.Pool | pg.PoolClient;

/**
 * Languages in use: the interface's, the sections', the cases' texts', and those an admin opened.
 * A language is listed once whatever the case of its tag.
 */
export async function languagesInUse(db: Db): Promise<string[]> {
  const result = await db.query<{ language: string }>(
    `SELECT unnest(languages) AS language FROM sections
     UNION SELECT language FROM case_texts
     UNION SELECT language FROM translation_languages
     UNION SELECT source_language FROM cases`,
  );
  const seen = new Map<string, string>();
  for (const language of [...result.rows.map((r) => r.language), ...UI_LOCALES]) {
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
        `INSERT INTO case_text_fields (case_id, language, field, status, revision, source_revision,
           published_text, published_source_revision)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
        [
          entry.caseId,
          language,
          field,
          row.status,
          row.revision,
          row.sourceRevision,
          row.publishedText,
          row.publishedSourceRevision,
        ],
      );
    }
  }
  entry.implied.clear();
}

/**
 * A substantial source change (a new ask, a release): the translations of the field's older
 * revisions leave the public site until someone approves them again.
 */
export async function withdrawPublished(
  client: pg.PoolClient,
  caseId: number,
  sourceLanguage: string,
  field: FieldName,
  revision: number,
): Promise<void> {
  await client.query(
    `UPDATE case_text_fields SET published_text = NULL, published_source_revision = NULL
      WHERE case_id = $1 AND field = $2 AND language <> $3
        AND coalesce(published_source_revision, 0) < $4`,
    [caseId, field, sourceLanguage, revision],
  );
}

/**
 * Sets which of a case's texts the public site may show: the source language always, a
 * translation while its required fields have an approved text. Returns the languages whose
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
