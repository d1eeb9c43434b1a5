import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { isReady, linesMatching, postAction, timed, waitFor } from "../support/faults.js";
import { freePort, killGroup, type ServerProcess, startServer } from "../support/process.js";

// The data directory lives on a small tmpfs this test mounts; filling it makes writes fail.
// The node must then say it is not ready and refuse actions with 503, and recover by itself
// once there is room again. Where mounting is not allowed (not root, a container without the
// capability), the test is skipped and says why.

const SIZE_MB = 128;
const mountPoint = mkdtempSync(path.join(os.tmpdir(), "inkwell-fault-disk-"));
let mounted = false;
let server: ServerProcess | undefined;

function tryMount(): string | undefined {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${SIZE_MB}m,mode=0755`, "tmpfs", mountPoint], {
      stdio: "pipe",
    });
    mounted = true;
    return undefined;
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    return `cannot mount a tmpfs here (${detail})`;
  }
}

after(async () => {
  if (server) {
    killGroup(server.child, "SIGKILL");
    await server.exited;
  }
  if (mounted) {
    try {
      execFileSync("umount", [mountPoint], { stdio: "pipe" });
    } catch {
      execFileSync("umount", ["-l", mountPoint], { stdio: "pipe" });
    }
  }
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Writes zeros until the file system refuses; returns the bytes written. */
function fill(file: string): number {
  const fd = openSync(file, "w");
  let written = 0;
  try {
    for (const size of [1 << 20, 1 << 16, 1 << 12, 512]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          written += writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

const freeMb = () => {
  const s = statfsSync(mountPoint);
  return (s.bavail * s.bsize) / 2 ** 20;
};

test("a full disk makes the node not ready and refuse actions; it recovers when space returns", {
  timeout: 120_000,
}, async (t) => {
  const why = process.platform === "linux" ? tryMount() : "tmpfs mounts are a Linux test";
  if (why) {
    t.skip(why);
    return;
  }
  const dataDir = path.join(mountPoint, "data");
  server = await startServer({
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(await freePort()),
    ACTION_RATE_LIMIT: "0",
  });
  const { url } = server;
  assert.equal((await postAction(url)).status, 201);
  t.diagnostic(`${(SIZE_MB - freeMb()).toFixed(0)} MB used by the data directory before filling`);

  const filler = path.join(mountPoint, "filler");
  const filled = fill(filler);
  t.diagnostic(`filled ${(filled / 2 ** 20).toFixed(0)} MB`);
  // Actions go on until one needs space that is not there; from then on they are refused.
  let refused = 0;
  let accepted = 0;
  await waitFor(
    "actions refused with 503",
    async () => {
      const answer = await postAction(url, undefined, 5000);
      if (answer.status === 201) accepted++;
      if (answer.status === 503) refused++;
      return refused >= 3;
    },
    30_000,
  );
  t.diagnostic(`${accepted} actions still fitted before the first refusals`);
  const readiness = await timed(`${url}/readyz`);
  assert.equal(readiness.status, 503, "not ready while writes fail");
  const report = (await (await fetch(`${url}/readyz`)).json()) as { checks: { writes: boolean } };
  assert.equal(report.checks.writes, false);
  // A node nobody writes to stays not ready: its probe finds the disk still full.
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(await isReady(url), false);
  assert.equal((await postAction(url)).status, 503);

  rmSync(filler);
  const readyAfterMs = await waitFor("ready once there is room again", () => isReady(url), 20_000);
  t.diagnostic(`ready ${readyAfterMs.toFixed(0)} ms after the space returned`);
  assert.equal((await postAction(url)).status, 201);
  const output = server.output();
  const events = linesMatching(output, /database|PostgreSQL/).join("\n");
  t.diagnostic(events.slice(0, 2000));
});
