// What other features may use of sections; everything else in this folder is its own.

export type { Section } from "./queries.js";
export { sectionsCache } from "./queries.js";
