import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openEmbedded } from "../src/platform/db/embedded.js";
import { freePort } from "./support/process.js";

// `npm test`: starts one throwaway PostgreSQL for the whole run, then runs every test file
// with node:test. Each file creates its own database on that server (test/support/db.ts).

const dataDir = mkdtempSync(path.join(os.tmpdir(), "inkwell-test-"));
const server = await openEmbedded({ dataDir, port: await freePort(), joinRunning: false });
// Node 20's test runner does not expand globs; list the test files here.
function testFiles(): string[] {
  return ["src", "test"].flatMap((dir) =>
    readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => path.join(dir, f))
      .sort(),
  );
}

const files = process.argv.slice(2);
const patterns = files.length > 0 ? files : testFiles();
let code = 1;
try {
  code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--test", "--test-concurrency=2", "--test-reporter=spec", ...patterns],
      { stdio: "inherit", env: { ...process.env, DATABASE_URL: server.url, LOG_LEVEL: "warn" } },
    );
    child.on("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(code);
