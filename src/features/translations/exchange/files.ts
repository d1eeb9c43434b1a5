import { Worker } from "node:worker_threads";
import { Problem } from "../../../platform/http/problems.js";
import { officeMessages } from "../../office/index.js";
import { readPo, writePo } from "./po.js";
import { type ExportFile, type Format, fileProblem, type ReadFile } from "./units.js";
import { readXliff, writeXliff2, writeXliff12 } from "./xliff.js";

// One entry for writing and reading an exchange file, whatever its format.

export async function writeExchangeFile(format: Format, file: ExportFile): Promise<Buffer> {
  if (format === "po") return writePo(file);
  return Buffer.from(format === "xliff2" ? await writeXliff2(file) : await writeXliff12(file), "utf8");
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads an uploaded file: XLIFF when it starts with markup, else PO. */
export async function readExchangeFile(data: Buffer): Promise<ReadFile> {
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    throw fileProblem("not_text", "notText", {}, 1);
  }
  text = text.replace(/^\uFEFF/, "");
  if (text.trim() === "") throw fileProblem("empty_file", "empty", {}, 1);
  return text.trimStart().startsWith("<") ? readXliff(text) : readPo(text);
}

/**
 * Files from this size on are read on a worker thread. The parsers are synchronous: a 10 MB
 * file takes them seconds (docs/PERFORMANCE.md, "Translation exchange"), which on the event loop
 * would stall every request of the node; a small file is read at once (a worker costs more).
 */
export const OFF_THREAD_BYTES = 256 * 1024;

type FromWorker =
  | { file: ReadFile }
  | { problem: { status: number; code: string; message: string; extra: Record<string, unknown> } }
  | { failure: string };

/** Reads an uploaded file, on a worker thread when it is large. */
export function readUpload(data: Buffer): Promise<ReadFile> {
  if (data.length < OFF_THREAD_BYTES) return readExchangeFile(data);
  return new Promise((resolve, reject) => {
    // The worker words a refusal in the request's language, as a file read here would be.
    const worker = new Worker(new URL("./reader-entry.mjs", import.meta.url), {
      workerData: { data, locale: officeMessages().locale },
    });
    worker.once("message", (message: FromWorker) => {
      if ("file" in message) resolve(message.file);
      else if ("problem" in message) {
        const { status, code, message: text, extra } = message.problem;
        reject(new Problem(status, code, text, extra));
      } else reject(new Error(`reading an exchange file failed: ${message.failure}`));
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the exchange file reader stopped (exit code ${code})`)));
  });
}
