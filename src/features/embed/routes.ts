import { createHash } from "node:crypto";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { JSX } from "preact";
import { Type } from "typebox";
import { currentCampaign } from "../../core/catalog/current.js";
import { isCountryCode } from "../../core/ledger/intake.js";
import type { Runtime } from "../../core/runtime.js";
import { pageResponses } from "../../platform/http/responses.js";
import { frameableAnywhere } from "../../platform/http/security-headers.js";
import { SHARED_PAGE_ROUTE, sharedPage } from "../../platform/http/shared-pages.js";
import { isUiLocale, negotiateLocale, type UiLocale } from "../../platform/i18n/locales.js";
import { messagesFor } from "../../platform/i18n/messages.js";
import { Slug } from "../../platform/rules.js";
import { localHref } from "../../platform/views/layout.js";
import { html } from "../../platform/views/parts.js";
import { EMBED_CSS, EmbedCounter, EmbedError } from "./page.js";

// GET /embed/counter?campaign=…&country=…&lang=… — the counter for other websites' <iframe>s.

// Other parameters (a partner's tracking) are ignored. Whether a well-formed country or
// language is one the site knows is the handler's to say, on the same small page.
const EmbedQuery = Type.Object({
  campaign: Type.Optional(Slug()),
  country: Type.Optional(Type.String({ pattern: "^[A-Za-z]{2}$" })),
  lang: Type.Optional(Type.String({ maxLength: 35 })),
});

// Any site may frame this page (that is its purpose), and nothing else is needed: no other
// origin to talk to, no plugins, no forms, and only its own script and its one inline style
// (allowed by its hash: the page fetches no stylesheet).
const FRAMEABLE = frameableAnywhere({
  "default-src": ["'none'"],
  "script-src": ["'self'"],
  "connect-src": ["'self'"],
  "style-src": [`'sha256-${createHash("sha256").update(EMBED_CSS).digest("base64")}'`],
  "base-uri": ["'none'"],
  "form-action": ["'none'"],
});

export function embedRoutes(server: FastifyInstance, runtime: Runtime): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const send = (reply: FastifyReply, locale: UiLocale, status: number, page: JSX.Element) =>
    reply
      .code(status)
      .type("text/html; charset=utf-8")
      .header("content-language", locale)
      .header("vary", "accept-language")
      .header("cache-control", "public, max-age=5")
      .send(html(page));

  app.get(
    "/embed/counter",
    {
      ...SHARED_PAGE_ROUTE,
      schema: { querystring: EmbedQuery, response: pageResponses(400, 404) },
      // A bad link gets the small page below, in the frame, instead of problem+json.
      attachValidation: true,
      // Instead of the site-wide headers (frame-ancestors 'none', X-Frame-Options: DENY).
      config: FRAMEABLE.config,
    },
    async (request, reply) => {
      const query = request.query;
      // Read before the validation error: a bad campaign is still told in the asked language.
      const lang = typeof query.lang === "string" && isUiLocale(query.lang) ? query.lang : undefined;
      const locale = lang ?? negotiateLocale(request.headers["accept-language"]);
      const m = messagesFor(locale);
      const invalid = (field: string) =>
        send(reply, locale, 400, EmbedError({ m, message: m.t("embed.invalid", { field }) }));

      if (request.validationError) {
        const first = request.validationError.validation?.[0];
        const field = first?.instancePath.replace(/^\//, "") || "campaign";
        return invalid(field);
      }
      if (query.lang !== undefined && !lang) return invalid("lang");
      const country = query.country?.toUpperCase();
      if (country !== undefined && !isCountryCode(country)) return invalid("country");
      const campaign = query.campaign
        ? runtime.catalog().campaigns.get(query.campaign)
        : currentCampaign(runtime.catalog());
      if (!campaign) return send(reply, locale, 404, EmbedError({ m, message: m.t("embed.notFound") }));

      // The title leads to the page about what the frame shows: the section's (they are about
      // the current edition), else the campaign's.
      const isCurrent = campaign === currentCampaign(runtime.catalog());
      const hasSection = country !== undefined && runtime.catalog().sections.has(country);
      const path = !isCurrent ? `/c/${campaign.slug}` : hasSection ? `/s/${country}` : "/";
      const freshness = runtime.sync.freshness();
      const staleSince = freshness.stale ? freshness.asOf : undefined;
      const build = () => {
        const counter = runtime.counters.get(campaign.id);
        const count = country ? (counter?.byCountry.get(country) ?? 0) : (counter?.total ?? 0);
        const data = { campaign, country, count, href: localHref(locale, path), staleSince };
        return html(EmbedCounter({ m, data }));
      };
      reply.header("content-language", locale);
      return sharedPage(request, reply, {
        key: `embed|${locale}|${campaign.id}|${country ?? ""}`,
        version: `${runtime.publicVersion()}|${staleSince?.toISOString() ?? "live"}`,
        tick: runtime.counters.get(campaign.id)?.version ?? 0,
        type: "text/html; charset=utf-8",
        vary: lang === undefined ? "accept-language" : undefined,
        build,
      });
    },
  );
}
