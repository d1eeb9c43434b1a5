import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { openEmbedded } from "../../src/platform/db/embedded.js";
import { freePort } from "../../test/support/process.js";

// A throwaway PostgreSQL owned by the bench: its own data directory and port, so a run never
// touches a developer's database and leaves nothing behind.

export interface Postgres {
  url: string;
  /** The postmaster; its children are the backends, whose CPU is PostgreSQL's too. */
  pid: number | undefined;
  stop(): Promise<void>;
}

function postmasterPid(pgDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path.join(pgDir, "postmaster.pid"), "utf8"), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function startPostgres(): Promise<Postgres> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "inkwell-bench-"));
  try {
    const server = await openEmbedded({ dataDir, port: await freePort(), joinRunning: false });
    return {
      url: server.url,
      pid: postmasterPid(path.join(dataDir, "pg")),
      stop: async () => {
        try {
          await server.stop();
        } finally {
          await rm(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
