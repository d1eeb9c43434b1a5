import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { match } from "@formatjs/intl-localematcher";
import type { FastifyInstance } from "fastify";
import Negotiator from "negotiator";
import { Type } from "typebox";
import { campaignText } from "../../core/catalog/campaign-texts.js";
import { casesOfCampaign } from "../../core/catalog/case-details.js";
import type { CampaignInfo, Catalog } from "../../core/catalog/catalog.js";
import { campaignStatus } from "../../core/catalog/current.js";
import type { Runtime } from "../../core/runtime.js";
import { Problem } from "../../platform/http/problems.js";
import { problemResponses, SlugParams } from "../../platform/http/schemas.js";
import { SHARED_PAGE_ROUTE, sharedPage } from "../../platform/http/shared-pages.js";
import { canonicalLanguage, LanguageTag } from "../../platform/rules.js";
import { allowAnyOrigin, answerPreflight } from "./cors.js";

const DateTime = Type.String({ format: "date-time" });

export const CampaignSchema = Type.Object(
  {
    slug: Type.String({ examples: ["w4r-2012"] }),
    title: Type.String(),
    startsAt: DateTime,
    endsAt: DateTime,
    status: Type.Union([Type.Literal("upcoming"), Type.Literal("open"), Type.Literal("closed")]),
    goal: Type.Integer({ minimum: 0 }),
    previous: Type.Union([Type.String(), Type.Null()], { description: "the previous edition's slug" }),
    defaultLanguage: Type.String(),
    intro: Type.String({ description: "'' when not written; in `language`, like the title" }),
    language: Type.String({
      description:
        "the language `title` and `intro` are in: the one asked for (`?lang=`, else Accept-Language) or the next of its fallback chain, else the default language",
    }),
    texts: Type.Record(Type.String(), Type.Object({ title: Type.String(), intro: Type.String() }), {
      description: "by language, the approved title and intro ('' where not translated)",
    }),
  },
  { title: "Campaign" },
);

const LangQuery = Type.Object({
  lang: Type.Optional(
    LanguageTag({
      description:
        "The language of the titles and intros (BCP 47); without it the best of Accept-Language among the editions' languages, else each edition's default language",
    }),
  ),
});

const CaseText = Type.Object({
  title: Type.String(),
  summary: Type.String(),
  story: Type.String(),
  ask: Type.String(),
  sampleLetter: Type.String({ description: "'' when the site's default letter is used" }),
  photoAlt: Type.String({ description: "'' when not written" }),
  cardsAddress: Type.String({ description: "where solidarity cards go; '' when not written" }),
});

const TargetText = {
  title: Type.String(),
  salutation: Type.String({ description: "how a letter greets the target; '' when not written" }),
  postalAddress: Type.String(),
};

const CampaignCase = Type.Object({
  slug: Type.String(),
  country: Type.String({ description: "ISO 3166-1 alpha-2" }),
  sourceLanguage: Type.String({ description: "the language the case and its targets are written in" }),
  texts: Type.Record(Type.String(), CaseText, { description: "by language, approved texts only" }),
  targets: Type.Array(
    Type.Object({
      name: Type.String(),
      ...TargetText,
      email: Type.Union([Type.String(), Type.Null()]),
      texts: Type.Record(Type.String(), Type.Object(TargetText), {
        description: "approved translations by language; a part '' is not translated (use the source's)",
      }),
    }),
  ),
  photo: Type.Union([
    Type.Object({
      id: Type.String(),
      variants: Type.Array(
        Type.Object({ width: Type.Integer(), height: Type.Integer(), url: Type.String() }),
        { description: "narrowest first" },
      ),
    }),
    Type.Null(),
  ]),
});

const CampaignDetail = Type.Object(
  { ...CampaignSchema.properties, cases: Type.Array(CampaignCase) },
  { title: "CampaignDetail" },
);

const CampaignList = Type.Object({ campaigns: Type.Array(CampaignSchema) });

/** An edition as the API shows it, its title and intro in `language` (or along its chain). */
export function presentCampaign(campaign: CampaignInfo, catalog: Catalog, language?: string) {
  const wanted = language ?? campaign.defaultLanguage;
  const title = campaignText(campaign, "title", wanted);
  const intro = campaignText(campaign, "intro", wanted);
  const texts: Record<string, { title: string; intro: string }> = {};
  for (const [tag, fields] of campaign.texts)
    texts[tag] = { title: fields.get("title") ?? "", intro: fields.get("intro") ?? "" };
  return {
    slug: campaign.slug,
    title: title?.text ?? campaign.title,
    startsAt: campaign.startsAt.toISOString(),
    endsAt: campaign.endsAt.toISOString(),
    status: campaignStatus(campaign),
    goal: campaign.goal,
    previous:
      campaign.previousId === null ? null : (catalog.campaignsById.get(campaign.previousId)?.slug ?? null),
    defaultLanguage: campaign.defaultLanguage,
    // The intro follows the title's language when it has a text there, so the two agree.
    intro:
      (intro?.language === (title?.language ?? campaign.defaultLanguage) ? intro?.text : undefined) ?? "",
    language: title?.language ?? campaign.defaultLanguage,
    texts,
  };
}

