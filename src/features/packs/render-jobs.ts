import { parentPort } from "node:worker_threads";
import { type RenderJob, renderJob } from "./render.js";

// The render thread: Typst runs synchronously, so it runs here, off the event loop that
// answers the public pages; jobs come one at a time and the PDF goes back as a transfer.

parentPort?.on("message", async ({ id, job }: { id: number; job: RenderJob }) => {
  try {
    const pdf = await renderJob(job);
    const copy = new Uint8Array(pdf);
    parentPort?.postMessage({ id, pdf: copy }, [copy.buffer]);
  } catch (error) {
    parentPort?.postMessage({ id, error: String((error as Error).stack ?? error) });
  }
});
