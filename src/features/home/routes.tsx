import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { JSX } from "preact";
import { Type } from "typebox";
import { campaignText, campaignTitle } from "../../core/catalog/campaign-texts.js";
import { type CaseDetail, casesOfCampaign } from "../../core/catalog/case-details.js";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { campaignStatus, currentCampaign } from "../../core/catalog/current.js";
import { type CounterView, counterView } from "../../core/counter/presenter.js";
import { series } from "../../core/counter/timeline.js";
import type { Runtime } from "../../core/runtime.js";
import type { ProblemPage } from "../../platform/http/problems.js";
import { pageResponses } from "../../platform/http/responses.js";
import { SHARED_PAGE_ROUTE, sharedPage } from "../../platform/http/shared-pages.js";
import { direction, isUiLocale, negotiateLocale, type UiLocale } from "../../platform/i18n/locales.js";
import { messagesFor } from "../../platform/i18n/messages.js";
import { LanguageTag, Slug } from "../../platform/rules.js";
import { Layout, localHref, type PageContext } from "../../platform/views/layout.js";
import { html, pageHeaders, sendNotFound } from "../../platform/views/parts.js";
import type { SiteDeps } from "../cases/index.js";
import { renderCountryTable, renderWorldMap, worldImagePath } from "../map/index.js";
import { SHARE_IMAGE_SIZE, shareImagePath } from "../sharing/index.js";
import { HomePage } from "./page.js";

/** The home page's link preview: the site's description and the campaign's share image. */
function homeMeta(ctx: PageContext, locale: UiLocale, total: number): PageContext["meta"] {
  return {
    type: "website",
    image: {
      url: `${ctx.publicUrl}${shareImagePath(locale)}`,
      ...SHARE_IMAGE_SIZE,
      alt: ctx.m.t("share.homeImageAlt", { campaign: ctx.campaignTitle, count: total }),
    },
  };
}

// The public pages, rendered on the server. Every page exists without a language prefix
// (language from Accept-Language) and with one (/es/…), which is what links and the switcher use.

/** Problems a person can fix, in their words (others get the general "please correct"). */
const PROBLEM_MESSAGES: Record<string, string> = {
  letter_too_long: "form.error.tooLong",
  letter_empty: "form.error.required",
  cross_site_form: "form.error.crossSite",
};

export type Params = { lang?: string; campaign?: string; slug?: string };

const HomeParams = Type.Object({
  lang: Type.Optional(LanguageTag({ description: "The page's language; else Accept-Language" })),
  campaign: Type.Optional(Slug({ description: "An edition; else the current one" })),
});

/**
 * Case texts and targets change rarely: read once per catalog version, not per page view. The
 * last list read is kept, so pages that show it keep working while the database is away.
 */
export function caseCache(runtime: Runtime) {
  let catalog = runtime.catalog();
  const cache = new Map<number, Promise<CaseDetail[]>>();
  const lastRead = new Map<number, CaseDetail[]>();
  return (campaignId: number) => {
    if (runtime.catalog() !== catalog) {
      catalog = runtime.catalog();
      cache.clear();
    }
    let cases = cache.get(campaignId);
    if (!cases) {
      cases = casesOfCampaign(runtime.db.pool, campaignId).then(
        (read) => {
          lastRead.set(campaignId, read);
          return read;
        },
        (error: unknown) => {
          cache.delete(campaignId);
          const last = lastRead.get(campaignId);
          if (last) return last;
          throw error;
        },
      );
      cache.set(campaignId, cases);
    }
    return cases;
  };
}

