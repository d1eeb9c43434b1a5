import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { type Bucket, series } from "../../core/counter/timeline.js";
import type { Runtime } from "../../core/runtime.js";
import { SlugParams } from "../../platform/http/schemas.js";
import { findCampaign } from "../campaigns/api.js";

const TimelineQuery = Type.Object({
  bucket: Type.Optional(Type.Unsafe<Bucket>(Type.String({ enum: ["hour", "day"] }))),
});

export function counterRoutes(app: FastifyInstance, runtime: Runtime): void {
  app.get<{ Params: Static<typeof SlugParams> }>(
    "/api/v1/campaigns/:slug/counter",
    { schema: { params: SlugParams } },
    async (request, reply) => {
      const rendered = runtime.renderer.render(findCampaign(runtime, request.params.slug));
      reply.header("etag", rendered.etag).header("cache-control", "public, max-age=1");
      if (request.headers["if-none-match"] === rendered.etag) return reply.code(304).send();
      return reply.type("application/json; charset=utf-8").send(rendered.json);
    },
  );

  app.get<{ Params: Static<typeof SlugParams> }>(
    "/api/v1/campaigns/:slug/counter/stream",
    { schema: { params: SlugParams } },
    async (request, reply) => {
      const campaign = findCampaign(runtime, request.params.slug);
      // From here on the response is a long-lived stream written by CounterStreams.
      reply.hijack();
      request.raw.socket.setTimeout(0);
      runtime.streams.subscribe(campaign, reply.raw);
    },
  );

  app.get<{ Params: Static<typeof SlugParams>; Querystring: Static<typeof TimelineQuery> }>(
    "/api/v1/campaigns/:slug/counter/timeline",
    { schema: { params: SlugParams, querystring: TimelineQuery } },
    async (request, reply) => {
      const catalog = runtime.catalog();
      const campaign = findCampaign(runtime, request.params.slug);
      const bucket = request.query.bucket ?? "day";
      const now = new Date();
      const previous =
        campaign.previousId === null ? undefined : catalog.campaignsById.get(campaign.previousId);
      reply.header("cache-control", "public, max-age=5");
      return {
        campaign: campaign.slug,
        bucket,
        current: series(campaign, runtime.counters.get(campaign.id), bucket, now),
        previous: previous ? series(previous, runtime.counters.get(previous.id), bucket, now) : null,
      };
    },
  );
}
