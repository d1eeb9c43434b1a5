import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { casesOfCampaign } from "../../core/catalog/case-details.js";
import type { CampaignInfo, Catalog } from "../../core/catalog/catalog.js";
import { campaignStatus } from "../../core/catalog/current.js";
import type { Runtime } from "../../core/runtime.js";
import { Problem } from "../../platform/http/problems.js";
import { problemResponses, SlugParams } from "../../platform/http/schemas.js";
import { SHARED_PAGE_ROUTE, sharedPage } from "../../platform/http/shared-pages.js";
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
  },
  { title: "Campaign" },
);

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

export function presentCampaign(campaign: CampaignInfo, catalog: Catalog) {
  return {
    slug: campaign.slug,
    title: campaign.title,
    startsAt: campaign.startsAt.toISOString(),
    endsAt: campaign.endsAt.toISOString(),
    status: campaignStatus(campaign),
    goal: campaign.goal,
    previous:
      campaign.previousId === null ? null : (catalog.campaignsById.get(campaign.previousId)?.slug ?? null),
    defaultLanguage: campaign.defaultLanguage,
  };
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
        response: { 200: CampaignList, ...problemResponses({ 500: "Something went wrong" }) },
      },
      onSend: allowAnyOrigin,
      ...SHARED_PAGE_ROUTE,
    },
    async (request, reply) => {
      const catalog = runtime.catalog();
      const campaigns = [...catalog.campaigns.values()];
      // The editions' statuses move with the clock, the rest with the catalog.
      const statuses = campaigns.map((c) => campaignStatus(c)[0]).join("");
      return sharedPage(request, reply, {
        key: "api|campaigns",
        version: `${runtime.publicVersion()}|${statuses}`,
        type: "application/json; charset=utf-8",
        // The route's own serializer, as when the handler returned the object.
        build: () =>
          reply.serialize({ campaigns: campaigns.map((c) => presentCampaign(c, catalog)) }) as string,
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
        response: {
          200: CampaignDetail,
          ...problemResponses({ 400: "`validation_failed`: not a slug", 404: "`unknown_campaign`" }),
        },
      },
      onSend: allowAnyOrigin,
      ...SHARED_PAGE_ROUTE,
    },
    async (request, reply) => {
      const catalog = runtime.catalog();
      const campaign = findCampaign(runtime, request.params.slug);
      const build = async () => {
        const cases = await casesOfCampaign(runtime.db.pool, campaign.id);
        const detail = {
          ...presentCampaign(campaign, catalog),
          cases: cases.map(({ id: _id, ...rest }) => rest),
        };
        return reply.serialize(detail) as string;
      };
      return sharedPage(request, reply, {
        key: `api|campaign|${campaign.id}`,
        // Case texts, targets and photos are the catalog's (their edits announce it).
        version: `${runtime.publicVersion()}|${campaignStatus(campaign)}`,
        type: "application/json; charset=utf-8",
        build,
      });
    },
  );
  answerPreflight(app, "/api/v1/campaigns/:slug");
}
