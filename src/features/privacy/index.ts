// What other parts of Inkwell may use of personal data: the public /privacy pages, the office's
// look-up, the command line, and retention (src/features/privacy/holdings.ts is where personal
// data is found and erased).

export { findHoldings, type Holdings } from "./holdings.js";
export { privacyOfficeRoutes } from "./office-routes.js";
export { formatRetention, retentionPlan, runRetention } from "./retention.js";
export { privacyRoutes } from "./routes.js";
export { erasePerson, holdingsJson } from "./service.js";
