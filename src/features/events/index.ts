// What other features may use of events; everything else in this folder is its own.
export type { EventOwnership } from "./policy.js";
export { managesEvent } from "./policy.js";
