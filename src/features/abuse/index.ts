// What other features may use of abuse defence; everything else in this folder is its own.

export { encodePayload } from "./challenge.js";
export { ActionGate, emailDomain, type GateVerdict } from "./gate.js";
export { activityRoutes } from "./office.js";
export { abuseRoutes, WORKER_PATH } from "./routes.js";
