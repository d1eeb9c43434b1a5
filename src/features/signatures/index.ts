// What other features may use of signatures; everything else in this folder is its own.

export { confirmSignature, withdrawSignature } from "./confirm.js";
export { isToken, linkPath } from "./links.js";
export { sendReminders } from "./reminders.js";
export { signatureRoutes } from "./routes.js";
export { isPersonalSignature, type Signer, type SignResult, sign } from "./sign.js";
export { isWithdrawLink, type PendingCount, pendingByCase } from "./store.js";
