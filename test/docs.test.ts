import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

// Documentation that names a file which moved is worse than none: every link in the README, docs/
// and the source folders' READMEs, and every `src/…`, `test/…` or `bench/…` path they quote in
// backticks, must exist in the repository.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function markdownFiles(): string[] {
  const inSrc = readdirSync(path.join(ROOT, "src"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".md"))
    .map((f) => path.join("src", f));
  const inDocs = readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => path.join("docs", f));
  return ["README.md", ...inDocs, ...inSrc];
}

test("every relative link in the documentation resolves inside the repository", () => {
  const broken: string[] = [];
  for (const file of markdownFiles()) {
    const text = readFileSync(path.join(ROOT, file), "utf8");
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!target || /^[a-z]+:/i.test(target) || target.startsWith("#")) continue;
      const resolved = path.resolve(ROOT, path.dirname(file), target.split("#")[0] ?? "");
      if (!resolved.startsWith(ROOT) || !existsSync(resolved)) broken.push(`${file}: ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});

test("every source path quoted in the documentation exists", () => {
  const missing: string[] = [];
  for (const file of markdownFiles()) {
    const text = readFileSync(path.join(ROOT, file), "utf8");
    for (const [, quoted] of text.matchAll(/`((?:src|test|bench|docs|scripts)\/[A-Za-z0-9_./-]+)`/g)) {
      if (!quoted || quoted.includes("<") || quoted.includes("*")) continue;
      // A path quoted from a folder's README may be relative to that folder.
      const candidates = [path.join(ROOT, quoted), path.join(ROOT, path.dirname(file), quoted)];
      if (!candidates.some((c) => existsSync(c))) missing.push(`${file}: ${quoted}`);
    }
  }
  assert.deepEqual(missing, []);
});
