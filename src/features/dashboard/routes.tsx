import type { Readable } from "node:stream";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { campaignStatus, currentCampaign } from "../../core/catalog/current.js";
import { counterView } from "../../core/counter/presenter.js";
import { series } from "../../core/counter/timeline.js";
import type { Runtime } from "../../core/runtime.js";
import { Problem } from "../../platform/http/problems.js";
import { QueryText, single } from "../../platform/http/query.js";
import { pageResponses } from "../../platform/http/responses.js";
import { renderCountryTable, renderWorldMap } from "../map/index.js";
import {
  canExportCounts,
  canSeeOffice,
  currentUser,
  guard,
  OfficeLayout,
  officeMessages,
  ot,
  sendPage,
} from "../office/index.js";
import { listReports, seesReport } from "../reports/index.js";
import { sectionsCache } from "../sections/index.js";
import { translationProgress } from "../translations/index.js";
import { caseProgress, sectionLeaderboard } from "./data.js";
import { exportCounts } from "./export.js";
import { actionsBySource } from "./sources.js";
import { Dashboard } from "./views.js";

const LATEST_REPORTS = 20;

// The dashboard and the CSV export. Counts come from the node's in-memory counter, so a view
// costs no counting query. The numbers move live through the public counter stream
// (assets/live.js); without scripts the page shows the numbers as they were when it was loaded.

const CampaignQuery = Type.Object({
  campaign: QueryText({ description: "The edition's slug; the current edition when not given" }),
});

// Streamed as it is read (export.ts), so the reply is a stream of CSV text.
const CountsCsv = Type.Unsafe<Readable>({
  type: "string",
  description: "Counts by day, country, case and type",
});

/** The edition asked for (?campaign=slug), else the current one. */
function campaignOf(runtime: Runtime, slug: string | undefined): CampaignInfo | undefined {
  if (slug !== undefined && slug !== "") {
    const campaign = runtime.catalog().campaigns.get(slug);
    if (!campaign)
      throw new Problem(404, "unknown_campaign", ot("office.dashboard.unknownCampaign", { slug }));
    return campaign;
  }
  return currentCampaign(runtime.catalog());
}

export function dashboardRoutes(server: FastifyInstance, runtime: Runtime): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  const sections = sectionsCache(runtime);
  // The map changes only with the counter: rendered once per change and language, whoever looks.
  const maps = new Map<string, { key: string; svg: string; table: string }>();
  const mapOf = (campaign: CampaignInfo, byCountry: Record<string, number>) => {
    const m = officeMessages();
    const key = `${campaign.id}|${runtime.counters.of(campaign.id).version}`;
    let map = maps.get(m.locale);
    if (map?.key !== key) {
      const common = { labelFor: m.country, formatNumber: m.number };
      map = {
        key,
        svg: renderWorldMap(byCountry, {
          ...common,
          title: m.t("map.title"),
          legendLabel: m.t("map.legend"),
          noActionsLabel: m.t("map.none"),
        }),
        table: renderCountryTable(byCountry, {
          ...common,
          caption: m.t("map.legend"),
          countryHeader: m.t("map.country"),
          countHeader: m.t("map.count"),
          locale: m.locale,
        }),
      };
      maps.set(m.locale, map);
    }
    return map;
  };

  app.get(
    "/office",
    {
      preValidation: guard(canSeeOffice),
      schema: { querystring: CampaignQuery, response: pageResponses(404) },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const campaign = campaignOf(runtime, single(request.query.campaign));
      const csrf = reply.generateCsrf();
      if (!campaign) {
        return sendPage(
          reply,
          <OfficeLayout title={ot("office.menu.dashboard")} user={user} csrf={csrf} current="/office">
            <p>{ot("office.dashboard.noCampaign")}</p>
          </OfficeLayout>,
        );
      }
      const catalog = runtime.catalog();
      const counter = runtime.counters.of(campaign.id);
      const view = counterView(runtime.counters, campaign);
      const now = new Date();
      const previous =
        campaign.previousId === null ? undefined : catalog.campaignsById.get(campaign.previousId);
      const [allSections, translations, visible, sources] = await Promise.all([
        sections(),
        translationProgress(pool, campaign.id),
        listReports(pool, user, catalog, { campaignId: campaign.id, limit: LATEST_REPORTS }),
        actionsBySource(pool, campaign.id),
      ]);
      return sendPage(
        reply,
        <OfficeLayout title={ot("office.menu.dashboard")} user={user} csrf={csrf} current="/office">
          <Dashboard
            campaign={campaign}
            campaigns={[...catalog.campaigns.values()].reverse()}
            previous={previous}
            status={campaignStatus(campaign, now)}
            view={view}
            map={mapOf(campaign, view.byCountry)}
            timeline={{
              current: series(campaign, counter, "day", now),
              previous: previous ? series(previous, runtime.counters.get(previous.id), "day", now) : null,
            }}
            leaderboard={sectionLeaderboard(allSections.values(), counter, campaign.id, user)}
            cases={caseProgress(campaign, counter, catalog)}
            sources={sources}
            translations={translations}
            // The policy has the last word, should the query and it ever disagree.
            reports={visible.filter((r) => seesReport(user, r, runtime.sectionOf))}
            canExport={canExportCounts(user)}
          />
        </OfficeLayout>,
      );
    },
  );

  app.get(
    "/office/export.csv",
    {
      preValidation: guard(canExportCounts),
      schema: {
        querystring: CampaignQuery,
        response: {
          200: { content: { "text/csv": { schema: CountsCsv } } },
        },
      },
    },
    async (request, reply) => {
      const campaign = campaignOf(runtime, single(request.query.campaign));
      if (!campaign) throw new Problem(404, "unknown_campaign", ot("office.dashboard.noCampaign"));
      // The export streams for as long as the reader takes: the long bounds, not the requests'.
      const csv = await exportCounts(runtime.db.bulk, campaign.id);
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="inkwell-${campaign.slug}-counts.csv"`)
        .send(csv);
    },
  );
}