/**
 * The language a reader asks the editions in: `?lang=` (named by the address: the same for
 * everyone), else Accept-Language — either matched to the languages the editions are written in
 * (CLDR distances: es-MX and ca find es), else none: each edition's default. `varies` says the
 * answer depended on Accept-Language, so it is kept per match and says so (Vary).
 */
function readerLanguage(
  asked: string | undefined,
  acceptLanguage: string | undefined,
  campaigns: CampaignInfo[],
): { language: string | undefined; varies: boolean } {
  const available = [...new Set(campaigns.flatMap((c) => [...c.texts.keys()]))];
  // Matched to a language the editions have, so made-up tags share one page with their match.
  const best = (requested: string[]) => {
    try {
      const found = match(requested, available, "und");
      return found === "und" ? undefined : found;
    } catch {
      // Malformed tags: as if none were sent.
      return undefined;
    }
  };
  if (asked) return { language: best([canonicalLanguage(asked) ?? asked]), varies: false };
  if (!acceptLanguage) return { language: undefined, varies: true };
  const requested = new Negotiator({ headers: { "accept-language": acceptLanguage } }).languages();
  return { language: best(requested), varies: true };
}

export function findCampaign(runtime: Runtime, slug: string): CampaignInfo {
  const campaign = runtime.catalog().campaigns.get(slug);
  if (!campaign) throw new Problem(404, "unknown_campaign", `There is no campaign "${slug}".`);
  return campaign;
}

export function campaignRoutes(app: FastifyInstance, runtime: Runtime): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    "/api/v1/campaigns",
    {
      schema: {
        tags: ["campaigns"],
        summary: "The editions",
        querystring: LangQuery,
        response: {
          200: CampaignList,
          ...problemResponses({
            400: "`validation_failed`: not a language tag",
            500: "Something went wrong",
          }),
        },
      },
      onSend: allowAnyOrigin,
      ...SHARED_PAGE_ROUTE,
    },
    async (request, reply) => {
      const catalog = runtime.catalog();
      const campaigns = [...catalog.campaigns.values()];
      // The editions' statuses move with the clock, the rest with the catalog.
      const statuses = campaigns.map((c) => campaignStatus(c)[0]).join("");
      const { language, varies } = readerLanguage(
        request.query.lang,
        request.headers["accept-language"],
        campaigns,
      );
      return sharedPage(request, reply, {
        // One page per language the editions are shown in, not per header sent.
        key: `api|campaigns|${language ?? ""}`,
        version: `${runtime.publicVersion()}|${statuses}`,
        type: "application/json; charset=utf-8",
        ...(varies ? { vary: "accept-language" } : {}),
        // The route's own serializer, as when the handler returned the object.
        build: () =>
          reply.serialize({
            campaigns: campaigns.map((c) => presentCampaign(c, catalog, language)),
          }) as string,
      });
    },
  );
  answerPreflight(app, "/api/v1/campaigns");

  api.get(
    "/api/v1/campaigns/:slug",
    {
      schema: {
        tags: ["campaigns"],
        summary: "One edition with its cases, texts and targets",
        params: SlugParams,
        querystring: LangQuery,
        response: {
          200: CampaignDetail,
          ...problemResponses({
            400: "`validation_failed`: not a slug or not a language tag",
            404: "`unknown_campaign`",
          }),
        },
      },
      onSend: allowAnyOrigin,
      ...SHARED_PAGE_ROUTE,
    },
    async (request, reply) => {
      const catalog = runtime.catalog();
      const campaign = findCampaign(runtime, request.params.slug);
      const { language, varies } = readerLanguage(request.query.lang, request.headers["accept-language"], [
        campaign,
      ]);
      const build = async () => {
        const cases = await casesOfCampaign(runtime.db.pool, campaign.id);
        const detail = {
          ...presentCampaign(campaign, catalog, language),
          cases: cases.map(({ id: _id, ...rest }) => rest),
        };
        return reply.serialize(detail) as string;
      };
      return sharedPage(request, reply, {
        key: `api|campaign|${campaign.id}|${language ?? ""}`,
        ...(varies ? { vary: "accept-language" } : {}),
        // Case texts, targets and photos are the catalog's (their edits announce it).
        version: `${runtime.publicVersion()}|${campaignStatus(campaign)}`,
        type: "application/json; charset=utf-8",
        build,
      });
    },
  );
  answerPreflight(app, "/api/v1/campaigns/:slug");
}
