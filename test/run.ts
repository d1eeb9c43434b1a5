import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openEmbedded } from "../src/platform/db/embedded.js";
import { TEST_DATA_KEY } from "./support/db.js";
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

// A hung test fails instead of hanging the run. Node 24 applies --test-timeout to each test and
// hook (a browser file stuck launching Chromium fails its `before`); Node 20 and 22 apply it to
// each test file as a whole, so there it is a ceiling for the slowest file. --test-force-exit
// ends a file once its tests are done, even if something it started still holds it open.
const nodeMajor = Number(process.versions.node.split(".")[0]);
const timeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? (nodeMajor >= 24 ? 120_000 : 600_000));

const files = process.argv.slice(2);
const patterns = files.length > 0 ? files : testFiles();
let code = 1;
try {
  code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--test",
        "--test-concurrency=2",
        `--test-timeout=${timeoutMs}`,
        "--test-force-exit",
        "--test-reporter=spec",
        ...patterns,
      ],
      {
        stdio: "inherit",
        env: { DATA_KEY: TEST_DATA_KEY, ...process.env, DATABASE_URL: server.url, LOG_LEVEL: "warn" },
      },
    );
    child.on("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(code);
