import { type Errors, officeMessages, ot } from "../office/index.js";
import {
  type CaseTranslations,
  type FieldName,
  fieldState,
  maxLength,
  type StoredStatus,
  translatableFields,
} from "./fields.js";
import { KEEP, type TranslationBody } from "./schemas.js";

export { KEEP };

// A translation as the editor posts it: per field a text and a status, checked as a whole
// (a text is needed before review or approval) once the schema has checked each field.

/** The status choice that leaves an outdated field as it is. */
export type Choice = StoredStatus | typeof KEEP;

export type Draft = Map<FieldName, { text: string; status: Choice }>;

export function draftOf(body: TranslationBody, fields: FieldName[]): Draft {
  const draft: Draft = new Map();
  for (const field of fields) {
    const text = body[`text-${field}`];
    const status = body[`status-${field}`] as Choice | undefined;
    // Only the fields the form sent: a missing one is left as it is.
    if (text === undefined && status === undefined) continue;
    draft.set(field, { text: (text ?? "").replace(/\r\n?/g, "\n"), status: status ?? "draft" });
  }
  return draft;
}

/** Lengths are counted once line endings are uniform, as the text is stored. */
export function validate(draft: Draft): Errors {
  const errors: Errors = {};
  for (const [field, { text, status }] of draft) {
    if (text === "" && (status === "approved" || status === "needs_review"))
      errors[`text-${field}`] = "office.translations.error.empty";
    if (text.length > maxLength(field))
      errors[`text-${field}`] = ot("office.translations.error.tooLong", {
        max: officeMessages().number(maxLength(field)),
      });
  }
  return errors;
}

export type StatusCounts = Record<
  "approved" | "outdated" | "missing" | "draft" | "needs_review" | "total",
  number
>;

export function countStatuses(entry: CaseTranslations, language: string): StatusCounts {
  const counts = { approved: 0, outdated: 0, missing: 0, draft: 0, needs_review: 0, total: 0 };
  for (const field of translatableFields(entry)) {
    counts[fieldState(entry, language, field).status]++;
    counts.total++;
  }
  return counts;
}

/** One language of a case for the audit log: each field's text and status, and publicness. */
export function auditView(entry: CaseTranslations, language: string) {
  return {
    language,
    public: entry.publicLanguages.has(language),
    fields: Object.fromEntries(
      translatableFields(entry).map((field) => {
        const state = fieldState(entry, language, field);
        return [
          field,
          {
            text: state.text,
            status: state.status,
            sourceRevision: state.sourceRevision,
            published: state.publicText !== null,
          },
        ];
      }),
    ),
  };
}
