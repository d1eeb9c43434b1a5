// What other features may use of translations; everything else in this folder is its own.

export type {
  CaseField,
  CaseTranslations,
  FieldName,
  FieldTexts,
  LanguageProgress,
  TargetPart,
  Texts,
} from "./fields.js";
export {
  emptyTexts,
  FIELDS,
  fieldState,
  languageProgress,
  loadTranslations,
  MAX_LENGTH,
  maxLength,
  parseField,
  TARGET_MAX_LENGTH,
  TARGET_PARTS,
  targetField,
} from "./fields.js";
export { entitySourceChanges, type SourceChange } from "./history.js";
export { SourceDiff } from "./parts.js";
export { mayApprove, translatesInto } from "./policy.js";
export type { TranslationProgress } from "./progress.js";
export { translationProgress } from "./progress.js";
export { languagesInUse, materialize, refreshPublic, withdrawPublished } from "./publication.js";
export { reviewRequired } from "./queries.js";
export type { TranslationUnit } from "./units.js";
export { translationUnits } from "./units.js";
