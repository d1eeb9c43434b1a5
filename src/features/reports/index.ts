// What other features may use of reports; everything else in this folder is its own.

export { seesReport } from "./policy.js";
export type { ReportRow } from "./queries.js";
export { listReports } from "./queries.js";
