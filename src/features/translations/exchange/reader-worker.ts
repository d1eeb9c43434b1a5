import { parentPort, workerData } from "node:worker_threads";
import { Problem } from "../../../platform/http/problems.js";
import { readExchangeFile } from "./files.js";

// Reads one exchange file on a worker thread and posts what came of it: the file, or the problem
// that refuses it (a Problem does not cross threads as itself).

try {
  parentPort?.postMessage({ file: await readExchangeFile(Buffer.from(workerData as Uint8Array)) });
} catch (error) {
  parentPort?.postMessage(
    error instanceof Problem
      ? { problem: { status: error.status, code: error.code, message: error.message, extra: error.extra } }
      : { failure: String((error as Error)?.stack ?? error) },
  );
}
