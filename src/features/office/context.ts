import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import type { Runtime } from "../../core/runtime.js";
import { CSRF_COOKIE, csrfCookieOptions, secureCookies } from "../../platform/http/csrf.js";
import { Problem } from "../../platform/http/problems.js";
import { installOfficeLanguage, ot, useChosenLocale } from "./i18n.js";
import { type Capability, refusal } from "./policy.js";
import { createSession, newCsrfSecret, SESSION_COOKIE, SESSION_MAX_MS, sessionOf } from "./sessions.js";
import type { OfficeUser } from "./users.js";

// What every back-office request carries: the signed-in account (if any), read from the session
// cookie once per request, and the guard each route puts in front of its handler.

declare module "fastify" {
  interface FastifyRequest {
    officeUser?: OfficeUser;
  }
}

export const OFFICE = "/office";

/** The back office's own addresses. */
export const isOfficeUrl = (url: string): boolean => url.startsWith(OFFICE);

/** Registered inside the back-office plugin (src/server/office.ts): it runs for its requests only. */
/**
 * Staff pages are per person: never cached, and never leak their URL (which may hold a one-time
 * token) even to this site's own pages — stricter than the site-wide referrer policy. Framing
 * and scripts are the site-wide policy (src/platform/http/security-headers.ts).
 */
export function officeHeaders(reply: FastifyReply): void {
  reply.header("cache-control", "private, no-store").header("referrer-policy", "no-referrer");
}

export function installOfficeSessions(app: FastifyInstance, runtime: Runtime): void {
  installOfficeLanguage(app);
  const csrfCookie = csrfCookieOptions(runtime.config.publicUrl);
  app.addHook("onRequest", async (request, reply) => {
    officeHeaders(reply);
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await sessionOf(runtime.db.pool, token) : undefined;
    if (session) {
      request.officeUser = session.user;
      useChosenLocale(request, session.user.locale);
      // Signed in, the secret is the session's, whatever _csrf cookie the browser sends: a
      // cookie planted before (or after) the login, with a token made from it, is worth nothing.
      // @fastify/csrf-protection reads the secret from request.cookies, for checks and new tokens.
      request.cookies[CSRF_COOKIE] = session.csrfSecret;
    } else if (!request.cookies[CSRF_COOKIE]) {
      // Without a CSRF cookie, every reply.generateCsrf() of the page would make a secret of its
      // own and only the last would be kept, so the page's other forms would be refused: give
      // the request one secret up front.
      const secret = newCsrfSecret();
      request.cookies[CSRF_COOKIE] = secret;
      reply.setCookie(CSRF_COOKIE, secret, csrfCookie);
    }
  });
}

/**
 * Opens a session for a person who just proved who they are (login, invitation, reset): the
 * session cookie, and a new CSRF secret (the session's), so no token from before stays valid.
 */
export async function signIn(
  request: FastifyRequest,
  reply: FastifyReply,
  runtime: Runtime,
  userId: number,
): Promise<void> {
  const csrfSecret = newCsrfSecret();
  const token = await createSession(
    runtime.db.pool,
    userId,
    { ip: request.ip, userAgent: request.headers["user-agent"] },
    csrfSecret,
  );
  const secure = secureCookies(runtime.config.publicUrl);
  reply.setCookie(SESSION_COOKIE, token, {
    path: OFFICE,
    httpOnly: true,
    sameSite: "lax",
    secure,
    maxAge: SESSION_MAX_MS / 1000,
  });
  reply.setCookie(CSRF_COOKIE, csrfSecret, csrfCookieOptions(runtime.config.publicUrl));
}

/** Forgets the session in this browser, and its CSRF secret with it. */
export function signOut(reply: FastifyReply, runtime: Runtime): void {
  reply.clearCookie(SESSION_COOKIE, { path: OFFICE });
  reply.setCookie(CSRF_COOKIE, newCsrfSecret(), csrfCookieOptions(runtime.config.publicUrl));
}

/**
 * Only a path inside the back office is a safe place to return to after logging in; it goes into
 * the Location header, so it must be printable ASCII (a URL as browsers send it, percent-encoded).
 */
export function safeNext(next: unknown): string {
  return typeof next === "string" &&
    next.startsWith(`${OFFICE}/`) &&
    !next.startsWith("//") &&
    !next.includes("\\") &&
    /^[\x21-\x7e]*$/.test(next)
    ? next
    : OFFICE;
}

/**
 * The guard of a back-office route: not signed in → to the login page (GET, and HEAD, which
 * answers as GET does) or 401; a role without the capability → 403, naming what the role may
 * not do. It needs no body, so it can run as early as preValidation (before a form is parsed
 * and validated).
 */
export function guard(capability: Capability): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    const user = request.officeUser;
    if (!user) {
      if (request.method === "GET" || request.method === "HEAD") {
        return reply.redirect(`${OFFICE}/login?next=${encodeURIComponent(request.url)}`, 303);
      }
      throw new Problem(401, "not_signed_in", ot("office.problem.signedOut"));
    }
    if (!capability(user)) {
      throw new Problem(403, "forbidden", refusal(user, capability));
    }
  };
}

/** The signed-in account of a guarded route. */
export function currentUser(request: FastifyRequest): OfficeUser {
  const user = request.officeUser;
  if (!user) throw new Problem(401, "not_signed_in", ot("office.problem.signedOut"));
  return user;
}

/**
 * For things private to others: answered as if they did not exist. `what` is a message key
 * (office.…, the whole sentence) or, in areas whose pages are still in English, "This case".
 */
export const notFound = (what = "office.problem.notFound.page"): Problem =>
  new Problem(404, "not_found", what.startsWith("office.") ? ot(what) : `${what} was not found.`);
