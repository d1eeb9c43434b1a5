import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { malformedUpload } from "../../platform/http/multipart.js";
import { answerError, Problem, sendProblem, type Unavailability } from "../../platform/http/problems.js";
import { OFFICE, safeNext } from "./context.js";
import { sendPage } from "./form.js";
import { inOfficeContext, officeText, ot } from "./i18n.js";
import { OfficeLayout } from "./layout.js";

// How the back office answers what went wrong: a page in its own layout, in plain words, with a
// way on. The public site's problem pages speak to readers of a case in their language; staff
// need to know which permission, which form or which link it was. Programs asking for JSON get
// problem+json as from the API.

// @fastify/csrf-protection's errors: a form sent from a page older than its secret, or forged.
const CSRF_ERRORS = new Set(["FST_CSRF_INVALID_TOKEN", "FST_CSRF_MISSING_SECRET"]);

// Titles by status, as keys of office.problem.title.*; anything else is a bad request.
const TITLED = new Set([401, 403, 404, 409, 413, 429]);
const titleOf = (status: number): string => ot(`office.problem.title.${TITLED.has(status) ? status : "bad"}`);

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
      return {
        title: ot("office.problem.formExpired.title"),
        text: officeText(problem.message),
        link: [back, ot("office.problem.backToForm")],
      };
    case "not_signed_in":
      return {
        title: titleOf(401),
        text: officeText(problem.message),
        link: [`${OFFICE}/login?next=${encodeURIComponent(back)}`, ot("office.problem.logIn")],
      };
    case "link_expired":
      return {
        title: ot("office.problem.linkExpired.title"),
        text: officeText(problem.message),
        link: request.url.startsWith(`${OFFICE}/invite/`)
          ? [`${OFFICE}/login`, ot("office.problem.logIn")]
          : [`${OFFICE}/reset`, ot("office.problem.resetPassword")],
      };
  }
  if (problem.status === 429) {
    const minutes = minutesToWait(reply);
    return {
      title: titleOf(429),
      text: ot("office.problem.tooMany.text", { minutes }),
      link: [back, ot("office.problem.back")],
    };
  }
  if (problem.status === 503) {
    return {
      title: ot("office.problem.unavailable.title"),
      text: ot("office.problem.unavailable.text"),
      link: [back, ot(request.method === "GET" ? "office.problem.tryAgain" : "office.problem.back")],
    };
  }
  if (problem.status >= 500) {
    return {
      title: ot("office.problem.failed.title"),
      text: ot("office.problem.failed.text"),
      link: [back, ot(request.method === "GET" ? "office.problem.tryAgain" : "office.problem.back")],
    };
  }
  return {
    title: titleOf(problem.status),
    text: officeText(problem.message),
    link: [OFFICE, ot("office.problem.toDashboard")],
  };
}

/** Answers a problem of a back-office request: a page in the office layout, or problem+json. */
export function sendOfficeProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: Problem,
): FastifyReply {
  if (wantsJson(request)) return sendProblem(reply, problem);
  // Errors of body parsing arrive outside the request's context: the page is made inside it.
  return inOfficeContext(request, () => sendOfficePage(request, reply, problem));
}

function sendOfficePage(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
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
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
    inOfficeContext(request, () => handleError(unavailable, error, request, reply));
}

function handleError(
  unavailable: Unavailability,
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const refused =
    malformedUpload(request, error) ??
    (CSRF_ERRORS.has(error.code)
      ? new Problem(403, "form_expired", ot("office.problem.formExpired.text"))
      : undefined);
  const problem = answerError(refused ?? error, request, reply, unavailable, "back-office request failed");
  return sendOfficeProblem(request, reply, problem);
}

/** The not-found handler of the back office: any /office/… address that is no page. */
export function officeNotFound(request: FastifyRequest, reply: FastifyReply) {
  return inOfficeContext(request, () =>
    sendOfficeProblem(request, reply, new Problem(404, "not_found", ot("office.problem.notFound.page"))),
  );
}
