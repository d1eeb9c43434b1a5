import type { FastifyInstance } from "fastify";
import type { Runtime } from "../../../core/runtime.js";
import { Problem } from "../../../platform/http/problems.js";

// GET /photos/:id/:width.webp — a case photo variant. A photo set never changes (a new upload
// gets a new id), so browsers and proxies may keep it for a year.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FILE = /^([1-9]\d{0,4})\.webp$/;

export function photoRoutes(app: FastifyInstance, runtime: Runtime): void {
  app.get<{ Params: { id: string; file: string } }>(
    "/photos/:id/:file",
    // Already compressed: compressing again only costs time.
    { compress: false },
    async (request, reply) => {
      const width = FILE.exec(request.params.file)?.[1];
      const id = request.params.id.toLowerCase();
      const found =
        width && UUID.test(id)
          ? await runtime.db.pool.query(
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
