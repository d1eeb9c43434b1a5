import type { FastifyInstance } from "fastify";
import type { Runtime } from "../../core/runtime.js";
import { packBuilderOf } from "./builder.js";

/** With PACK_BUILDS, keeps the packs built from when the server is ready until it closes. */
export function startPackBuilds(app: FastifyInstance, runtime: Runtime): void {
  if (!runtime.config.packBuilds) return;
  const builder = packBuilderOf(runtime);
  app.addHook("onReady", async () => {
    builder.start((error) => app.log.error({ err: error }, "case packs: a build failed"));
  });
  app.addHook("preClose", async () => builder.stop());
}
