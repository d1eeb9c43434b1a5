import type pg from "pg";
import { withTransaction } from "../../../platform/db/transaction.js";
import { Problem } from "../../../platform/http/problems.js";
import { fieldLabel } from "../../cases/index.js";
import { type OfficeUser, ot } from "../../office/index.js";
import {
  type FieldName,
  maxLength as fieldMaxLength,
  fieldState,
  isFieldName,
  loadTranslations,
  translatableFields,
} from "../fields.js";
import type { Draft } from "../model.js";
import { writeTranslation } from "../queries.js";
import {
  type ExportUnit,
  exchangeKey,
  fileProblem,
  type ReadFile,
  type ReadUnit,
  signatureMatches,
} from "./units.js";

// Case texts as exchange units: one unit per translatable field of each case, with the id
// "case/<slug>/<field>" (slugs and field names never change), over every translatable field —
// whatever fields the translations model has, the exchange carries them.

export interface ExchangeCase {
  id: number;
  slug: string;
  sourceLanguage: string;
}

const unitId = (slug: string, field: string) => `case/${slug}/${field}`;
const maxLength = (field: FieldName): number | undefined => fieldMaxLength(field) || undefined;
const label = (field: FieldName): string => fieldLabel(field);

/** The units of the cases (those written in `sourceLanguage`) for a translation into `language`. */
export async function caseUnits(
  db: pg.Pool,
  cases: ExchangeCase[],
  sourceLanguage: string,
  language: string,
): Promise<ExportUnit[]> {
  const written = cases.filter((c) => c.sourceLanguage === sourceLanguage && c.sourceLanguage !== language);
  const states = await loadTranslations(
    db,
    written.map((c) => c.id),
  );
  const units: ExportUnit[] = [];
  for (const c of written) {
    const entry = states.get(c.id);
    if (!entry) continue;
    for (const field of translatableFields(entry)) {
      const source = fieldState(entry, entry.sourceLanguage, field).text;
      if (source === "") continue;
      const target = fieldState(entry, language, field);
      const max = maxLength(field);
      units.push({
        id: unitId(c.slug, field),
        source,
        target: target.text,
        status: target.status,
        revision: String(entry.sourceRevisions[field]),
        notes: [
          `Field: ${label(field)}`,
          ...(max ? [`At most ${max.toLocaleString("en")} characters`] : []),
          ...(target.status === "outdated"
            ? ["Outdated: the source changed after this was translated; update the translation"]
            : []),
        ],
        ...(max ? { maxLength: max } : {}),
      });
    }
  }
  return units;
}

export interface ImportOutcome {
  /** Units written, with the status they got. */
  imported: { id: string; status: "needs_review" | "approved" }[];
  /** Units refused because their source changed after the export. */
  refused: { id: string; line: number; reason: string }[];
  /** Units left as they are: no target, or the same text and status. */
  unchanged: number;
}

interface Placed {
  unit: ReadUnit;
  caseId: number;
  field: FieldName;
}

/**
 * Imports a case file in one transaction: every unit is checked first (ids, source texts, the
 * signature, lengths) with the cases locked, and any problem refuses the whole file. Units whose
 * source moved on since the export are left out and listed; the others are written through the
 * editor's own write (audit, revisions, public state).
 */
export async function importCaseFile(
  pool: pg.Pool,
  user: OfficeUser,
  file: ReadFile,
  approve: boolean,
): Promise<ImportOutcome> {
  const secret = await exchangeKey(pool);
  const language = file.targetLanguage;
  return withTransaction(pool, async (client) => {
    const placed: Placed[] = [];
    const slugs = new Set<string>();
    const parsed = file.units.map((unit) => {
      const match = /^case\/([^/]+)\/([^/]+)$/.exec(unit.id);
      const field = match?.[2];
      if (!match || !field || !isFieldName(field))
        throw fileProblem("unknown_unit", "unknownUnit", { id: unit.id }, unit.line, unit.id);
      slugs.add(match[1] as string);
      return { unit, slug: match[1] as string, field };
    });
    // Locked in id order, like every writer of a case: a source edit waits, or is seen.
    const cases = await client.query<{ id: number; slug: string }>(
      "SELECT id, slug FROM cases WHERE slug = ANY($1) ORDER BY id FOR UPDATE",
      [[...slugs]],
    );
    const idOf = new Map(cases.rows.map((r) => [r.slug, r.id]));
    const states = await loadTranslations(
      client,
      cases.rows.map((r) => r.id),
    );
    const refused: ImportOutcome["refused"] = [];
    const current: Placed[] = [];
    for (const { unit, slug, field } of parsed) {
      const entry = states.get(idOf.get(slug) ?? -1);
      if (!entry || !translatableFields(entry).includes(field))
        throw fileProblem("unknown_unit", "noCaseText", { id: unit.id }, unit.line, unit.id);
      if (entry.sourceLanguage !== file.sourceLanguage || entry.sourceLanguage === language)
        throw fileProblem(
          "wrong_source_language",
          "wrongSourceLanguage",
          { id: unit.id, written: entry.sourceLanguage, says: file.sourceLanguage },
          unit.line,
          unit.id,
        );
      const revision = String(entry.sourceRevisions[field]);
      if (unit.revision === revision && unit.source !== fieldState(entry, entry.sourceLanguage, field).text)
        throw fileProblem("source_altered", "sourceAltered", { id: unit.id }, unit.line, unit.id);
      placed.push({ unit, caseId: entry.caseId, field });
      if (unit.revision !== revision)
        refused.push({
          id: unit.id,
          line: unit.line,
          reason: ot("office.exchange.reason.changed", { was: unit.revision || "?", now: revision }),
        });
      else current.push({ unit, caseId: entry.caseId, field });
    }
    if (placed.length === 0) throw new Problem(422, "no_units", "The file has no units to import.");
    if (!signatureMatches(secret, file))
      throw fileProblem("signature_mismatch", "signatureMismatch", {}, file.signatureLine);
    const drafts = new Map<number, Draft>();
    let unchanged = 0;
    const imported: ImportOutcome["imported"] = [];
    for (const { unit, caseId, field } of current) {
      const target = unit.target.trim();
      const max = maxLength(field);
      if (max && target.length > max)
        throw fileProblem(
          "target_too_long",
          "targetTooLong",
          { id: unit.id, length: target.length, max },
          unit.line,
          unit.id,
        );
      const entry = states.get(caseId);
      if (!entry || target === "") {
        unchanged++;
        continue;
      }
      const state = fieldState(entry, language, field);
      const status = approve && unit.final ? "approved" : "needs_review";
      // The same text is not sent back for review: an import never lowers an approval.
      if (target === state.text && (state.status === "approved" || state.status === status)) {
        unchanged++;
        continue;
      }
      let draft = drafts.get(caseId);
      if (!draft) {
        draft = new Map();
        drafts.set(caseId, draft);
      }
      draft.set(field, { text: target, status });
      imported.push({ id: unit.id, status });
    }
    for (const [caseId, draft] of drafts) {
      await writeTranslation(client, user, caseId, language, [...draft.keys()], draft);
    }
    return { imported, refused, unchanged };
  });
}
