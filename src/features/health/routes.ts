import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { Runtime } from "../../core/runtime.js";

const DB_CHECK_TIMEOUT_MS = 1000;

async function databaseReachable(runtime: Runtime): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), DB_CHECK_TIMEOUT_MS);
  });
  const check = runtime.db.pool.query("SELECT 1").then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const Alive = Type.Object({ status: Type.Literal("ok") });
const Readiness = Type.Object({
  status: Type.Union([Type.Literal("ready"), Type.Literal("not ready")]),
  checks: Type.Object({ database: Type.Boolean(), counters: Type.Boolean(), listening: Type.Boolean() }),
});

export function healthRoutes(app: FastifyInstance, runtime: Runtime): void {
  // Alive: the process answers. Ready: it can take actions and serve exact counters.
  app.get("/healthz", { schema: { response: { 200: Alive } } }, async () => ({ status: "ok" }));

  app.get(
    "/readyz",
    { schema: { response: { 200: Readiness, 503: Readiness } } },
    async (_request, reply) => {
      const database = await databaseReachable(runtime);
      const checks = { database, counters: runtime.sync.loaded, listening: runtime.sync.listening };
      const ready = Object.values(checks).every(Boolean);
      return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready", checks });
    },
  );
}
