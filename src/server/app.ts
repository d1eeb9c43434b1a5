import path from "node:path";
import { fileURLToPath } from "node:url";
import compress from "@fastify/compress";
import cookie from "@fastify/cookie";
import csrf from "@fastify/csrf-protection";
import formbody from "@fastify/formbody";
import rateLimit, { normalizeIP } from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import { reporterGate } from "../core/ledger/auth.js";
import { unavailability } from "../core/ledger/batcher.js";
import type { Runtime } from "../core/runtime.js";
import { ActionGate, abuseRoutes } from "../features/abuse/index.js";
import { actionRoutes } from "../features/acting/api.js";
import { apiDocsRoutes, registerOpenApi } from "../features/api-docs/index.js";
import { campaignRoutes } from "../features/campaigns/api.js";
import { casePageRoutes } from "../features/cases/public/routes.js";
import { counterRoutes } from "../features/counter/api.js";
import { embedRoutes } from "../features/embed/routes.js";
import { eventPageRoutes } from "../features/events/public/routes.js";
import { healthRoutes } from "../features/health/routes.js";
import { pageRoutes } from "../features/home/routes.js";
import { startInvalidations } from "../features/invalidation/index.js";
import { mapImageRoutes } from "../features/map/index.js";
import { materialRoutes } from "../features/materials/index.js";
import { isOfficeUrl, officeHeaders } from "../features/office/context.js";
import { sendOfficeProblem } from "../features/office/problems.js";
import { startPackBuilds } from "../features/packs/index.js";
import { privacyRoutes } from "../features/privacy/index.js";
import { sectionRoutes } from "../features/sections/public/routes.js";
import { sharingRoutes } from "../features/sharing/index.js";
import { signatureRoutes } from "../features/signatures/index.js";
import { answerClientError, clientAddress } from "../platform/http/client.js";
import { limitConnections } from "../platform/http/connections.js";
import { crossOriginProtection } from "../platform/http/cross-origin.js";
import { CSRF_COOKIE, csrfCookieOptions } from "../platform/http/csrf.js";
import { failureCounter } from "../platform/http/failures.js";
import { FORM_KEYWORDS } from "../platform/http/forms.js";
import { OutageLog } from "../platform/http/outage.js";
import {
  installProblemHandlers,
  notFoundHandler,
  Problem,
  type ProblemPage,
  sendProblem,
} from "../platform/http/problems.js";
import { proxyTrust, trustProxyWarning } from "../platform/http/proxy.js";
import { listRoutes } from "../platform/http/route-list.js";
import { registerSecurityHeaders, setSecurityHeaders } from "../platform/http/security-headers.js";
import { SharedPages } from "../platform/http/shared-pages.js";
import { officeRoutes } from "./office.js";

const ASSETS = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "platform", "views", "assets");

export interface AppOptions {
  /** The logger to use (tests pass one that records); else one at LOG_LEVEL on stdout. */
  logger?: FastifyBaseLogger;
}

