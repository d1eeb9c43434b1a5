// What other features may use of translations; everything else in this folder is its own.

export type { FieldName, LanguageProgress, Texts } from "./fields.js";
export {
  emptyTexts,
  FIELDS,
  languageProgress,
  languagesInUse,
  loadTranslations,
  materialize,
  refreshPublic,
} from "./fields.js";
export { translatesInto } from "./policy.js";
export type { TranslationProgress } from "./progress.js";
export { translationProgress } from "./progress.js";
