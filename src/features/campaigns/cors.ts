import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

// The public reads (campaigns, counter, stream, timeline) are open data: any site may read them
// from a browser, without credentials. Writes get no CORS headers, so browsers keep other sites
// from posting actions in a visitor's name.

const ALLOW = {
  "access-control-allow-origin": "*",
  // Lets a page read the counter's ETag and caching, to send If-None-Match itself.
  "access-control-expose-headers": "ETag, Cache-Control",
};

/** A route onSend hook: every answer of the route (200, 304, problems) allows any origin. */
export async function allowAnyOrigin(_request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  reply.headers(ALLOW);
  return payload;
}

/** For answers written straight to the socket (the stream), which skip onSend hooks. */
export function allowAnyOriginRaw(reply: FastifyReply): void {
  for (const [name, value] of Object.entries(ALLOW)) reply.raw.setHeader(name, value);
}

/**
 * Answers a CORS preflight for a public read. A plain GET needs none, but a page that sends
 * If-None-Match (the counter) or an EventSource that reconnects with Last-Event-ID does.
 */
export function answerPreflight(app: FastifyInstance, url: string): void {
  app.options(url, { schema: { hide: true } }, (_request, reply) =>
    reply
      .code(204)
      .headers({
        ...ALLOW,
        "access-control-allow-methods": "GET, HEAD, OPTIONS",
        "access-control-allow-headers": "If-None-Match, Last-Event-ID, Cache-Control",
        "access-control-max-age": "86400",
      })
      .send(),
  );
}
