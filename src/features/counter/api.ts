import { Readable } from "node:stream";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { type CounterView, jsonAsOf, OTHER_CASES } from "../../core/counter/presenter.js";
import { type Bucket, series } from "../../core/counter/timeline.js";
import type { Runtime } from "../../core/runtime.js";
import { addressKey, reportOncePerMinute } from "../../platform/http/connections.js";
import { Problem, sendProblem } from "../../platform/http/problems.js";
import { problemResponses, SlugParams } from "../../platform/http/schemas.js";
import { allowAnyOrigin, allowAnyOriginRaw, answerPreflight, findCampaign } from "../campaigns/index.js";

const TimelineQuery = Type.Object({
  bucket: Type.Optional(Type.Unsafe<Bucket>(Type.String({ enum: ["hour", "day"], default: "day" }))),
});

const Counts = (description: string) =>
  Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description });

/** The counter as CounterRenderer serializes it (see counterView). */
export const CounterSchema = Type.Unsafe<CounterView>(
  Type.Object(
    {
      campaign: Type.String(),
      total: Type.Integer({ minimum: 0 }),
      goal: Type.Integer({ minimum: 0 }),
      previousTotal: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
        description: "the previous edition's total; null without one",
      }),
      byCountry: Counts("countries with actions, largest first"),
      byCase: Counts(
        `every featured case; the actions of cases no longer featured (an unpublished case) are summed under "${OTHER_CASES}"`,
      ),
      byType: Counts("every action type"),
      perMinute: Type.Number({ minimum: 0, description: "actions a minute over the last five minutes" }),
      seq: Type.Integer({ minimum: 0, description: "increases with every change seen by this node" }),
      stale: Type.Boolean({
        description:
          "true while this node is cut off from the ledger (its database or the other nodes' announcements): the numbers may be behind",
      }),
      asOf: Type.String({
        format: "date-time",
        description:
          "the moment the numbers were exact: the time of the answer, or while stale, when the node was cut off",
      }),
    },
    { title: "Counter" },
  ),
);

const Point = Type.Object({
  at: Type.String({ format: "date-time" }),
  offset: Type.Integer({ minimum: 0, description: "bucket number since the start of the edition" }),
  count: Type.Integer({ minimum: 0 }),
  cumulative: Type.Integer({ minimum: 0 }),
});

const Series = Type.Object(
  {
    campaign: Type.String(),
    startsAt: Type.String({ format: "date-time" }),
    endsAt: Type.String({ format: "date-time" }),
    points: Type.Array(Point),
  },
  { title: "Series" },
);

const Timeline = Type.Object({
  campaign: Type.String(),
  bucket: Type.Unsafe<Bucket>(Type.String({ enum: ["hour", "day"] })),
  current: Series,
  previous: Type.Union([Series, Type.Null()]),
});

const NOT_A_SLUG = "`validation_failed`: not a slug";

