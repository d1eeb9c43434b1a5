// What other features may use of events; everything else in this folder is its own.

export {
  formatInZone,
  isTimeZone,
  localToInstant,
  RSVP_RETENTION_DAYS,
  TIME_ZONES,
  toLocalInput,
} from "./model.js";
export type { EventOwnership } from "./policy.js";
export { managesEvent } from "./policy.js";
