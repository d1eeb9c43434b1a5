// Builds the default world off the main thread (world-thread.ts) and sends it back as plain
// data. A worker does not share the main thread's TypeScript loader, so it registers its own.
import { parentPort } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { buildWorld } = await import("./world.ts");
const { byCode: _byCode, project: _project, ...data } = buildWorld();
parentPort?.postMessage(data);
