import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { malformedUpload } from "../../platform/http/multipart.js";
import { answerError, Problem, sendProblem, type Unavailability } from "../../platform/http/problems.js";
import { OFFICE, safeNext } from "./context.js";
import { sendPage } from "./form.js";
import { OfficeLayout } from "./layout.js";

// How the back office answers what went wrong: a page in its own layout, in plain words, with a
// way on. The public site's problem pages speak to readers of a case in their language; staff
// need to know which permission, which form or which link it was. Programs asking for JSON get
// problem+json as from the API.

// @fastify/csrf-protection's errors: a form sent from a page older than its secret, or forged.
const CSRF_ERRORS = new Set(["FST_CSRF_INVALID_TOKEN", "FST_CSRF_MISSING_SECRET"]);

const BAD_REQUEST = "This request could not be handled";
const TITLES: Record<number, string> = {
  400: BAD_REQUEST,
  401: "Your session has ended",
  403: "Not allowed",
  404: "Not found",
  409: "This cannot be done now",
  413: "Too large",
  415: BAD_REQUEST,
  422: BAD_REQUEST,
  429: "Too many attempts",
};

const wantsJson = (request: FastifyRequest): boolean => {
  const accept = request.headers.accept ?? "";
  return /application\/(problem\+)?json/.test(accept) && !accept.includes("text/html");
};

/**
 * Where "back" is: the page itself for a GET; for a form post, the page at the same address
 * when there is one (the form's own page, usually); else the dashboard. Referer cannot help:
 * the back office sends none (referrer-policy: no-referrer).
 */
function backOf(request: FastifyRequest): string {
  const pattern = request.routeOptions.url;
  const isPage =
    request.method === "GET" ||
    (pattern !== undefined && request.server.hasRoute({ method: "GET", url: pattern }));
  return isPage ? safeNext(request.url) : OFFICE;
}

/** The minutes a limiter asks to wait (its Retry-After is in seconds), at least one. */
const minutesToWait = (reply: FastifyReply): number =>
  Math.max(1, Math.ceil(Number(reply.getHeader("retry-after") ?? 60) / 60));

/** What the page says, and where it leads. */
function explain(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: Problem,
): { title: string; text: string; link: [string, string] } {
  const back = backOf(request);
  switch (problem.code) {
    case "form_expired":
      return { title: "This form has expired", text: problem.message, link: [back, "Back to the form"] };
    case "not_signed_in":
      return {
        title: "Your session has ended",
        text: problem.message,
        link: [`${OFFICE}/login?next=${encodeURIComponent(back)}`, "Log in"],
      };
    case "link_expired":
      return {
        title: "This link has expired",
        text: problem.message,
        link: request.url.startsWith(`${OFFICE}/invite/`)
          ? [`${OFFICE}/login`, "Log in"]
          : [`${OFFICE}/reset`, "Reset your password"],
      };
  }
  if (problem.status === 429) {
    const minutes = minutesToWait(reply);
    return {
      title: "Too many attempts",
      text: `Too many attempts, try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`,
      link: [back, "Back"],
    };
  }
  if (problem.status === 503) {
    return {
      title: "The office cannot reach its database",
      text: "The back office cannot reach its database right now, so nothing was changed. Please try again in a minute; if it lasts, tell an admin.",
      link: [back, request.method === "GET" ? "Try again" : "Back"],
    };
  }
  if (problem.status >= 500) {
    return {
      title: "Something went wrong",
      text: "Something went wrong on our side; it has been logged. Please try again, and tell an admin if it happens again.",
      link: [back, request.method === "GET" ? "Try again" : "Back"],
    };
  }
  return {
    title: TITLES[problem.status] ?? BAD_REQUEST,
    text: problem.message,
    link: [OFFICE, "To the dashboard"],
  };
}

/** Answers a problem of a back-office request: a page in the office layout, or problem+json. */
export function sendOfficeProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: Problem,
): FastifyReply {
  if (wantsJson(request)) return sendProblem(reply, problem);
  const { title, text, link } = explain(request, reply, problem);
  // A download that failed (a CSV export) is a page now, not a file.
  reply.removeHeader("content-disposition");
  const user = request.officeUser;
  let csrf: string | undefined;
  try {
    csrf = user ? reply.generateCsrf() : undefined;
  } catch {
    // Without a token the page has no log-out buttons; it says what happened all the same.
  }
  return sendPage(
    reply,
    <OfficeLayout title={title} user={user} csrf={csrf}>
      <p role="alert">{text}</p>
      <p>
        <a href={link[0]}>{link[1]}</a>
      </p>
    </OfficeLayout>,
    problem.status,
  );
}

/** The error handler of the back-office plugin. */
export function officeErrorHandler(unavailable: Unavailability) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const refused =
      malformedUpload(request, error) ??
      (CSRF_ERRORS.has(error.code)
        ? new Problem(
            403,
            "form_expired",
            "This form has expired or was not sent from this site. Please open it again and send it once more.",
          )
        : undefined);
    const problem = answerError(refused ?? error, request, reply, unavailable, "back-office request failed");
    return sendOfficeProblem(request, reply, problem);
  };
}

/** The not-found handler of the back office: any /office/… address that is no page. */
export function officeNotFound(request: FastifyRequest, reply: FastifyReply) {
  return sendOfficeProblem(request, reply, new Problem(404, "not_found", "This page was not found."));
}
