import type { FastifyRequest, onRequestHookHandler } from "fastify";
import { Problem } from "./problems.js";

// Cross-site request forgery refused without tokens, so that the public pages carry nothing per
// visitor and can be shared by every cache (docs/ARCHITECTURE.md, "Forms without tokens"). The
// rules are those of Go 1.25's net/http CrossOriginProtection, with Rails' origin check
// (scheme, host and port) for browsers that do not send Fetch Metadata:
//
// 1. GET, HEAD and OPTIONS change nothing and always pass.
// 2. `Sec-Fetch-Site` is what every browser of the last years sends: `same-origin` (our own
//    page) and `none` (typed in the address bar, a bookmark) pass; anything else — `cross-site`,
//    `same-site` (a sibling subdomain is another party too) — is refused.
// 3. Without it, an `Origin` must be this request's own origin (request.protocol and Host) or a
//    trusted one (PUBLIC_URL's: the address people use when a proxy in front is not declared).
// 4. Neither header: not a browser (curl, a script, a server), or a browser too old to send
//    either. Go lets these through, and so does Inkwell: such a client can post what it likes
//    anyway, and forgery needs a victim's browser, which sends one of the two.
//
// A trusted origin also passes rule 2, as in Go (its AddTrustedOrigin).

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type CrossOriginVerdict = "pass" | "cross-site" | "cross-origin";

/** The origin a URL or Origin header names (scheme, host, port; default ports dropped), or undefined. */
export function originOf(text: string): string | undefined {
  try {
    const origin = new URL(text).origin;
    // "null" (opaque origins: sandboxed frames, data: URLs) names no origin at all.
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** One value of a header that may have been sent twice (then the first). */
const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Whether a request may change something, by where the browser says it comes from. */
export function crossOriginVerdict(
  request: FastifyRequest,
  trusted: ReadonlySet<string>,
): CrossOriginVerdict {
  if (SAFE_METHODS.has(request.method)) return "pass";
  const origin = header(request, "origin");
  const isTrusted = origin !== undefined && trusted.has(originOf(origin) ?? "");
  const site = header(request, "sec-fetch-site")?.trim().toLowerCase();
  if (site !== undefined && site !== "") {
    if (site === "same-origin" || site === "none" || isTrusted) return "pass";
    return "cross-site";
  }
  if (origin === undefined) return "pass";
  // request.host and request.protocol honour X-Forwarded-* only from a declared proxy.
  const own = originOf(`${request.protocol}://${request.host}`);
  if (own !== undefined && originOf(origin) === own) return "pass";
  return isTrusted ? "pass" : "cross-origin";
}

/**
 * An onRequest hook that refuses a cross-site post with 403 before its body is read. The error
 * handler answers people with the "form refused" page in their language (code `cross_site_form`).
 */
export function crossOriginProtection(options: { trustedOrigins: string[] }): onRequestHookHandler {
  const trusted = new Set(
    options.trustedOrigins.map((o) => originOf(o)).filter((o): o is string => o !== undefined),
  );
  return async (request) => {
    const verdict = crossOriginVerdict(request, trusted);
    if (verdict === "pass") return;
    request.log.info(
      { verdict, origin: header(request, "origin"), secFetchSite: header(request, "sec-fetch-site") },
      "cross-site form post refused",
    );
    throw new Problem(
      403,
      "cross_site_form",
      "This form was sent from another site; only this site's own pages may send it.",
    );
  };
}
