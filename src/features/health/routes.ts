import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { Runtime } from "../../core/runtime.js";

const DB_CHECK_TIMEOUT_MS = 1000;
/** A reload of the counters that takes longer than this is stuck (or the database is gone). */
const RELOAD_STUCK_MS = 10_000;

async function databaseReachable(runtime: Runtime): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), DB_CHECK_TIMEOUT_MS);
  });
  const { health } = runtime.db;
  // Reachable again is the monitor's to say, from a new connection (see DatabaseHealth).
  const check = runtime.db.pool.query("SELECT 1").then(
    () => health.reachable,
    (error: unknown) => {
      health.failed(error);
      return false;
    },
  );
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const Alive = Type.Object({ status: Type.Literal("ok") });
const Time = Type.Union([Type.String({ format: "date-time" }), Type.Null()]);
const Readiness = Type.Object({
  status: Type.Union([Type.Literal("ready"), Type.Literal("not ready")]),
  checks: Type.Object({
    database: Type.Boolean(),
    counters: Type.Boolean(),
    listening: Type.Boolean(),
    /** The last write (an action batch, or the probe while writes fail) succeeded. */
    writes: Type.Boolean(),
  }),
  database: Type.Object({
    reachable: Type.Boolean(),
    /** When it last became reachable or unreachable (this node's view). */
    since: Type.String({ format: "date-time" }),
    reason: Type.Union([Type.String(), Type.Null()]),
  }),
  counters: Type.Object({
    loaded: Type.Boolean(),
    reloadFailing: Type.Boolean(),
    reloadingForMs: Type.Integer(),
    lastReloadAt: Time,
  }),
  lastWrite: Type.Object({
    ok: Type.Boolean(),
    at: Time,
    error: Type.Union([Type.String(), Type.Null()]),
  }),
});

export function healthRoutes(app: FastifyInstance, runtime: Runtime): void {
  // Alive: the process answers. Ready: it can take actions and serve exact counters.
  app.get("/healthz", { schema: { response: { 200: Alive } } }, async () => ({ status: "ok" }));

  app.get(
    "/readyz",
    { schema: { response: { 200: Readiness, 503: Readiness } } },
    async (_request, reply) => {
      const { sync } = runtime;
      const database = await databaseReachable(runtime);
      const state = runtime.db.health.snapshot();
      const reloadingForMs = sync.reloadingFor();
      const counters = sync.loaded && !sync.reloadFailing && reloadingForMs < RELOAD_STUCK_MS;
      const checks = { database, counters, listening: sync.listening, writes: state.lastWrite.ok };
      const ready = Object.values(checks).every(Boolean);
      return reply.code(ready ? 200 : 503).send({
        status: ready ? "ready" : "not ready",
        checks,
        database: { reachable: state.reachable, since: state.since.toISOString(), reason: state.reason },
        counters: {
          loaded: sync.loaded,
          reloadFailing: sync.reloadFailing,
          reloadingForMs,
          lastReloadAt: sync.lastReloadAt?.toISOString() ?? null,
        },
        lastWrite: {
          ok: state.lastWrite.ok,
          at: state.lastWrite.at?.toISOString() ?? null,
          error: state.lastWrite.error,
        },
      });
    },
  );
}
