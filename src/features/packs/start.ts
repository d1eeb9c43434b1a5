import type { FastifyInstance } from "fastify";
import type { Runtime } from "../../core/runtime.js";
import { logJobFailure } from "../../platform/jobs/failure.js";
import { packBuilderOf } from "./builder.js";

/** With PACK_BUILDS, keeps the packs built from when the server is ready until it closes. */
export function startPackBuilds(app: FastifyInstance, runtime: Runtime): void {
  if (!runtime.config.packBuilds) return;
  const builder = packBuilderOf(runtime);
  app.addHook("onReady", async () => {
    builder.start((error) => logJobFailure(app.log, "case packs: a build failed", error));
  });
  app.addHook("preClose", async () => builder.stop());
}
