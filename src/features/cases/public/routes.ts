import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "preact";
import { Type } from "typebox";
import type { CaseDetail } from "../../../core/catalog/case-details.js";
import type { CampaignInfo } from "../../../core/catalog/catalog.js";
import { campaignStatus, currentCampaign } from "../../../core/catalog/current.js";
import { fallbackChain, pickText } from "../../../core/catalog/texts.js";
import { counterView } from "../../../core/counter/presenter.js";
import type { Runtime } from "../../../core/runtime.js";
import { pageResponses } from "../../../platform/http/responses.js";
import { SHARED_PAGE_ROUTE, sharedPage } from "../../../platform/http/shared-pages.js";
import type { UiLocale } from "../../../platform/i18n/locales.js";
import {
  closeUiLocale,
  DEFAULT_LOCALE,
  isUiLocale,
  negotiateLocale,
} from "../../../platform/i18n/locales.js";
import { canonicalLanguage, LanguageTag, Slug } from "../../../platform/rules.js";
import { localHref, type PageContext } from "../../../platform/views/layout.js";
import { html, pageHeaders } from "../../../platform/views/parts.js";
import type { FormState } from "../../acting/index.js";
import { actingRoutes, doneOf, solidarityWall } from "../../acting/index.js";
import { SHARE_IMAGE_SIZE, shareImagePath } from "../../sharing/index.js";
import { isToken, isWithdrawLink } from "../../signatures/index.js";
import { CasePage } from "./page.js";
import { photoRoutes } from "./photos.js";

// The public case page, in the reader's language, with its forms (see features/acting). Also
// re-rendered by a refused form post, with that form's errors and values.

/** What the case page takes from the public site: its cache, language and page frame. */
export interface SiteDeps {
  casesOf(campaignId: number): Promise<CaseDetail[]>;
  localeOf(request: FastifyRequest<{ Params: CaseParams }>): UiLocale | undefined;
  context(locale: UiLocale, path: string, campaign: CampaignInfo): PageContext;
  notFound(reply: FastifyReply, locale: UiLocale, path: string): FastifyReply;
}

// A malformed language or slug names no page: the handler answers 404, as for an unknown one.
export const CasePageParams = Type.Object({
  lang: Type.Optional(LanguageTag({ description: "The page's language; else Accept-Language" })),
  slug: Slug({ description: "The case" }),
});

export const CasePageQuery = Type.Object({
  done: Type.Optional(
    Type.String({
      description:
        "The form just sent: sign, solidarity or letter; for a signature sign-confirm (awaits its email's confirmation), sign-again, sign-again-pending (signed before)",
    }),
  ),
  w: Type.Optional(
    Type.String({
      description: "The token of the signature's \"it wasn't me\" link: the page is then private",
    }),
  ),
  source: Type.Optional(
    Type.String({ description: "The share link that brought the visitor; the page's forms record it" }),
  ),
});
export type CaseParams = { lang?: string; slug?: string };

/**
 * The interface language of a page in a language the interface does not speak: the first of
 * its fallback chain (ca → the edition's default) that an interface language serves (ca → es).
 */
export function chromeLocale(language: string, campaignDefault: string): UiLocale {
  for (const tag of fallbackChain(language, campaignDefault)) {
    const found = closeUiLocale(tag);
    if (found) return found;
  }
  return DEFAULT_LOCALE;
}

