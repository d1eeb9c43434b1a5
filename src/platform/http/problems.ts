import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import type { OutageLog } from "./outage.js";

// Errors as application/problem+json (RFC 9457): a stable machine-readable `code`, and a
// message a person can act on.

export interface FieldError {
  field: string;
  message: string;
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  406: "Not Acceptable",
  409: "Conflict",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply
    .code(problem.status)
    .type("application/problem+json")
    .send(
      JSON.stringify({
        type: `/problems/${problem.code}`,
        title: TITLES[problem.status] ?? "Error",
        status: problem.status,
        code: problem.code,
        detail: problem.message,
        ...problem.extra,
      }),
    );
}

function validationProblem(error: FastifyError): Problem {
  const errors: FieldError[] = (error.validation ?? []).map((v) => {
    const missing = (v.params as { missingProperty?: string }).missingProperty;
    const extra = (v.params as { additionalProperty?: string }).additionalProperty;
    const base = v.instancePath.replace(/^\//, "").replaceAll("/", ".");
    const field = [base, missing ?? extra].filter(Boolean).join(".") || (error.validationContext ?? "body");
    const allowed = (v.params as { allowedValues?: unknown[] }).allowedValues;
    const message = missing
      ? "is required"
      : extra
        ? "is not a known field"
        : allowed
          ? `must be one of ${allowed.join(", ")}`
          : (v.message ?? "is invalid");
    return { field, message };
  });
  const where = error.validationContext ?? "body";
  const summary = errors.map((e) => `${e.field} ${e.message}`).join("; ");
  return new Problem(400, "validation_failed", `The request ${where} is invalid: ${summary}`, { errors });
}

/** Maps Fastify's own errors (parsing, limits, validation) and ours to problem responses. */
export function problemFor(error: FastifyError | Problem): Problem {
  if (error instanceof Problem) return error;
  if (error.validation) return validationProblem(error);
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new Problem(413, "body_too_large", "The request body is too large.");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new Problem(415, "unsupported_media_type", "Send the body as application/json.");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new Problem(400, "empty_body", "The request body is empty; send a JSON object.");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new Problem(400, "malformed_json", "The request body is not valid JSON.");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new Problem(400, "malformed_body", error.message);
    case "FST_REQ_FILE_TOO_LARGE":
      return new Problem(413, "file_too_large", "The file is too large: upload at most 10 MB.");
    case "FST_FILES_LIMIT":
      return new Problem(413, "too_many_files", "Upload one file at a time.");
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return new Problem(400, "malformed_json", `The request body is not valid JSON: ${error.message}`);
  }
  const status = error.statusCode ?? 500;
  if (status === 429) return new Problem(429, "rate_limited", error.message);
  if (status >= 400 && status < 500) return new Problem(status, "bad_request", error.message);
  return new Problem(500, "internal_error", "Something went wrong on our side; the action was not stored.");
}

/** How long a client is asked to wait when the database cannot be reached (Retry-After, seconds). */
export const UNAVAILABLE_RETRY_AFTER = 5;

/**
 * The answer to a request that failed because the database (or the ledger writing to it) could
 * not be reached: a 503 that asks to try again, logged once per outage (see OutageLog).
 */
export function unavailableProblem(error: unknown, ledger: boolean): Problem {
  return new Problem(
    503,
    ledger ? "ledger_unavailable" : "database_unavailable",
    ledger
      ? `${(error as Error).message}; nothing was stored, please try again.`
      : "The database cannot be reached right now; nothing was changed. Please try again in a few seconds.",
  );
}

export interface Unavailability {
  /**
   * Whether an error means the ledger refused to store (`ledger`) or the database cannot be
   * reached (`outage`; both when the ledger refused because of it); undefined for any other.
   */
  kind(error: unknown): { ledger: boolean; outage: boolean } | undefined;
  log: OutageLog;
}

/**
 * Maps an error to its problem and logs what needs logging: outages once per state change,
 * other 503s (shutting down, busy) at info, a 5xx that is a bug at error with its stack, and
 * nothing for the client's own mistakes. Sets Retry-After on a 503 that has none.
 */
export function answerError(
  error: FastifyError | Problem,
  request: FastifyRequest,
  reply: FastifyReply,
  unavailable: Unavailability | undefined,
  what = "request failed",
): Problem {
  const kind = unavailable?.kind(error);
  const problem = kind ? unavailableProblem(error, kind.ledger) : problemFor(error);
  if (kind?.outage) unavailable?.log.failed(error, request);
  else if (problem.status === 503) request.log.info({ code: problem.code }, `${what}: ${problem.message}`);
  else if (problem.status >= 500) request.log.error({ err: error }, what);
  if (problem.status === 503 && !reply.hasHeader("retry-after"))
    reply.header("retry-after", String(UNAVAILABLE_RETRY_AFTER));
  return problem;
}

/** Renders a problem as a page for people (pages and forms), instead of JSON for programs. */
export type ProblemPage = (request: FastifyRequest, reply: FastifyReply, problem: Problem) => unknown;

export function installProblemHandlers(
  app: {
    setErrorHandler: (h: (e: FastifyError, req: FastifyRequest, reply: FastifyReply) => unknown) => unknown;
  },
  page?: () => ProblemPage | undefined,
  unavailable?: Unavailability,
): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = answerError(error, request, reply, unavailable);
    const forPeople = !request.url.startsWith("/api/") && page?.();
    // A page for people, also when the database is away (a 503 says: come back soon); a bug's
    // 500 stays a plain problem, since rendering a page might fail the same way.
    if (forPeople && (problem.status < 500 || problem.status === 503))
      return forPeople(request, reply, problem);
    return sendProblem(reply, problem);
  });
}

/** Unknown API paths answer with a problem; anything else with the page a browser expects. */
export function notFoundHandler(page: (request: FastifyRequest, reply: FastifyReply) => unknown) {
  return (request: FastifyRequest, reply: FastifyReply) =>
    request.url.startsWith("/api/") || request.method !== "GET"
      ? sendProblem(reply, new Problem(404, "not_found", `Nothing here: ${request.method} ${request.url}`))
      : page(request, reply);
}
