// Which failures mean "the database cannot be reached or cannot work right now" (answer 503 and
// retry later) rather than "this request is wrong" or "this code is wrong" (a bug, 500).

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
// node-postgres reports these without a code.
const DRIVER_MESSAGES = [
  "timeout exceeded when trying to connect",
  "connection terminated",
  "query read timeout",
  "client has encountered a connection error",
  "cannot use a pool after calling end",
  "client was closed and is not queryable",
];

export function databaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // The ledger says so itself (the batcher's error), without importing the ledger here.
  if (error.name === "LedgerUnavailableError") return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (NETWORK_CODES.has(code)) return true;
    // SQLSTATE: 08 connection, 53 insufficient resources (53100 disk full), 58 system error (I/O),
    // 57P01-03 the server is shutting down or restarting, 57014 the statement timed out.
    if (/^(08|53|58)[0-9A-Z]{3}$/.test(code)) return true;
    if (code === "57P01" || code === "57P02" || code === "57P03" || code === "57014") return true;
  }
  const message = error.message.toLowerCase();
  if (DRIVER_MESSAGES.some((m) => message.includes(m))) return true;
  return error.cause !== undefined && error.cause !== error && databaseUnavailable(error.cause);
}
