import type { Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { casesOfCampaign } from "../../core/catalog/case-details.js";
import type { CampaignInfo, Catalog } from "../../core/catalog/catalog.js";
import type { Runtime } from "../../core/runtime.js";
import { Problem } from "../../platform/http/problems.js";
import { SlugParams } from "../../platform/http/schemas.js";

export function campaignStatus(campaign: CampaignInfo, now = new Date()): "upcoming" | "open" | "closed" {
  if (now < campaign.startsAt) return "upcoming";
  return now < campaign.endsAt ? "open" : "closed";
}

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
  app.get("/api/v1/campaigns", async () => {
    const catalog = runtime.catalog();
    return { campaigns: [...catalog.campaigns.values()].map((c) => presentCampaign(c, catalog)) };
  });

  app.get<{ Params: Static<typeof SlugParams> }>(
    "/api/v1/campaigns/:slug",
    { schema: { params: SlugParams } },
    async (request) => {
      const catalog = runtime.catalog();
      const campaign = findCampaign(runtime, request.params.slug);
      const cases = await casesOfCampaign(runtime.db.pool, campaign.id);
      return {
        ...presentCampaign(campaign, catalog),
        cases: cases.map(({ id: _id, ...rest }) => rest),
      };
    },
  );
}
