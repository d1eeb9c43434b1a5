import type { FastifyInstance } from "fastify";
import { logJobFailure } from "./failure.js";

// Deleting what is kept no longer (ended sessions, old RSVPs): once when the server is ready,
// then every hour, on every node (the deletions are idempotent), until the server closes.

const EVERY_MS = 60 * 60 * 1000;

export function hourly(app: FastifyInstance, what: string, task: () => Promise<unknown>): void {
  let timer: NodeJS.Timeout | undefined;
  const run = () => task().catch((error) => logJobFailure(app.log, `${what} failed`, error));
  app.addHook("onReady", async () => {
    await run();
    timer = setInterval(run, EVERY_MS);
    timer.unref();
  });
  app.addHook("onClose", async () => clearInterval(timer));
}
