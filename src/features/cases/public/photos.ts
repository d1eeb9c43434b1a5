import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { Runtime } from "../../../core/runtime.js";
import { Problem } from "../../../platform/http/problems.js";
import { isUuid } from "../../../platform/rules.js";

// GET /photos/:id/:width.webp — a case photo variant. A photo set never changes (a new upload
// gets a new id), so browsers and proxies may keep it for a year.

const FILE = /^([1-9]\d{0,4})\.webp$/;

// Any text: a malformed id or file name is a photo that does not exist (404), not a bad request.
const PhotoParams = Type.Object({
  id: Type.String({ description: "The photo set's UUID" }),
  file: Type.String({ description: "The variant: its width, e.g. 400.webp" }),
});

interface PhotoRow {
  content_type: string;
  bytes: Buffer;
}

export function photoRoutes(parent: FastifyInstance, runtime: Runtime): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    "/photos/:id/:file",
    {
      // Already compressed: compressing again only costs time.
      compress: false,
      schema: {
        params: PhotoParams,
        response: {
          200: {
            content: { "image/webp": { schema: Type.Unsafe<Buffer>({ type: "string", format: "binary" }) } },
          },
        },
      },
    },
    async (request, reply) => {
      const width = FILE.exec(request.params.file)?.[1];
      const id = request.params.id.toLowerCase();
      const found =
        width && isUuid(id)
          ? await runtime.db.pool.query<PhotoRow>(
              "SELECT content_type, bytes FROM case_photos WHERE set_id = $1 AND width = $2",
              [id, Number(width)],
            )
          : undefined;
      const row = found?.rows[0];
      if (!row) throw new Problem(404, "not_found", "There is no such photo.");
      return reply
        .type(row.content_type)
        .header("cache-control", "public, max-age=31536000, immutable")
        .header("x-content-type-options", "nosniff")
        .send(row.bytes);
    },
  );
}
