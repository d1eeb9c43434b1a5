// Which errors mean "the database cannot be reached or cannot work right now" — the request
// was fine and may succeed when retried — as opposed to a bug or bad input. They are answered
// 503 with Retry-After, and logged once per outage rather than once per request.

/** Socket errors of a connection that could not be made or was cut. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** What pg and pg-pool throw, without a code, when a connection ends, cannot start or times out. */
const MESSAGES = [
  "connection terminated",
  "client has encountered a connection error and is not queryable",
  "timeout exceeded when trying to connect",
  "query read timeout",
  "cannot use a pool after calling end",
  "client was closed and is not queryable",
];

/**
 * SQLSTATE: class 08 connection exception; 57P01–57P03 admin/crash shutdown, cannot connect now;
 * class 53 insufficient resources (53100 disk full); class 58 system error; 57014 statement
 * timeout (query_canceled).
 */
function unavailableState(code: string): boolean {
  if (!/^[0-9A-Z]{5}$/.test(code)) return false;
  const cls = code.slice(0, 2);
  return cls === "08" || cls === "53" || cls === "58" || ["57P01", "57P02", "57P03", "57014"].includes(code);
}

export function databaseUnavailable(error: unknown): boolean {
  return unavailable(error, 0);
}

function unavailable(error: unknown, depth: number): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  // The ledger says so itself (the batcher's error), without importing the ledger here.
  if ((error as { name?: unknown }).name === "LedgerUnavailableError") return true;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || unavailableState(code))) return true;
  if (typeof message === "string") {
    const lower = message.toLowerCase();
    if (MESSAGES.some((m) => lower.includes(m))) return true;
  }
  // A connection attempt to several addresses (localhost: ::1 and 127.0.0.1) fails as one AggregateError.
  if (Array.isArray(errors) && errors.some((e) => unavailable(e, depth + 1))) return true;
  return unavailable(cause, depth + 1);
}