/** Registers the public pages; returns the handler that answers unknown paths with a page. */
export function pageRoutes(
  app: FastifyInstance,
  runtime: Runtime,
): {
  notFound: (request: FastifyRequest, reply: FastifyReply) => FastifyReply;
  problemPage: ProblemPage;
  /** The case cache, for other pages that show the cases (one cache, one read per change). */
  casesOf: (campaignId: number) => Promise<CaseDetail[]>;
  /** What the case page (features/cases/public) shares with the home page. */
  site: SiteDeps;
} {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const casesOf = caseCache(runtime);
  // Read now, while the database is there: the home page then never needs it.
  const current = currentCampaign(runtime.catalog());
  if (current) casesOf(current.id).catch(() => {});
  // The map changes only when the counter does: render it once per change and language.
  const maps = new Map<string, { version: string; svg: string; table: string }>();
  const mapFor = (campaign: CampaignInfo, view: CounterView, locale: UiLocale) => {
    const key = `${campaign.id}|${locale}`;
    const version = String(view.seq);
    const cached = maps.get(key);
    if (cached?.version === version) return cached;
    const m = messagesFor(locale);
    const common = { labelFor: m.country, formatNumber: m.number };
    const rendered = {
      version,
      svg: renderWorldMap(view.byCountry, {
        ...common,
        title: m.t("map.title"),
        legendLabel: m.t("map.legend"),
        noActionsLabel: m.t("map.none"),
        rtl: direction(locale) === "rtl",
        image: worldImagePath(view.byCountry),
      }),
      table: renderCountryTable(view.byCountry, {
        ...common,
        caption: m.t("map.legend"),
        countryHeader: m.t("map.country"),
        countHeader: m.t("map.count"),
        locale,
      }),
    };
    maps.set(key, rendered);
    return rendered;
  };

  const localeOf = (request: FastifyRequest<{ Params: Params }>): UiLocale | undefined => {
    const lang = request.params.lang;
    if (lang === undefined) return negotiateLocale(request.headers["accept-language"]);
    return isUiLocale(lang) ? lang : undefined;
  };

  const send = (reply: FastifyReply, locale: UiLocale, page: JSX.Element, status = 200) =>
    pageHeaders(reply, locale, status).send(html(page));

  const context = (locale: UiLocale, path: string, campaign: CampaignInfo): PageContext => ({
    m: messagesFor(locale),
    path,
    // The edition's title in the reader's language (approved), along the fallback chain.
    campaignTitle: campaignTitle(campaign, locale),
    homeHref: localHref(locale, "/"),
    publicUrl: runtime.config.publicUrl,
  });

  const notFound = (reply: FastifyReply, locale: UiLocale, path: string) =>
    sendNotFound(reply, locale, path, currentCampaign(runtime.catalog())?.title ?? "Inkwell");

  const home = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    // A malformed language or edition names no page (validated with attachValidation): 404.
    const locale = request.validationError ? undefined : localeOf(request);
    if (!locale) return notFound(reply, negotiateLocale(request.headers["accept-language"]), request.url);
    const campaign = request.params.campaign
      ? runtime.catalog().campaigns.get(request.params.campaign)
      : currentCampaign(runtime.catalog());
    const path = request.params.campaign ? `/c/${request.params.campaign}` : "/";
    if (!campaign) return notFound(reply, locale, path);
    const catalog = runtime.catalog();
    const now = new Date();
    const previous =
      campaign.previousId === null ? undefined : catalog.campaignsById.get(campaign.previousId);
    const status = campaignStatus(campaign, now);
    const cases = await casesOf(campaign.id);
    const freshness = runtime.sync.freshness(now);
    // Everything the page shows changes only with these, so they name the shared building;
    // the counters' versions rebuild it at most once a second.
    const version = [
      freshness.stale ? `stale@${freshness.asOf.toISOString()}` : "live",
      status,
      now.toISOString().slice(0, 10),
      // Any change to cases, texts or sections (a new translation approved) reloads the catalog.
      runtime.publicVersion(),
    ].join("|");
    const tick = `${runtime.counters.of(campaign.id).version}|${previous ? (runtime.counters.get(previous.id)?.version ?? 0) : 0}`;
    pageHeaders(reply, locale, 200);
    const build = () => {
      const view = counterView(runtime.counters, campaign, freshness);
      const data = {
        campaign,
        intro: campaignText(campaign, "intro", locale),
        status,
        view,
        staleSince: freshness.stale ? freshness.asOf : undefined,
        map: mapFor(campaign, view, locale),
        cases,
        timeline: {
          current: series(campaign, runtime.counters.get(campaign.id), "day", now),
          previous: previous ? series(previous, runtime.counters.get(previous.id), "day", now) : null,
        },
      };
      const ctx = context(locale, path, campaign);
      // The current edition's home has a share image of its own (its total, as of then).
      if (path === "/") ctx.meta = homeMeta(ctx, locale, data.view.total);
      return html(<HomePage ctx={ctx} data={data} />);
    };
    // Without a language in the path, the page's language is the browser's.
    const vary = request.params.lang === undefined ? "accept-language" : undefined;
    const type = "text/html; charset=utf-8";
    return sharedPage(request, reply, { key: `home|${locale}|${path}`, version, tick, type, vary, build });
  };

  for (const prefix of ["", "/:lang"]) {
    // The home page compresses itself, once per change (see SharedPages).
    const route = { ...SHARED_PAGE_ROUTE, schema: { params: HomeParams, response: pageResponses(404) } };
    typed.get(`${prefix}/`, { ...route, attachValidation: true }, home);
    typed.get(`${prefix}/c/:campaign`, { ...route, attachValidation: true }, home);
  }
  /** A form refused (too many actions, a post from another site, bad input): say so kindly. */
  const problemPage: ProblemPage = (request, reply, problem) => {
    // Any route's problem comes here: its language is the path's prefix, when it has one.
    const lang = request.url.split("/")[1] ?? "";
    const locale = isUiLocale(lang) ? lang : negotiateLocale(request.headers["accept-language"]);
    const m = messagesFor(locale);
    const campaign = currentCampaign(runtime.catalog());
    const back = request.url.replace(/\/(sign|solidarity|letter|letter\.pdf)(\?.*)?$/, "");
    const ctx: PageContext = {
      m,
      path: "/",
      campaignTitle: campaign?.title ?? "Inkwell",
      homeHref: localHref(locale, "/"),
    };
    const tooMany = problem.status === 429;
    const unavailable = problem.status === 503;
    const seconds = Number(reply.getHeader("retry-after") ?? 60);
    const key = unavailable
      ? "unavailable.title"
      : tooMany
        ? "form.tooMany.title"
        : (PROBLEM_MESSAGES[problem.code] ??
          (problem.status === 403 ? "form.error.expired" : "form.errorSummary"));
    const title = m.t(key);
    // A page that could not be shown is tried again at its own address; a form, from its page.
    const again = unavailable && request.method === "GET" ? request.url : back;
    return send(
      reply,
      locale,
      <Layout ctx={ctx} title={title}>
        <h1>{title}</h1>
        {tooMany ? <p>{m.t("form.tooMany.body", { seconds })}</p> : null}
        {unavailable ? <p>{m.t("unavailable.body")}</p> : null}
        <p>
          <a href={again}>{m.t(unavailable ? "unavailable.retry" : "form.tooMany.back")}</a>
        </p>
      </Layout>,
      problem.status,
    ).header("cache-control", "no-store");
  };

  return {
    notFound: (request, reply) => notFound(reply, negotiateLocale(request.headers["accept-language"]), "/"),
    problemPage,
    casesOf,
    site: { casesOf, localeOf, context, notFound },
  };
}
