import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import helmet from "helmet";

// The security headers of every response, set by helmet's middleware on the raw response when
// the request arrives, so error pages and even the hijacked counter stream carry them.
//
// helmet itself rather than its Fastify plugin (@fastify/helmet): the plugin builds helmet's
// middleware anew on every request, behind two hooks of its own. Measured (a POST route through
// app.inject, 20 rounds of 3,000, best round's CPU per request, on a busy 2-core machine): bare
// 54–64 µs; with @fastify/helmet 94–101 µs, even with its CSP built once (120 µs without); with
// helmet built once, as here, 77–83 µs. The write path costs the node about 108 µs an action, so
// the plugin alone would have taken a third of it. Each set of headers is built once, at start
// (when helmet also checks the directives), and a route may pick its own.

type Directives = Record<string, string[]>;
type HelmetOptions = NonNullable<Parameters<typeof helmet>[0]>;
type SecurityHeaders = ReturnType<typeof helmet>;

declare module "fastify" {
  interface FastifyContextConfig {
    /** A route's own security headers instead of the pages' (see frameableAnywhere). */
    securityHeaders?: SecurityHeaders;
  }
}

/**
 * The policy of every page: everything from this origin only, no inline script or style at all
 * (every page's CSS is in /assets/*.css and its script in /assets/*.js), no plugins, forms post
 * only here, and no other site may frame the page (the sign and letter forms cannot be
 * clickjacked). No page uses a data: or remote image, so img-src is this origin too.
 */
export const PAGE_POLICY: Directives = {
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'"],
  "img-src": ["'self'"],
  "font-src": ["'self'"],
  "connect-src": ["'self'"],
  "object-src": ["'none'"],
  "base-uri": ["'self'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
};

/** HSTS as helmet would send it: a year, subdomains included, not preloaded (that is the operator's choice). */
export const HSTS = "max-age=31536000; includeSubDomains";

const policy = (directives: Directives) => ({ useDefaults: false, directives });

const SITE = {
  // useDefaults would add helmet's `upgrade-insecure-requests`: every asset here is a relative
  // URL on this origin (upgrading gains nothing over HTTPS), and a node reached over plain HTTP
  // (a laptop, a proxy not declared with TRUST_PROXY) would lose its CSS and scripts.
  contentSecurityPolicy: policy(PAGE_POLICY),
  // Nothing here needs cross-origin isolation, and requiring it (require-corp) would keep
  // pages from loading anything a future partner or CDN serves without CORP.
  crossOriginEmbedderPolicy: false,
  // Kept (helmet's same-origin): no page opens or is opened by another site's window.
  crossOriginOpenerPolicy: { policy: "same-origin" },
  // Kept (same-origin): no other site may load these as images or scripts. It does not apply
  // to CORS requests, so partner pages still fetch the public read API and the stream.
  crossOriginResourcePolicy: { policy: "same-origin" },
  referrerPolicy: { policy: "strict-origin-when-cross-origin" },
  // Sent only over HTTPS, by the hook below: over plain HTTP browsers ignore it anyway, and a
  // node that cannot tell (no trusted proxy) must not pin a host name to HTTPS by mistake.
  strictTransportSecurity: false,
  xFrameOptions: { action: "deny" },
  // X-Content-Type-Options: nosniff is helmet's default, on every answer (assets and JSON too).
  // Off: X-Download-Options only meant something to Internet Explorer 8, and Fastify sends no
  // X-Powered-By to hide. The other legacy headers (X-DNS-Prefetch-Control: off,
  // X-Permitted-Cross-Domain-Policies: none for Acrobat and the letter PDFs, X-XSS-Protection: 0
  // to switch off old browsers' leaky filter, Origin-Agent-Cluster) are kept: cheap and harmless.
  xDownloadOptions: false,
  xPoweredBy: false,
} satisfies HelmetOptions;
const SITE_HEADERS = helmet(SITE);

/**
 * Route options of a page meant to be framed by any site (the embeddable counter): any
 * ancestor, no X-Frame-Options, loadable where a partner page requires CORP — but still only
 * its own script, and whatever else the page needs, given as `directives`.
 */
export function frameableAnywhere(directives: Directives): { config: { securityHeaders: SecurityHeaders } } {
  const headers = helmet({
    ...SITE,
    contentSecurityPolicy: policy({ ...directives, "frame-ancestors": ["*"] }),
    xFrameOptions: false,
    crossOriginResourcePolicy: { policy: "cross-origin" },
  });
  return { config: { securityHeaders: headers } };
}

/**
 * For an answer the browser shows in a viewer of its own (a PDF): a policy meant for our pages
 * has nothing of ours to protect there, and Chromium has applied it to the viewer's own page,
 * whose inline styles it then refused (chromium bug 271452: the PDF drawn in a strip). nosniff
 * and the framing headers stay.
 */
export function withoutPagePolicy(reply: FastifyReply): FastifyReply {
  reply.raw.removeHeader("content-security-policy");
  return reply;
}

/** The headers of this request's route (the site's unless the route picks its own). */
export function setSecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  // request.protocol is https only when the connection is TLS or a proxy that TRUST_PROXY
  // trusts said so in X-Forwarded-Proto; a client cannot claim it on its own.
  if (request.protocol === "https") reply.raw.setHeader("strict-transport-security", HSTS);
  // helmet's middlewares only set headers and call next() without an error (they throw only
  // when built, at start), synchronously.
  const headers = request.routeOptions?.config?.securityHeaders ?? SITE_HEADERS;
  headers(request.raw, reply.raw, () => {});
}

/**
 * Registered on the root instance, before any route. An address the router cannot read never
 * reaches the hooks: its answer (frameworkErrors in src/server/app.ts) calls setSecurityHeaders.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook("onRequest", (request, reply, done) => {
    setSecurityHeaders(request, reply);
    done();
  });
}
