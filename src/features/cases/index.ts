// What other features may use of cases; everything else in this folder is its own.

export type { StoredCase } from "./office/model.js";
export { FIELD_LABELS, fieldLabel, MAX_LENGTH, TEXT_FORM_LIMIT } from "./office/model.js";
export { loadCase } from "./office/queries.js";
export { CaseCards } from "./public/case-cards.js";
export type { CaseParams, SiteDeps } from "./public/routes.js";
