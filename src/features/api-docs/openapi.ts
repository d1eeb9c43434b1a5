import { createRequire } from "node:module";
import swagger from "@fastify/swagger";
import type { FastifyInstance } from "fastify";
import { ProblemSchema } from "../../platform/http/schemas.js";

// The OpenAPI 3.1 document is generated from the route schemas: every /api/ route is in it,
// nothing else (pages, back office, the documentation's own routes).

const { version } = createRequire(import.meta.url)("../../../package.json") as { version: string };

export const OPENAPI_JSON = "/api/openapi.json";
export const API_DOCS = "/api/docs";

/** Whether a route belongs in the OpenAPI document. */
export function documented(url: string): boolean {
  return url.startsWith("/api/") && url !== OPENAPI_JSON && !url.startsWith(API_DOCS);
}

/**
 * Registers the shared schemas and the collector of route schemas. Call before any route is
 * registered: the collector sees only the routes that come after it.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  app.addSchema(ProblemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Inkwell API",
        version,
        description:
          "Actions, campaigns and the live counter of a letter-writing marathon. Errors are " +
          "`application/problem+json` (RFC 9457) with a stable `code`. The public reads allow any " +
          "origin (CORS, no credentials); POST /api/v1/actions does not. Full prose: docs/API.md.",
        license: { name: "AGPL-3.0-or-later", identifier: "AGPL-3.0-or-later" },
      },
      tags: [
        { name: "actions", description: "Record letters, signatures and reported batches" },
        { name: "campaigns", description: "The editions, their cases and targets" },
        { name: "counter", description: "The live counter, its stream and its timeline" },
      ],
      components: {
        securitySchemes: {
          reporterToken: {
            type: "http",
            scheme: "bearer",
            description: "A reporter token (REPORTER_TOKENS), needed for quantity > 1",
          },
        },
      },
    },
    // Shared schemas keep their $id as their name under components.schemas (Problem).
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === "string" ? json.$id : `def-${i}`,
    },
    transform: ({ schema, url }) => ({
      schema: documented(url) ? schema : { ...schema, hide: true },
      url,
    }),
  });
}
