import {
  type CaseTranslations,
  type FieldName,
  maxLength,
  REQUIRED_FIELDS,
  translatableFields,
} from "./fields.js";

// The units of a case a translator translates, as one list: the editor shows them, and an
// exchange file (XLIFF, PO) carries one unit per entry.

export interface TranslationUnit {
  /** Stable across exports: `case/<slug>/<field>`. */
  id: string;
  field: FieldName;
  /** The current source text and its revision. */
  source: string;
  sourceRevision: number;
  maxLength: number;
  required: boolean;
}

/** Every unit a translator of this case translates, in the order the editor shows them. */
export function translationUnits(entry: CaseTranslations): TranslationUnit[] {
  const source = entry.texts.get(entry.sourceLanguage) ?? {};
  return translatableFields(entry).map((field) => ({
    id: `case/${entry.slug}/${field}`,
    field,
    source: source[field] ?? "",
    sourceRevision: entry.sourceRevisions[field] ?? 1,
    maxLength: maxLength(field),
    required: REQUIRED_FIELDS.includes(field),
  }));
}
