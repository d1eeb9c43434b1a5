import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { API_DOCS, OPENAPI_JSON } from "./openapi.js";

export { registerOpenApi } from "./openapi.js";

/**
 * The document at /api/openapi.json and a readable reference at /api/docs, served from the
 * swagger-ui package: no CDN, and a content security policy that allows only this origin.
 */
export async function apiDocsRoutes(app: FastifyInstance): Promise<void> {
  app.get(OPENAPI_JSON, { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header("cache-control", "public, max-age=60")
      .header("access-control-allow-origin", "*")
      .send(app.swagger()),
  );
  await app.register(swaggerUi, {
    routePrefix: API_DOCS,
    uiConfig: { deepLinking: true, defaultModelsExpandDepth: 0, tryItOutEnabled: false },
    validatorUrl: false,
    staticCSP:
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
      "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'",
  });
}
