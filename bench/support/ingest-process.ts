import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class ServerStartError extends Error {}

export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  /** Graceful stop (SIGTERM), SIGKILL if it does not exit in time. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

/**
 * Last resort for every way this process can end (an exception, process.exit, a signal
 * handler): a server left running would keep loading a shared machine and the database.
 */
export function killAllChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  live.clear();
}
process.on("exit", killAllChildren);

export interface SpawnOptions {
  name: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  timeoutMs?: number;
}

/** Starts a server as a child process and resolves once GET /readyz answers 200. */
export async function startServer(options: SpawnOptions): Promise<ServerProcess> {
  // Nothing from the caller's environment may point the child at another database.
  const { DATABASE_URL: _url, PORT: _port, HOST: _host, ...inherited } = process.env;
  const child = spawn(process.execPath, options.args, {
    cwd: ROOT,
    env: { ...inherited, ...options.env, PORT: String(options.port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString());
    if (tail.length > 40) tail.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const output = () => tail.join("").trim() || "(no output)";

  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      live.delete(child);
      throw new ServerStartError(
        `${options.name} exited (${child.exitCode ?? child.signalCode}) before ready:\n${output()}`,
      );
    }
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      live.delete(child);
      throw new ServerStartError(`${options.name} was not ready in time:\n${output()}`);
    }
    await sleep(100);
  }

  return {
    name: options.name,
    pid: child.pid as number,
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
      }
      live.delete(child);
      if (child.exitCode !== 0 && child.signalCode !== "SIGTERM") {
        console.warn(
          `${options.name} did not stop cleanly (${child.exitCode ?? child.signalCode}):\n${output()}`,
        );
      }
    },
  };
}
