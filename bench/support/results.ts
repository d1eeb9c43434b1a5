import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./proc.js";

// Every run leaves its numbers in bench/results, named by bench and time, so runs can be
// compared later without rerunning them.

/** Writes the results as JSON; returns the file's path relative to the repository. */
export function saveResults(bench: string, at: string, results: unknown): string {
  const dir = path.join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${bench}-${at.replace(/[:.]/g, "-")}.json`);
  // Which Node ran it (the server runs on the bench's own binary): figures differ between them.
  const stamped = { node: process.version, ...(results as object) };
  writeFileSync(file, `${JSON.stringify(stamped, null, 2)}\n`);
  return path.relative(ROOT, file);
}
