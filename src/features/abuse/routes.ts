import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { hourly } from "../../platform/jobs/hourly.js";
import type { ActionGate } from "./gate.js";

// The public side of abuse defence: the proof-of-work solver the browser runs (ALTCHA's own
// SHA worker, served from the package as it ships, so no copy drifts from the library the
// server verifies with), and the hourly clean-up of budgets and used challenges.

/** Where assets/challenge.js starts its worker; same origin, so the pages' CSP allows it. */
export const WORKER_PATH = "/assets/vendor/altcha-sha-worker.js";

declare module "fastify" {
  interface FastifyInstance {
    /** The budgets every action spends (decorated at the root by the app). */
    actionGate?: ActionGate;
  }
}

export function abuseRoutes(app: FastifyInstance, gate: ActionGate): void {
  const worker = readFileSync(fileURLToPath(import.meta.resolve("altcha/workers/sha")));
  const schema = {
    hide: true,
    response: { 200: { content: { "text/javascript": { schema: Type.String() } } } },
  };
  app.get(WORKER_PATH, { schema }, (_request, reply) =>
    reply
      .type("text/javascript; charset=utf-8")
      // Like the other assets: it changes only with a release.
      .header("cache-control", "public, max-age=86400")
      .send(worker),
  );
  hourly(app, "forgetting old action budgets and used challenges", async () => {
    await gate.limiter.purge();
    await gate.challenges.purge();
  });
}
