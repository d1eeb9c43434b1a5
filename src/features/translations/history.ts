import { diffWordsWithSpace } from "diff";
import type pg from "pg";
import {
  type EntityText,
  sourceRevision,
  sourceTextsAt,
  type TextOwner,
  textState,
} from "../../core/catalog/entity-texts.js";
import type { CaseTranslations, FieldName } from "./fields.js";
import { fieldState, translatableFields } from "./fields.js";

// What changed in the source since a translator translated it: the source text of every
// revision is kept (case_source_revisions), so the editor shows an exact word-level diff
// between the revision she translated and the current one. jsdiff's diffWordsWithSpace, not
// diffWords: the latter folds whitespace into neighbouring words, so its parts do not add up to
// either text (a line break moved would be lost); with spaces as tokens both texts rebuild exactly.

export interface Change {
  kind: "same" | "added" | "removed";
  text: string;
}

/** Word by word, from the old source to the new one. */
export function wordDiff(before: string, after: string): Change[] {
  return diffWordsWithSpace(before, after).map((part) => ({
    kind: part.added ? "added" : part.removed ? "removed" : "same",
    text: part.value,
  }));
}

export interface SourceChange {
  /** The source revision the translation was made from, and the current one. */
  from: number;
  to: number;
  /** Undefined when the older text was not kept (it predates the revision history). */
  changes?: Change[];
  /** A revision after the translated one was marked substantial. */
  substantial: boolean;
}

/**
 * For each outdated field of a translation: what changed in its source since the revision it
 * was translated from.
 */
export async function sourceChanges(
  db: pg.Pool | pg.PoolClient,
  entry: CaseTranslations,
  language: string,
): Promise<Map<FieldName, SourceChange>> {
  const wanted = translatableFields(entry)
    .map((field) => ({ field, state: fieldState(entry, language, field) }))
    .filter(({ state }) => state.status === "outdated" && state.sourceRevision !== null);
  const result = new Map<FieldName, SourceChange>();
  if (wanted.length === 0) return result;
  const rows = await db.query<{ field: FieldName; revision: number; text: string; substantial: boolean }>(
    "SELECT field, revision, text, substantial FROM case_source_revisions WHERE case_id = $1 AND field = ANY($2)",
    [entry.caseId, wanted.map((w) => w.field)],
  );
  for (const { field, state } of wanted) {
    const from = state.sourceRevision ?? 0;
    const to = entry.sourceRevisions[field] ?? 1;
    const revisions = rows.rows.filter((r) => r.field === field);
    const before = revisions.find((r) => r.revision === from)?.text;
    const current = entry.texts.get(entry.sourceLanguage)?.[field] ?? "";
    result.set(field, {
      from,
      to,
      changes: before === undefined ? undefined : wordDiff(before, current),
      substantial: revisions.some((r) => r.substantial && r.revision > from && r.revision <= to),
    });
  }
  return result;
}

/**
 * The same for an edition's or a section's own texts: each outdated field of `language`, with
 * the word diff of its source from the revision translated to the current one (revisions from
 * before the history was kept have no text: the change is then named without its words).
 */
export async function entitySourceChanges(
  db: pg.Pool | pg.PoolClient,
  owner: TextOwner,
  id: number,
  texts: EntityText[],
  source: string,
  language: string,
  fields: readonly string[],
): Promise<Map<string, SourceChange>> {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const wanted = fields.filter((f) => textState(texts, source, language, f) === "outdated");
  const result = new Map<string, SourceChange>();
  if (wanted.length === 0) return result;
  const kept = await sourceTextsAt(db, owner, id, wanted);
  for (const field of wanted) {
    const row = texts.find((t) => same(t.language, language) && t.field === field);
    const from = row?.sourceRevision ?? 0;
    const before = kept.get(field)?.get(from);
    const current = texts.find((t) => same(t.language, source) && t.field === field)?.text ?? "";
    result.set(field, {
      from,
      to: sourceRevision(texts, source, field),
      changes: before === undefined ? undefined : wordDiff(before, current),
      // Editions and sections have no "substantial" mark: an outdated text stays public.
      substantial: false,
    });
  }
  return result;
}
