import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { freePort } from "../../test/support/process.js";
import { ROOT, sleep } from "./proc.js";

// Servers under test run as child processes, started as an operator would start them, so the
// bench's own work never shares their event loop and their CPU can be told apart.

export class ServerStartError extends Error {}

export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  child: ChildProcess;
  exited(): boolean;
  /** What it last wrote, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after a grace period; says whether it stopped cleanly by itself. */
  stop(): Promise<boolean>;
}

const live = new Set<ChildProcess>();

/**
 * Last resort for every way the bench can end (an exception, process.exit, a signal handler):
 * a server left running would keep loading a shared machine and the database.
 */
export function killAllChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  live.clear();
}
process.on("exit", killAllChildren);

export interface ServerOptions {
  name: string;
  /** Node's arguments: its flags, then the script and the script's own. */
  args: string[];
  env: Record<string, string>;
  /** Opens an IPC channel to the child (stdio's fourth entry). */
  ipc?: boolean;
  timeoutMs?: number;
}

/** Starts a server on a free port and resolves once GET /readyz answers 200. */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  // Nothing from the caller's environment may point the child at another database or port,
  // or load code into it that the bench did not ask for.
  const { DATABASE_URL: _u, PORT: _p, HOST: _h, NODE_OPTIONS: _n, ...inherited } = process.env;
  const child = spawn(process.execPath, options.args, {
    cwd: ROOT,
    env: {
      ...inherited,
      // All the load comes from this machine's one address, which the per-address caps would
      // treat as one client; the benches measure the node, not its flood protection.
      MAX_CONNECTIONS_PER_ADDRESS: "1000000",
      MAX_STREAMS_PER_ADDRESS: "1000000",
      ...options.env,
      PORT: String(port),
      HOST: "127.0.0.1",
    },
    stdio: options.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
  });
  live.add(child);
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

  const stop = async (): Promise<boolean> => {
    if (!exited()) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await gone;
      clearTimeout(timer);
    }
    live.delete(child);
    return child.exitCode === 0 || child.signalCode === "SIGTERM";
  };

  const url = `http://127.0.0.1:${port}`;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) {
      live.delete(child);
      const status = child.exitCode ?? child.signalCode;
      throw new ServerStartError(`${options.name} exited (${status}) before ready:\n${output()}`);
    }
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await gone;
      live.delete(child);
      throw new ServerStartError(`${options.name} was not ready within ${timeoutMs / 1000} s:\n${output()}`);
    }
    await sleep(100);
  }
  return { name: options.name, pid: child.pid as number, url, child, exited, output, stop };
}

// Loaded into the app before its own code: answers memory questions over the IPC channel
// (after a full GC, so garbage does not count as per-viewer memory), and ends the app if the
// bench dies without stopping it (the channel then disconnects).
const PRELOAD = `data:text/javascript,${encodeURIComponent(
  "process.on('message', () => { globalThis.gc?.(); process.send(process.memoryUsage()); });" +
    "process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));",
)}`;

const BENCH_DATA_KEY = randomBytes(32).toString("base64");

export interface AppOptions {
  /** For the app's node, e.g. --cpu-prof to see where a run's server time goes. */
  nodeArgs?: string[];
  /** Lets memory() ask the app; off where nothing extra may run in the measured process. */
  inspectable?: boolean;
}

/** `inkwell start` on databaseUrl, exactly as an operator would run it. */
export function startApp(
  databaseUrl: string,
  env: Record<string, string>,
  options: AppOptions = {},
): Promise<ServerProcess> {
  const nodeArgs = options.nodeArgs ?? [];
  const flags = options.inspectable ? ["--expose-gc", ...nodeArgs, "--import", PRELOAD] : nodeArgs;
  return startServer({
    name: "inkwell start",
    args: [...flags, "bin/inkwell.js", "start"],
    // A server of one's own needs its data key (the bench's database is thrown away with it).
    env: { DATA_KEY: BENCH_DATA_KEY, ...env, DATABASE_URL: databaseUrl },
    ipc: options.inspectable,
  });
}

/** The app's memory after a full GC; undefined unless it was started inspectable and still runs. */
export function memory(app: ServerProcess): Promise<NodeJS.MemoryUsage | undefined> {
  return new Promise((resolve) => {
    if (app.exited() || !app.child.connected) return resolve(undefined);
    const timer = setTimeout(() => resolve(undefined), 5000);
    app.child.once("message", (m) => {
      clearTimeout(timer);
      resolve(m as NodeJS.MemoryUsage);
    });
    app.child.send("memory");
  });
}
