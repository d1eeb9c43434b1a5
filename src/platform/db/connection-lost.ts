// Among the failures of the database (see errors.ts), those of the connection itself: refused,
// reset, timed out, or the server going away. They make the database unreachable, may be
// retried at once on a new connection, and leave nothing to roll back on the old one.

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
  "client was closed and is not queryable",
];

export function connectionLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (NETWORK_CODES.has(code) || code.startsWith("08")) return true;
    // 57P01 terminated by the administrator, 57P02 crash of another backend, 57P03 shutting down.
    if (code === "57P01" || code === "57P02" || code === "57P03") return true;
  }
  const message = error.message.toLowerCase();
  if (DRIVER_MESSAGES.some((m) => message.includes(m))) return true;
  return error.cause !== undefined && error.cause !== error && connectionLost(error.cause);
}