export function counterRoutes(app: FastifyInstance, runtime: Runtime): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const reportRefusal = reportOncePerMinute((message) => app.log.warn(message));
  const counter = "/api/v1/campaigns/:slug/counter";
  api.get(
    counter,
    {
      schema: {
        tags: ["counter"],
        summary: "Total, goal, last year, by country, case and type",
        description:
          "Served from memory, with an ETag: `If-None-Match` answers 304 while unchanged. Also while " +
          "the database cannot be reached: then `stale` is true and `asOf` says how old the numbers are.",
        params: SlugParams,
        headers: Type.Object({ "if-none-match": Type.Optional(Type.String()) }),
        response: {
          200: CounterSchema,
          304: Type.Unsafe<undefined>({
            type: "null",
            description: "Not modified since the ETag in If-None-Match",
          }),
          ...problemResponses({ 400: NOT_A_SLUG, 404: "`unknown_campaign`" }),
        },
      },
      onSend: allowAnyOrigin,
    },
    async (request, reply) => {
      const rendered = runtime.renderer.render(findCampaign(runtime, request.params.slug));
      reply.header("etag", rendered.etag).header("cache-control", "public, max-age=1");
      if (request.headers["if-none-match"] === rendered.etag) return reply.code(304).send(undefined);
      // Serialized once per change for every request and stream: a string is sent as it is,
      // not through the response schema's serializer.
      const json = rendered.stale ? rendered.json : jsonAsOf(rendered, new Date());
      return reply.type("application/json; charset=utf-8").send(json as unknown as CounterView);
    },
  );
  answerPreflight(app, counter);

  api.get(
    `${counter}/stream`,
    {
      schema: {
        tags: ["counter"],
        summary: "The counter, live, as Server-Sent Events",
        description:
          "Event `counter` with the counter as JSON (`id` = `seq`), at once and then whenever it " +
          "changed, at most 4 times a second; a comment every 15 s; `retry: 3000`.",
        params: SlugParams,
        headers: Type.Object({ "last-event-id": Type.Optional(Type.String()) }),
        response: {
          200: {
            description: "A stream of `counter` events, each with the counter as its data",
            content: {
              "text/event-stream": {
                schema: Type.String({
                  examples: ['event: counter\nid: 12\ndata: {"campaign":"w4r-2012","total":354017,…}\n\n'],
                }),
              },
            },
          },
          ...problemResponses({
            400: NOT_A_SLUG,
            404: "`unknown_campaign`",
            503: "`too_many_streams`: this address holds MAX_STREAMS_PER_ADDRESS streams; `node_full`: this node holds MAX_STREAMS streams (both with Retry-After; another node may have room)",
          }),
        },
      },
      onSend: allowAnyOrigin,
    },
    async (request, reply) => {
      const campaign = findCampaign(runtime, request.params.slug);
      const client = addressKey(request.ip);
      const refusal = runtime.streams.refuses(client);
      if (refusal !== undefined) {
        // A decision, not a failure: logged once a minute per address (the node's cap once a
        // minute), not as an error. The connection is closed with the answer, so a refused
        // viewer holds no file either, and a proxy may send the retry to another node.
        reportRefusal(
          refusal === "node" ? "" : client,
          refusal === "node"
            ? `the node holds ${runtime.streams.max} counter streams (MAX_STREAMS); new ones are refused`
            : `${client} holds ${runtime.config.maxStreamsPerAddress} counter streams (MAX_STREAMS_PER_ADDRESS); its new ones are refused`,
        );
        reply.header("retry-after", "10").header("connection", "close");
        return sendProblem(
          reply,
          refusal === "node"
            ? new Problem(
                503,
                "node_full",
                "This server holds all the live counters it can; try again later.",
              )
            : new Problem(
                503,
                "too_many_streams",
                "Too many live counters are open from this address; try again later.",
              ),
        );
      }
      // What a GET would answer, without the stream that would never end. An empty stream, not
      // an empty string: Fastify would announce its length, 0, which a GET does not have.
      if (request.method === "HEAD") {
        reply.type("text/event-stream; charset=utf-8").header("cache-control", "no-cache, no-transform");
        return reply.send(Readable.from([]) as never);
      }
      // From here on the response is a long-lived stream written by CounterStreams; it skips
      // onSend hooks, so the CORS header goes on the raw response. The socket keeps its idle
      // timeout: heartbeats keep a reading viewer's stream open, a stuck one is dropped.
      allowAnyOriginRaw(reply);
      reply.hijack();
      runtime.streams.subscribe(campaign, reply.raw, client);
    },
  );
  answerPreflight(app, `${counter}/stream`);

  api.get(
    `${counter}/timeline`,
    {
      schema: {
        tags: ["counter"],
        summary: "This edition and the previous one, bucketed, for charts",
        description: "Dense UTC buckets from the start of the edition to its end or to now.",
        params: SlugParams,
        querystring: TimelineQuery,
        response: {
          200: Timeline,
          ...problemResponses({
            400: "`validation_failed`: not a slug or an unknown bucket",
            404: "`unknown_campaign`",
          }),
        },
      },
      onSend: allowAnyOrigin,
    },
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
  answerPreflight(app, `${counter}/timeline`);
}
