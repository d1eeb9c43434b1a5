import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "preact";
import { type Static, Type } from "typebox";
import { campaignTitle } from "../../../core/catalog/campaign-texts.js";
import type { CaseDetail } from "../../../core/catalog/case-details.js";
import { campaignStatus, currentCampaign } from "../../../core/catalog/current.js";
import { pickField } from "../../../core/catalog/entity-texts.js";
import type { Runtime } from "../../../core/runtime.js";
import { pageResponses } from "../../../platform/http/responses.js";
import { SHARED_PAGE_ROUTE, sharedPage } from "../../../platform/http/shared-pages.js";
import { isUiLocale, negotiateLocale, type UiLocale } from "../../../platform/i18n/locales.js";
import { messagesFor } from "../../../platform/i18n/messages.js";
import { localHref, type PageContext } from "../../../platform/views/layout.js";
import { html, pageHeaders, sendNotFound } from "../../../platform/views/parts.js";
import { caseCache } from "../../home/index.js";
import { sectionLocale } from "../locale.js";
import { sectionCache } from "../queries.js";
import { SectionPage } from "./page.js";

// /s/:country and /:lang/s/:country — a national section's landing page.

export interface SectionDeps {
  /** The current campaign's cases (texts and targets), cached per catalog version. */
  casesOf(campaignId: number): Promise<CaseDetail[]>;
}

// Any text: an unknown language or country is the page not found, not a bad request.
const Params = Type.Object({ lang: Type.Optional(Type.String()), country: Type.String() });

// A host name as browsers send it (name or IP, optional port). Anything else in the Host
// header does not go into the snippet people copy onto their websites.
const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** The embed snippet, as text: the page escapes it once more when it shows it. */
export function embedSnippet(src: string, title: string): string {
  const attribute = (s: string) =>
    s.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  return `<iframe src="${attribute(src)}" title="${attribute(title)}" width="320" height="180" style="border:0;max-width:100%" loading="lazy"></iframe>`;
}

/**
 * The cases a section features in this edition, in its order, then the edition's other cases.
 * A section that features none shows them all, in the edition's own order.
 */
export function featuredFirst(
  all: CaseDetail[],
  featuredIds: number[],
): { cases: CaseDetail[]; otherCases: CaseDetail[] } {
  const byId = new Map(all.map((c) => [c.id, c]));
  const cases = featuredIds.flatMap((id) => byId.get(id) ?? []);
  if (cases.length === 0) return { cases: all, otherCases: [] };
  const chosen = new Set(cases.map((c) => c.id));
  return { cases, otherCases: all.filter((c) => !chosen.has(c.id)) };
}

export function sectionRoutes(
  fastify: FastifyInstance,
  runtime: Runtime,
  deps: SectionDeps = { casesOf: caseCache(runtime) },
): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const sectionOf = sectionCache(runtime);

  const notFound = (reply: FastifyReply, locale: UiLocale, path: string) =>
    sendNotFound(reply, locale, path, currentCampaign(runtime.catalog())?.title ?? "Inkwell");

  const page = async (request: FastifyRequest<{ Params: Static<typeof Params> }>, reply: FastifyReply) => {
    const { lang } = request.params;
    const acceptLanguage = request.headers["accept-language"];
    if (lang !== undefined && !isUiLocale(lang)) return notFound(reply, negotiateLocale(acceptLanguage), "/");
    const country = request.params.country.toUpperCase();
    const path = `/s/${country}`;
    const campaign = currentCampaign(runtime.catalog());
    const section = /^[A-Z]{2}$/.test(country) ? await sectionOf(country) : undefined;
    if (!campaign || !section) return notFound(reply, lang ?? negotiateLocale(acceptLanguage), path);
    const locale = lang ?? sectionLocale(acceptLanguage, section.languages);
    const m = messagesFor(locale);

    const origin = HOST.test(request.host) ? `${request.protocol}://${request.host}` : "";
    const status = campaignStatus(campaign);
    const build = async () => {
      const counter = runtime.counters.get(campaign.id);
      // Campaign, country and language are all spelled out, so a partner's page keeps showing
      // what it showed the day it was pasted, whatever the visitor's browser says.
      const title = campaignTitle(campaign, locale);
      const own = section.languages[0] ?? campaign.defaultLanguage;
      const src = `${origin}/embed/counter?campaign=${encodeURIComponent(campaign.slug)}&country=${country}&lang=${locale}`;
      const data = {
        section,
        campaign,
        status,
        count: counter?.byCountry.get(country) ?? 0,
        total: counter?.total ?? 0,
        goal: section.goals.get(campaign.id),
        ...featuredFirst(await deps.casesOf(campaign.id), section.featured.get(campaign.id) ?? []),
        intro: pickField(section.texts, "intro", locale, own),
        contactsText: pickField(section.texts, "contacts", locale, own),
        embed: { src, snippet: embedSnippet(src, m.t("embed.frameTitle", { campaign: title })) },
      };
      const ctx: PageContext = { m, path, campaignTitle: title, homeHref: localHref(locale, "/") };
      return html(h(SectionPage, { ctx, data }));
    };
    pageHeaders(reply, locale, 200);
    return sharedPage(request, reply, {
      // The snippet names the host the page was asked on: one building per host (bounded by
      // the cache's size, whatever hosts a client makes up).
      key: `section|${locale}|${country}|${origin}`,
      version: `${runtime.publicVersion()}|${campaign.id}|${status}`,
      tick: runtime.counters.get(campaign.id)?.version ?? 0,
      type: "text/html; charset=utf-8",
      vary: lang === undefined ? "accept-language" : undefined,
      build,
    });
  };

  const route = { ...SHARED_PAGE_ROUTE, schema: { params: Params, response: pageResponses(404) } };
  app.get("/s/:country", route, page);
  app.get("/:lang/s/:country", route, page);
}
