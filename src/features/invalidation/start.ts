import type { FastifyInstance } from "fastify";
import type { Runtime } from "../../core/runtime.js";
import { logJobFailure } from "../../platform/jobs/failure.js";
import { InvalidationRunner } from "./runner.js";

// One runner per node: it looks for open invalidation jobs every few seconds (and at once when
// this node created one), and lets go of its job when the node closes.

const runners = new WeakMap<Runtime, InvalidationRunner>();

/** Tells this node's runner there is work now (a job created or asked to revert here). */
export function kickInvalidations(runtime: Runtime): void {
  runners.get(runtime)?.kick();
}

/** With INVALIDATION_JOBS, works on invalidation jobs from when the server is ready until it closes. */
export function startInvalidations(app: FastifyInstance, runtime: Runtime): void {
  if (!runtime.config.invalidationJobs) return;
  const runner = new InvalidationRunner({
    pool: runtime.db.bulk,
    submit: (entry) => runtime.batcher.submit(entry),
    owner: runtime.origin,
    batchSize: runtime.config.invalidationBatch,
    leaseMs: runtime.config.invalidationLeaseMs,
    pollMs: Math.min(2_000, runtime.config.invalidationLeaseMs),
    log: (message, error) => logJobFailure(app.log, message, error),
  });
  runners.set(runtime, runner);
  app.addHook("onReady", async () => runner.start());
  // Before the runtime closes its batcher: the runner's last batch still goes through it.
  app.addHook("preClose", async () => runner.stop());
}
