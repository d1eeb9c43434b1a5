import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { currentCampaign } from "../../core/catalog/current.js";
import type { Runtime } from "../../core/runtime.js";
import { QueryText, single } from "../../platform/http/query.js";
import { pageResponses } from "../../platform/http/responses.js";
import { canReadActivity, currentUser, guard, OfficeLayout, ot, sendPage } from "../office/index.js";
import { activityOfHour } from "./activity.js";
import { Activity } from "./activity-view.js";

// Admins see who acted most in an hour, per case, against their usual level.

const HOUR_MS = 3_600_000;

const ActivityQuery = Type.Object({
  campaign: QueryText({ description: "The edition's slug; else the current one" }),
  hour: QueryText({ description: "The hour's start in UTC, YYYY-MM-DDTHH; else the current hour" }),
});

/** YYYY-MM-DDTHH (UTC) of an hour's start. */
export const hourValue = (date: Date): string => date.toISOString().slice(0, 13);

function parseHour(value: string | undefined, now: number): Date {
  const current = new Date(Math.floor(now / HOUR_MS) * HOUR_MS);
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}$/.test(value)) return current;
  const date = new Date(`${value}:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.getTime() > current.getTime()) return current;
  return date;
}

export function activityRoutes(server: FastifyInstance, runtime: Runtime): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    "/office/activity",
    {
      preValidation: guard(canReadActivity),
      schema: { querystring: ActivityQuery, response: pageResponses() },
    },
    async (request, reply) => {
      const catalog = runtime.catalog();
      const campaigns = [...catalog.campaigns.values()].sort(
        (a, b) => b.startsAt.getTime() - a.startsAt.getTime(),
      );
      const asked = single(request.query.campaign);
      const campaign =
        (asked ? catalog.campaigns.get(asked) : undefined) ?? currentCampaign(catalog) ?? campaigns[0];
      const now = Date.now();
      const hour = parseHour(single(request.query.hour), now);
      const sources = campaign ? await activityOfHour(runtime.db.pool, campaign.id, hour) : [];
      const caseIds = [...new Set(sources.map((s) => s.caseId))];
      const cases = caseIds
        .map((id) => ({
          slug: catalog.caseSlugs.get(id) ?? String(id),
          sources: sources.filter((s) => s.caseId === id),
        }))
        .sort((a, b) => a.slug.localeCompare(b.slug));
      const next =
        hour.getTime() + HOUR_MS <= now ? hourValue(new Date(hour.getTime() + HOUR_MS)) : undefined;
      return sendPage(
        reply,
        <OfficeLayout
          title={ot("office.menu.activity")}
          user={currentUser(request)}
          csrf={reply.generateCsrf()}
          current="/office/activity"
        >
          <Activity
            campaigns={campaigns.map((c): [string, string] => [c.slug, c.title])}
            campaign={campaign?.slug ?? ""}
            hour={hour}
            hourValue={hourValue(hour)}
            previous={hourValue(new Date(hour.getTime() - HOUR_MS))}
            next={next}
            cases={cases}
          />
        </OfficeLayout>,
      );
    },
  );
}
