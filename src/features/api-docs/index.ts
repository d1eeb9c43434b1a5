import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { API_DOCS, OPENAPI_JSON } from "./openapi.js";

export { registerOpenApi } from "./openapi.js";

const OpenApiDocument = {
  content: {
    "application/json": {
      schema: Type.Object({ openapi: Type.Literal("3.1.0") }, { additionalProperties: true }),
    },
  },
};

/**
 * The document at /api/openapi.json and a readable reference at /api/docs, served from the
 * swagger-ui package: no CDN, and a content security policy that allows only this origin.
 */
export async function apiDocsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    OPENAPI_JSON,
    { schema: { hide: true, response: { 200: OpenApiDocument } } },
    async (_request, reply) =>
      reply
        .header("cache-control", "public, max-age=60")
        .header("access-control-allow-origin", "*")
        .type("application/json; charset=utf-8")
        // Sent as text: the document is whatever @fastify/swagger built, not a shape to serialize.
        .send(JSON.stringify(app.swagger())),
  );
  await app.register(swaggerUi, {
    routePrefix: API_DOCS,
    uiConfig: { deepLinking: true, defaultModelsExpandDepth: 0, tryItOutEnabled: false },
    validatorUrl: false,
    // Replaces the site-wide page policy on these routes (the plugin sets it when it answers):
    // swagger-ui styles its elements inline and draws icons as data: images, so it needs
    // 'unsafe-inline' for style and data: for images; scripts stay this origin's only.
    staticCSP:
      "default-src 'self'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'; " +
      "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; " +
      "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  });
}
