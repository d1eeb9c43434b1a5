// What other features may use of invalidation.

export { invalidationRoutes } from "./routes.js";
export { kickInvalidations, startInvalidations } from "./start.js";
export { heldByJob, lockSelections, takeHanded } from "./store.js";
