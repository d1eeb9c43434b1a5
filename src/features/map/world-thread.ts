import { Worker } from "node:worker_threads";
import { adoptWorld, type WorldData } from "./world.js";

// Projecting the world takes about half a second of CPU on a quiet machine, and several under
// load. A server starting while a crowd waits must not spend it on its event loop right after
// it listens (every request, /readyz included, would wait): a worker thread builds it, and the
// page that needs the world before it arrives builds its own (getWorld), as before.

/** Starts building the default world in a worker thread; resolves when it is kept (or failed). */
export function prepareWorld(): Promise<"ready" | "failed"> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL("./world-worker.mjs", import.meta.url));
    } catch {
      return resolve("failed");
    }
    worker.unref();
    worker.once("message", (data: WorldData) => {
      adoptWorld(data);
      resolve("ready");
    });
    worker.once("error", () => resolve("failed"));
    worker.once("exit", () => resolve("failed"));
  });
}
