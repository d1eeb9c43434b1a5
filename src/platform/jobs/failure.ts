import type { FastifyBaseLogger } from "fastify";
import { databaseUnavailable } from "../db/errors.js";

// A background job (retention, pack builds, invalidation) that fails because the database is
// away will run again when it is back; the outage itself is logged once by the requests that
// meet it (OutageLog). So such a failure is a warning with the reason, not an error with a stack;
// anything else is a bug worth its stack.

export function logJobFailure(log: FastifyBaseLogger, message: string, error: unknown): void {
  if (databaseUnavailable(error)) log.warn(`${message} (database unavailable): ${(error as Error).message}`);
  else log.error({ err: error }, message);
}
