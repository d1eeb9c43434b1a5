import { parentPort, workerData } from "node:worker_threads";
import { Problem } from "../../../platform/http/problems.js";
import type { UiLocale } from "../../../platform/i18n/locales.js";
import { inOfficeLocale } from "../../office/index.js";
import { readExchangeFile } from "./files.js";

// Reads one exchange file on a worker thread and posts what came of it: the file, or the problem
// that refuses it (a Problem does not cross threads as itself).

const { data, locale } = workerData as { data: Uint8Array; locale: UiLocale };
try {
  parentPort?.postMessage({ file: await inOfficeLocale(locale, () => readExchangeFile(Buffer.from(data))) });
} catch (error) {
  parentPort?.postMessage(
    error instanceof Problem
      ? { problem: { status: error.status, code: error.code, message: error.message, extra: error.extra } }
      : { failure: String((error as Error)?.stack ?? error) },
  );
}
