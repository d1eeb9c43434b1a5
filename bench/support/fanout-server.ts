import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { openEmbedded } from "../../src/db/embedded.js";
import { freePort, ROOT, sleep } from "./fanout-proc.js";

// The system under test: a throwaway PostgreSQL owned by the bench, and `inkwell start` as a
// child process pointed at it, exactly as an operator would run it.

export interface Postgres {
  url: string;
  pgDir: string;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<Postgres> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "inkwell-fanout-"));
  try {
    const server = await openEmbedded({ dataDir, port: await freePort(), joinRunning: false });
    return {
      url: server.url,
      pgDir: path.join(dataDir, "pg"),
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

// Loaded into the app before its own code: answers memory questions over the IPC channel
// (after a full GC, so garbage does not count as per-viewer memory), and ends the app if the
// bench dies without stopping it (the channel then disconnects).
const PRELOAD = `data:text/javascript,${encodeURIComponent(
  "process.on('message', () => { globalThis.gc?.(); process.send(process.memoryUsage()); });" +
    "process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));",
)}`;

export interface App {
  pid: number;
  url: string;
  exited(): boolean;
  /** VmRSS in KiB, from /proc; undefined once the process is gone. */
  rssKb(): number | undefined;
  memory(): Promise<NodeJS.MemoryUsage | undefined>;
  output(): string;
  /** SIGTERM, then SIGKILL after a grace period; says whether the app stopped by itself. */
  stop(): Promise<boolean>;
}

/** nodeArgs go to the app's node, e.g. --cpu-prof to see where a run's server time goes. */
export async function startApp(
  databaseUrl: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<App> {
  const port = await freePort();
  const { DATABASE_URL: _u, PORT: _p, HOST: _h, NODE_OPTIONS: _n, ...inherited } = process.env;
  const child: ChildProcess = spawn(
    process.execPath,
    ["--expose-gc", ...nodeArgs, "--import", PRELOAD, "bin/inkwell.js", "start"],
    {
      cwd: ROOT,
      env: { ...inherited, ...env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    },
  );
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString());
    if (tail.length > 40) tail.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const output = () => tail.join("").trim() || "(no output)";
  const url = `http://127.0.0.1:${port}`;

  const stop = async (): Promise<boolean> => {
    if (exited()) return child.exitCode === 0;
    child.kill("SIGTERM");
    const clean = await Promise.race([gone.then(() => true), sleep(15_000).then(() => false)]);
    if (!clean) {
      child.kill("SIGKILL");
      await gone;
    }
    return clean && child.exitCode === 0;
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited())
      throw new Error(`inkwell exited (${child.exitCode ?? child.signalCode}) before ready:\n${output()}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`inkwell was not ready within 120 s:\n${output()}`);
    }
    await sleep(200);
  }

  return {
    pid: child.pid as number,
    url,
    exited,
    output,
    stop,
    rssKb: () => {
      try {
        const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        return match ? Number(match[1]) : undefined;
      } catch {
        return undefined;
      }
    },
    memory: () =>
      new Promise((resolve) => {
        if (exited() || !child.connected) return resolve(undefined);
        const timer = setTimeout(() => resolve(undefined), 5000);
        child.once("message", (m) => {
          clearTimeout(timer);
          resolve(m as NodeJS.MemoryUsage);
        });
        child.send("memory");
      }),
  };
}
