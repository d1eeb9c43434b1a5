import { Worker } from "node:worker_threads";
import {
  type MaterialCase,
  renderAppealLetters,
  renderCaseSheet,
  renderEventKit,
  renderPoster,
  renderSolidarityCards,
} from "../materials/index.js";
import type { PackMaterial } from "./manifest.js";

// One document of a pack, rendered on a thread of its own (render-thread.mjs): Typst lays out
// synchronously for tens to hundreds of milliseconds a document, which on the main thread
// would hold every public page's answer for as long. One thread per process, started on the
// first pack and not keeping the process alive; if it cannot start, documents are rendered here.

export type RenderJob =
  | { kind: PackMaterial; material: MaterialCase; now: Date; paper: "a4" | "letter" }
  | { kind: "event-kit"; kit: Parameters<typeof renderEventKit>[0]; paper: "a4" | "letter" };

export function renderJob(job: RenderJob): Promise<Uint8Array> {
  switch (job.kind) {
    case "case-sheet":
      return renderCaseSheet(job.material, job.paper);
    case "letters":
      return renderAppealLetters(job.material, job.paper, job.now);
    case "solidarity-cards":
      return renderSolidarityCards(job.material, job.paper);
    case "poster":
      return renderPoster(job.material, job.paper);
    case "event-kit":
      return renderEventKit(job.kit, job.paper);
  }
}

type Waiting = { resolve(pdf: Uint8Array): void; reject(error: Error): void };
let worker: Worker | undefined;
let broken = false;
let next = 1;
let onThread = 0;
/** Documents the render thread made in this process (the tests check the thread is used). */
export const renderedOnThread = () => onThread;
const waiting = new Map<number, Waiting>();

function thread(): Worker | undefined {
  if (broken) return undefined;
  if (worker) return worker;
  const started = new Worker(new URL("./render-thread.mjs", import.meta.url));
  started.unref();
  started.on("message", ({ id, pdf, error }: { id: number; pdf?: Uint8Array; error?: string }) => {
    const entry = waiting.get(id);
    waiting.delete(id);
    if (!entry) return;
    if (pdf) {
      onThread++;
      entry.resolve(pdf);
    } else entry.reject(new Error(error ?? "the render thread gave nothing"));
    if (waiting.size === 0) started.unref();
  });
  const fail = (error: Error) => {
    worker = undefined;
    broken = true;
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  };
  started.on("error", fail);
  started.on("exit", (code) => {
    if (worker === started) fail(new Error(`the render thread stopped (${code})`));
  });
  worker = started;
  return started;
}

/** The document, rendered on the render thread (or here when it cannot run). */
export function render(job: RenderJob): Promise<Uint8Array> {
  const target = thread();
  if (!target) return renderJob(job);
  const id = next++;
  return new Promise<Uint8Array>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    // Held only while it has work: an idle thread never keeps a process from ending.
    target.ref();
    target.postMessage({ id, job });
  });
}
