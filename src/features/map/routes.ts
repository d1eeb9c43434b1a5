import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { Problem } from "../../platform/http/problems.js";
import { SHARED_PAGE_ROUTE, sharedPage } from "../../platform/http/shared-pages.js";
import { geometryVersion, renderLandImage, renderWorldImage } from "./images.js";

// GET /map/world-<version>.svg?b=<digits> and /map/land-<version>.svg: the public pages' map
// images (images.ts). The address names everything the image shows, so it is kept a year. An
// address from a node with other shapes (during a rolling upgrade) gets this node's shapes,
// kept only briefly, rather than no map.

const IMMUTABLE = "public, max-age=31536000, immutable";
const OTHER_SHAPES = "public, max-age=60";
const Params = Type.Object({
  file: Type.String({ description: "world-<version>.svg or land-<version>.svg" }),
});
const Query = Type.Object({
  b: Type.Optional(Type.String({ maxLength: 1000, description: "One colour digit (0-5) per country" })),
});
const Svg = {
  description: "The map as an SVG image",
  content: { "image/svg+xml": { schema: Type.Unsafe<unknown>({ type: "string" }) } },
};
const FILE = /^(world|land)-([0-9a-f]{12})\.svg$/;

export function mapImageRoutes(parent: FastifyInstance): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    "/map/:file",
    { ...SHARED_PAGE_ROUTE, schema: { params: Params, querystring: Query, response: { 200: Svg } } },
    (request, reply) => {
      const [, kind, version] = FILE.exec(request.params.file) ?? [];
      const digits = request.query.b ?? "";
      if (!kind) throw new Problem(404, "not_found", "There is no such map.");
      const current = version === geometryVersion();
      reply.header("cross-origin-resource-policy", "same-site");
      return sharedPage(request, reply, {
        key: `map|${kind}|${kind === "world" ? digits : ""}`,
        version: geometryVersion(),
        type: "image/svg+xml",
        cacheControl: current ? IMMUTABLE : OTHER_SHAPES,
        build: () => (kind === "world" ? renderWorldImage(digits) : renderLandImage()),
        missing: () => {
          throw new Problem(404, "not_found", "There is no such map.");
        },
      });
    },
  );
}