/** The page's languages: its interface's, and the one its address names for the case's texts. */
export interface PageLanguage {
  locale: UiLocale;
  /** The language the case is read in (the interface's, unless the address names another). */
  language: string;
  /** Set when the address names a language the interface does not speak. */
  pathLanguage?: string;
}
export function casePageRoutes(parent: FastifyInstance, runtime: Runtime, site: SiteDeps): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  photoRoutes(app, runtime);

  const caseOf = async (slug: string | undefined) => {
    const campaign = currentCampaign(runtime.catalog());
    const detail = campaign ? (await site.casesOf(campaign.id)).find((c) => c.slug === slug) : undefined;
    return { campaign, detail };
  };

  /**
   * An interface language in the address (/es/…) or none (Accept-Language), as for every page;
   * or, for a case page, any language the case is public in (/ca/cases/…, /zh-TW/cases/…): the
   * case's texts are then in it, the page around them in the closest interface language.
   */
  const pageLanguage = async (
    request: FastifyRequest<{ Params: CaseParams }>,
  ): Promise<PageLanguage | undefined> => {
    const locale = site.localeOf(request);
    if (locale) return { locale, language: locale };
    const lang = request.params.lang;
    if (lang === undefined || isUiLocale(lang) || canonicalLanguage(lang) !== lang) return undefined;
    const { campaign, detail } = await caseOf(request.params.slug);
    if (!campaign || !detail?.texts[lang]) return undefined;
    return { locale: chromeLocale(lang, campaign.defaultLanguage), language: lang, pathLanguage: lang };
  };

  const renderCase = async (
    request: FastifyRequest<{ Params: CaseParams }>,
    reply: FastifyReply,
    form?: { state: FormState; status: number },
    query?: { done?: string; w?: string },
  ) => {
    const languages = await pageLanguage(request);
    if (!languages)
      return site.notFound(reply, negotiateLocale(request.headers["accept-language"]), request.url);
    const { locale, language, pathLanguage } = languages;
    const path = `/cases/${request.params.slug}`;
    const { campaign, detail } = await caseOf(request.params.slug);
    if (!campaign || !detail) return site.notFound(reply, locale, path);
    const base = pathLanguage ? `/${pathLanguage}${path}` : localHref(locale, path);
    // A token that names no withdrawal link is dropped: made-up ones cannot make the shared
    // thanks render once per request.
    const token = isToken(query?.w) && (await isWithdrawLink(runtime.db.pool, query.w)) ? query.w : undefined;
    const done = doneOf(query?.done, token, locale);
    const build = async () => {
      const counter = runtime.counters.get(campaign.id);
      const countries = [...(counter?.byCaseCountry.get(detail.id) ?? new Map<string, number>())].sort(
        (a, b) => b[1] - a[1],
      );
      const view = counterView(runtime.counters, campaign);
      const wall = await solidarityWall(runtime.db.pool, runtime.db.privacy, detail.id);
      const acting = {
        state: form?.state,
        done,
        actionBase: base,
        retentionMonths: runtime.config.retentionMonths,
      };
      // The languages the case is public in that have an address of their own (/ca/cases/…).
      const otherLanguages = Object.keys(detail.texts).filter(
        (l) => !isUiLocale(l) && canonicalLanguage(l) === l,
      );
      const ctx = { ...site.context(locale, path, campaign), pathLanguage, otherLanguages };
      const picked = pickText(detail.texts, language, campaign.defaultLanguage);
      const name = picked?.text.title ?? detail.slug;
      ctx.meta = {
        type: "article",
        description: picked?.text.summary,
        image: {
          url: `${ctx.publicUrl ?? ""}${shareImagePath(locale, detail.slug)}`,
          ...SHARE_IMAGE_SIZE,
          alt: ctx.m.t("share.imageAlt", { name, count: view.byCase[detail.slug] ?? 0 }),
        },
      };
      // Shared links point at the page in its language, without this visitor's query.
      const share = {
        url: `${ctx.publicUrl ?? ""}${base}`,
        text: ctx.m.t("share.text", { name }),
      };
      return html(
        h(CasePage, { ctx, data: { campaign, detail, language, view, countries, acting, wall, share } }),
      );
    };
    // A refused post's page holds what that person typed, and is theirs only; so does the thanks
    // for a signature that carries its withdrawal link.
    if (form || done?.withdrawHref) {
      return pageHeaders(reply, locale, form?.status ?? 200)
        .header("cache-control", "private, no-store")
        .send(await build());
    }
    // Otherwise nothing in the page is per visitor (the forms carry no token nor key): built once
    // per version and shared. Moderation (the wall) and case edits move the version.
    pageHeaders(reply, locale, 200);
    return sharedPage(request, reply, {
      key: `case|${locale}|${language}|${detail.id}|${done?.notice ?? ""}`,
      version: `${runtime.publicVersion()}|${campaignStatus(campaign)}`,
      tick: runtime.counters.get(campaign.id)?.version ?? 0,
      type: "text/html; charset=utf-8",
      vary: request.params.lang === undefined ? "accept-language" : undefined,
      build,
    });
  };

  actingRoutes(parent, runtime, {
    renderCase: (request, reply, form) => renderCase(request, reply, form),
    campaignOf: () => currentCampaign(runtime.catalog()),
    localeOf: async (request) => (await pageLanguage(request))?.locale,
  });

  for (const prefix of ["", "/:lang"]) {
    app.get(
      `${prefix}/cases/:slug`,
      {
        ...SHARED_PAGE_ROUTE,
        schema: { params: CasePageParams, querystring: CasePageQuery, response: pageResponses(404) },
        attachValidation: true,
      },
      async (request, reply) => {
        const failure = request.validationError as (Error & { validationContext?: string }) | undefined;
        if (failure?.validationContext === "params") {
          const locale = (await pageLanguage(request))?.locale;
          if (locale) return site.notFound(reply, locale, `/cases/${request.params.slug}`);
          return site.notFound(reply, negotiateLocale(request.headers["accept-language"]), request.url);
        }
        // A malformed query string only loses its notice.
        return renderCase(request, reply, undefined, failure ? undefined : request.query);
      },
    );
  }
}