export async function buildApp(runtime: Runtime, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = runtime;
  const proxies = proxyTrust(config.trustProxy);
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: { level: config.logLevel } }),
    // Per-request logs at tens of thousands of actions a second would cost more than the
    // actions; errors are still logged, and access logs belong to the proxy in front.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: proxies.trustProxy,
    // Every wait on a client is bounded (docs/OPERATIONS.md, "Connections"). The socket's idle
    // timeout closes a connection on which nothing moves: silent, a promised body that does not
    // come, or a response that is not read.
    connectionTimeout: config.httpIdleTimeoutMs,
    keepAliveTimeout: config.httpKeepAliveTimeoutMs,
    requestTimeout: config.httpRequestTimeoutMs,
    http: {
      headersTimeout: config.httpHeaderTimeoutMs,
      requestTimeout: config.httpRequestTimeoutMs,
      // Node checks the header and request timeouts on this interval (30 s by default, which
      // would let a silent socket stay half a minute past its bound).
      connectionsCheckingInterval: Math.min(1000, Math.floor(config.httpHeaderTimeoutMs / 4)),
    },
    bodyLimit: 64 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
    ajv: { customOptions: { removeAdditional: false, allErrors: true, keywords: FORM_KEYWORDS } },
    // Malformed HTTP (a bad request line, broken chunked framing) is the client's mistake.
    clientErrorHandler: answerClientError,
    // An address the router cannot read (bad percent-encoding, a parameter over 100 characters)
    // names nothing: a problem for the API, the not-found page for people.
    frameworkErrors: (error, request, reply) => {
      const problem =
        error.code === "FST_ERR_MAX_PARAM_LENGTH"
          ? new Problem(414, "url_too_long", "A part of this address is too long.")
          : new Problem(400, "bad_url", "This address is not valid (it is not correctly percent-encoded).");
      request.log.debug({ code: error.code, url: request.url.slice(0, 200) }, "unreadable address");
      // No hook runs for an address the router could not read.
      setSecurityHeaders(request, reply);
      if (request.url.startsWith("/api/") || !notFoundPage) return sendProblem(reply, problem);
      if (isOfficeUrl(request.url)) {
        officeHeaders(reply);
        return sendOfficeProblem(request, reply, problem);
      }
      return notFoundPage(request, reply);
    },
  });
  const proxyWarning = trustProxyWarning(config.trustProxy, config.host);
  if (proxyWarning) app.log.warn(proxyWarning);
  limitConnections(app.server, {
    maxConnections: config.maxConnections,
    maxPerAddress: config.maxConnectionsPerAddress,
    // A declared proxy holds the connections of everyone behind it.
    isTrustedProxy: proxies.isTrustedProxy,
    onRefusing: (message) => app.log.warn(message),
  });
  listRoutes(app);
  // Failing requests report an outage; the first new connection afterwards ends it.
  const outage = new OutageLog(app.log, Date.now, (error) => runtime.db.health.failed(error));
  const unavailable = { kind: unavailability, log: outage };
  const onConnect = () => unavailable.log.recovered();
  runtime.db.pool.on("connect", onConnect);
  app.addHook("onClose", async () => {
    runtime.db.pool.off("connect", onConnect);
  });
  // Set once the pages are registered; until then problems are answered as JSON.
  let problemPage: ProblemPage | undefined;
  let notFoundPage: ((request: FastifyRequest, reply: FastifyReply) => unknown) | undefined;
  installProblemHandlers(app, () => problemPage, unavailable);
  // Before any route, so that every answer has them (a route may pick its own: the embed).
  registerSecurityHeaders(app);
  // Pages and assets go compressed to phones on slow networks; tiny API answers are left alone.
  await app.register(compress, { threshold: 1024, encodings: ["br", "gzip"] });
  // One bounded cache for every shared page of this node (see shared-pages.ts).
  app.decorate("sharedPages", new SharedPages());
  // The API speaks JSON only; any other body type is answered 415 instead of being parsed.
  app.removeContentTypeParser("text/plain");

  // Every action, whichever route, form or language it comes by, spends one budget per client
  // address, kept in PostgreSQL for every node (features/abuse). Nobody is exempt but verified
  // reporters and RATE_LIMIT_ALLOW's addresses.
  const gate = new ActionGate(runtime, app.log);
  app.decorate("actionGate", gate);
  if (config.rateLimitAllowDefaulted)
    app.log.info(
      "RATE_LIMIT_ALLOW is not set: this demo (embedded database on a loopback address) exempts 127.0.0.1 and ::1 from the action limits; set RATE_LIMIT_ALLOW= (empty) to limit everyone",
    );
  // What is not an action but costs the node (the letter's PDF, RSVPs, logins) keeps a limit
  // per route and node; each limited route says its own (or false when it is switched off), and
  // the same addresses are exempt.
  await app.register(rateLimit, {
    global: false,
    max: Math.max(config.actionRateLimit, 1),
    timeWindow: "1 minute",
    // The plugin's own key (an IPv6 address's /56, a mapped IPv4 as IPv4), of an address that
    // is still there (see clientAddress).
    keyGenerator: (request) => normalizeIP(clientAddress(request)),
    allowList: (request) => gate.exempt(request),
    errorResponseBuilder: (_request, context) =>
      new Problem(
        429,
        "rate_limited",
        `Too many requests from this address; try again in ${Math.ceil(context.ttl / 1000)} s.`,
      ),
  });
  abuseRoutes(app, gate);

  const reporters = reporterGate(
    config.reporterTokens,
    config.reporterTokenFailureLimit > 0
      ? failureCounter(app, config.reporterTokenFailureLimit, "15 minutes")
      : undefined,
  );

  // Streams never end by themselves; close them first, or closing the server would wait forever.
  app.addHook("preClose", async () => runtime.streams.close());

  // Cookies and CSRF tokens reach every context (they are registered at the root); only the back
  // office uses the tokens — the public forms are guarded by where the browser says a post comes
  // from (cross-origin.ts), so their pages carry nothing per visitor. The form and upload parsers
  // are registered only in the contexts whose routes take forms, so the JSON API answers any
  // other body with 415 instead of parsing it.
  await app.register(cookie);
  // A refused token is an expired page or a forged post: answered 403, not worth a warning.
  await app.register(csrf, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: csrfCookieOptions(config.publicUrl),
    logLevel: "info",
  });

  // Before any route: the OpenAPI document is collected from the routes registered after it.
  await registerOpenApi(app);
  actionRoutes(app, runtime, reporters);
  campaignRoutes(app, runtime);
  counterRoutes(app, runtime);
  await apiDocsRoutes(app);
  healthRoutes(app, runtime);
  await app.register(fastifyStatic, {
    root: ASSETS,
    prefix: "/assets/",
    // Assets change only with a release; a day is enough and needs no build-time hashing yet.
    maxAge: "1d",
  });
  // The public pages; the case page's forms and the RSVP form send urlencoded bodies.
  let pages: ReturnType<typeof pageRoutes> | undefined;
  await app.register(async (site) => {
    // Before the body is read: a post from another site is refused with 403 and parses nothing.
    site.addHook("onRequest", crossOriginProtection({ trustedOrigins: [config.publicUrl] }));
    await site.register(formbody, { bodyLimit: 64 * 1024 });
    pages = pageRoutes(site, runtime);
    casePageRoutes(site, runtime, pages.site);
    sectionRoutes(site, runtime, { casesOf: pages.casesOf });
    embedRoutes(site, runtime);
    eventPageRoutes(site, runtime);
    signatureRoutes(site, runtime);
    privacyRoutes(site, runtime);
    sharingRoutes(site, runtime, { casesOf: pages.casesOf });
    mapImageRoutes(site);
    materialRoutes(site, runtime, { casesOf: pages.casesOf });
  });
  // The back office: one plugin with its own parsers, sessions and error pages.
  officeRoutes(app, runtime, unavailable);
  // Every section's case packs, kept built in the background as content changes.
  startPackBuilds(app, runtime);
  // Invalidation jobs, on whichever node holds their lease.
  startInvalidations(app, runtime);
  if (!pages) throw new Error("the page routes were not registered");
  problemPage = pages.problemPage;
  notFoundPage = pages.notFound;
  app.setNotFoundHandler(notFoundHandler(pages.notFound));
  return app;
}
