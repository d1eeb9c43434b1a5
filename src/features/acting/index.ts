// What other features may use of acting; everything else in this folder is its own.

export type { Consent, ConsentInput, ConsentSource, Notice } from "./consents.js";
export { consentsOf, noticeHash, recordConsent, withdrawConsents } from "./consents.js";
export { type Done, doneOf, type FormName, type FormState } from "./forms.js";
export { ActForms } from "./forms-view.js";
export { actingRoutes } from "./routes.js";
export type { WallMessage } from "./wall.js";
export { solidarityWall } from "./wall.js";
export { SolidarityWall } from "./wall-view.js";
