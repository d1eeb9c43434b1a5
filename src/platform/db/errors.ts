import { connectionLost } from "./connection-lost.js";

// Which errors mean "the database cannot be reached or cannot work right now" — the request
// was fine and may succeed when retried — as opposed to a bug or bad input. They are answered
// 503 with Retry-After, and logged once per outage rather than once per request.

/** A pool this node closed (it is shutting down) cannot be used, and says so without a code. */
const CLOSED_POOL = "cannot use a pool after calling end";

/**
 * Beyond a lost connection (connection-lost.ts), a server that answers but cannot work now:
 * SQLSTATE class 53 insufficient resources (53100 disk full), class 58 system error, 57014
 * statement timeout (query_canceled).
 */
function serverCannotWork(code: string): boolean {
  return /^(53|58)[0-9A-Z]{3}$/.test(code) || code === "57014";
}

export function databaseUnavailable(error: unknown): boolean {
  return unavailable(error, 0);
}

function unavailable(error: unknown, depth: number): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  const { name, code, message, cause, errors } = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  // The ledger says so itself (the batcher's error), without importing the ledger here.
  if (name === "LedgerUnavailableError") return true;
  if (connectionLost(error)) return true;
  if (typeof code === "string" && serverCannotWork(code)) return true;
  if (typeof message === "string" && message.toLowerCase().includes(CLOSED_POOL)) return true;
  // A connection attempt to several addresses (localhost: ::1 and 127.0.0.1) fails as one AggregateError.
  if (Array.isArray(errors) && errors.some((e) => unavailable(e, depth + 1))) return true;
  return cause !== error && unavailable(cause, depth + 1);
}
