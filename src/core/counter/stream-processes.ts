import { type ChildProcess, fork } from "node:child_process";
import type { Socket } from "node:net";
import os from "node:os";
import type { RenderedCounter } from "./presenter.js";
import type { FromStreamProcess, ToStreamProcess } from "./stream-process.js";

// The node's side of its stream processes (stream-process.ts): a viewer's socket, headers
// written, is handed to the process holding the fewest viewers, and every new counter is sent
// once to each process with viewers of that edition. The node keeps one small record per
// viewer (which process, and what to release when it closes), so its own memory and event
// loop go to pages and actions.
//
// A process that dies takes its viewers with it: they are released here (their browsers
// reconnect, as after any dropped stream) and a new process takes its place.

const ENTRY = new URL("./stream-holder.mjs", import.meta.url);
const READY_MS = 30_000;
const END_MS = 3_000;
const RESPAWN_MS = 1_000;
/** How much lower than the node the stream processes run (nice levels; see lowerPriority). */
const STREAM_PROCESS_NICENESS = 2;

interface Child {
  process: ChildProcess;
  /** Viewers per edition. */
  campaigns: Map<number, number>;
  held: number;
}

interface Handed {
  child: Child;
  campaign: number;
  release(): void;
}

export interface StreamProcessesOptions {
  processes: number;
  idleTimeoutMs: number;
  heartbeatMs: number;
  log(message: string): void;
}

export class StreamProcesses {
  private children: Child[] = [];
  private handed = new Map<number, Handed>();
  private nextId = 1;
  private closing = false;

  private constructor(private readonly options: StreamProcessesOptions) {}

  static async start(options: StreamProcessesOptions): Promise<StreamProcesses> {
    const pool = new StreamProcesses(options);
    await Promise.all(Array.from({ length: options.processes }, () => pool.spawn()));
    return pool;
  }

  /** Viewers held by the processes. */
  get size(): number {
    return this.handed.size;
  }

  /** Process ids, for operations and benchmarks. */
  get pids(): number[] {
    return this.children.map((c) => c.process.pid as number);
  }

  /** Whether any process holds viewers of `campaign`. */
  holds(campaign: number): boolean {
    return this.children.some((c) => (c.campaigns.get(campaign) ?? 0) > 0);
  }

  /** The campaigns any process holds viewers of. */
  campaigns(): Set<number> {
    const ids = new Set<number>();
    for (const child of this.children) for (const [id, n] of child.campaigns) if (n > 0) ids.add(id);
    return ids;
  }

  /**
   * Hands `socket` (its response headers written and flushed) to a process; `release` runs once
   * when the viewer's stream ends, wherever it ends.
   */
  hand(socket: Socket, campaign: number, rendered: RenderedCounter, release: () => void): boolean {
    const ready = this.children.filter((c) => c.process.connected);
    // All of them restarting: the node keeps this viewer itself.
    if (ready.length === 0) return false;
    const child = ready.reduce((a, b) => (b.held < a.held ? b : a));
    const id = this.nextId++;
    const once = onlyOnce(release);
    this.handed.set(id, { child, campaign, release: once });
    child.held++;
    child.campaigns.set(campaign, (child.campaigns.get(campaign) ?? 0) + 1);
    const message: ToStreamProcess = {
      t: "viewer",
      id,
      campaign,
      etag: rendered.etag,
      text: rendered.event.toString("utf8"),
    };
    // Kept open while it travels, then closed here: the node's copy then ends as any closed
    // connection does, and its server lets go of everything it held for the request. (Sent
    // with keepOpen false, Node would detach the socket from the server without ending it.)
    socket.pause();
    child.process.send(message, socket, { keepOpen: true }, (error) => {
      socket.destroy();
      if (error) this.closed(id);
    });
    return true;
  }

  /** A new counter for the viewers of `campaign`. */
  update(campaign: number, rendered: RenderedCounter): void {
    const message: ToStreamProcess = {
      t: "update",
      campaign,
      etag: rendered.etag,
      text: rendered.event.toString("utf8"),
    };
    for (const child of this.children) {
      if ((child.campaigns.get(campaign) ?? 0) > 0 && child.process.connected) child.process.send(message);
    }
  }

  /**
   * Ends every stream cleanly (the last chunk); the processes stay until stop(). A server that
   * handed sockets over asks their processes, as it closes, whether those are closed: the
   * processes must still be there to answer.
   */
  async endStreams(): Promise<void> {
    for (const child of this.children) {
      if (child.process.connected) child.process.send({ t: "end" } satisfies ToStreamProcess);
    }
    const deadline = Date.now() + END_MS;
    while (this.handed.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /** Ends the processes (and any stream still open with them). */
  async stop(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.children.map(async (child) => {
        if (child.process.exitCode !== null || child.process.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.process.once("exit", () => resolve()));
        child.process.disconnect();
        const timer = setTimeout(() => child.process.kill("SIGKILL"), END_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
    for (const id of [...this.handed.keys()]) this.closed(id);
  }

  private closed(id: number): void {
    const handed = this.handed.get(id);
    if (!handed) return;
    this.handed.delete(id);
    const { child, campaign } = handed;
    child.held--;
    const left = (child.campaigns.get(campaign) ?? 1) - 1;
    if (left > 0) child.campaigns.set(campaign, left);
    else child.campaigns.delete(campaign);
    handed.release();
  }

  private spawn(): Promise<void> {
    const process = fork(ENTRY, [String(this.options.idleTimeoutMs), String(this.options.heartbeatMs)], {
      // Not the node's own flags (a debugger port, a profiler, preloads): a process of its own.
      execArgv: [],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    lowerPriority(process.pid);
    const child: Child = { process, campaigns: new Map(), held: 0 };
    this.children.push(child);
    process.on("message", (message: FromStreamProcess) => {
      if (message.t === "closed") for (const id of message.ids) this.closed(id);
    });
    process.once("exit", (code, signal) => {
      this.children = this.children.filter((c) => c !== child);
      for (const [id, handed] of [...this.handed]) if (handed.child === child) this.closed(id);
      if (this.closing) return;
      this.options.log(`a stream process ended (${signal ?? code}); its viewers reconnect, a new one starts`);
      // After a pause, so a process that cannot start does not restart in a tight loop.
      setTimeout(() => {
        if (this.closing) return;
        this.spawn().catch((error: Error) =>
          this.options.log(`a stream process did not start: ${error.message}`),
        );
      }, RESPAWN_MS).unref();
    });
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("a stream process was not ready in time")), READY_MS);
      process.once("error", reject);
      process.on("message", function ready(message: FromStreamProcess) {
        if (message.t !== "ready") return;
        clearTimeout(timer);
        process.off("message", ready);
        resolve();
      });
    });
  }
}

function onlyOnce(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

/**
 * When the cores are short, the node's requests come first: an action refused or a page not
 * answered is lost, a viewer's next update a little later is not (the flushes space themselves
 * by what they cost). A process may always lower its children's priority.
 */
function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    os.setPriority(pid, Math.min(19, os.getPriority(pid) + STREAM_PROCESS_NICENESS));
  } catch {
    // A platform or sandbox without priorities: the processes run as the node's equals.
  }
}
