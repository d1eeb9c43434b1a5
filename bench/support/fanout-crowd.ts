import { type ChildProcess, fork } from "node:child_process";
import type { ReadyMessage, ReportMessage, ToWorker, ViewerOptions } from "./fanout-viewers.js";
import { sleep } from "./proc.js";

// The viewers, spread over child processes: one process may open only so many files (20,000
// on these machines, as many as the node under test), and one event loop parsing every event
// of 19,000 streams would fall behind and report its own lag as the server's. Each process
// connects from its own loopback address, so the connections also spread over more ports.

/** Viewers one process takes at most. */
const PER_PROCESS = 10_000;

export interface Crowd {
  processes: number;
  pids: number[];
  ready: Promise<ReadyMessage>;
  report(): Promise<ReportMessage>;
  close(): Promise<void>;
}

function next<T extends ReadyMessage | ReportMessage>(child: ChildProcess, type: T["type"]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (m: ReadyMessage | ReportMessage) => {
      if (m.type !== type) return;
      child.off("message", onMessage);
      resolve(m as T);
    };
    child.on("message", onMessage);
    child.once("error", reject);
    child.once("exit", () => reject(new Error("a viewer process ended early")));
  });
}

function mergeReady(parts: ReadyMessage[]): ReadyMessage {
  return {
    type: "ready",
    ms: Math.max(...parts.map((p) => p.ms)),
    ready: parts.reduce((n, p) => n + p.ready, 0),
    failed: parts.reduce((n, p) => n + p.failed, 0),
    firstMin: Math.min(...parts.map((p) => p.firstMin)),
    firstMax: Math.max(...parts.map((p) => p.firstMax)),
  };
}

function concat(arrays: Float64Array[]): Float64Array<ArrayBuffer> {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

function mergeReports(parts: ReportMessage[]): ReportMessage {
  const sum = (key: "firstEvents" | "duplicates" | "regressions" | "dropped" | "failed" | "bytes") =>
    parts.reduce((n, p) => n + p[key], 0);
  const states = new Map<number, ReportMessage["states"][number]>();
  for (const part of parts) {
    for (const s of part.states) {
      const known = states.get(s.total);
      if (!known) states.set(s.total, { ...s });
      else {
        if (Number.isNaN(known.asOf)) known.asOf = s.asOf;
        known.first = Math.min(known.first, s.first);
        known.last = Math.max(known.last, s.last);
        known.viewers += s.viewers;
      }
    }
  }
  return {
    type: "report",
    lastTotals: concat(parts.map((p) => p.lastTotals)),
    from: concat(parts.map((p) => p.from)),
    at: concat(parts.map((p) => p.at)),
    firstEvents: sum("firstEvents"),
    duplicates: sum("duplicates"),
    regressions: sum("regressions"),
    dropped: sum("dropped"),
    failed: sum("failed"),
    bytes: sum("bytes"),
    loopDelayP99Ms: Math.max(...parts.map((p) => p.loopDelayP99Ms)),
    loopDelayMaxMs: Math.max(...parts.map((p) => p.loopDelayMaxMs)),
    states: [...states.values()],
  };
}

export function startCrowd(options: Omit<ViewerOptions, "viewers" | "localAddress">, viewers: number): Crowd {
  const processes = Math.max(1, Math.ceil(viewers / PER_PROCESS));
  const children: ChildProcess[] = [];
  for (let k = 0; k < processes; k++) {
    const share = Math.floor(viewers / processes) + (k < viewers % processes ? 1 : 0);
    const own: ViewerOptions = { ...options, viewers: share, localAddress: `127.0.0.${1 + (k % 2)}` };
    const child = fork(new URL("./fanout-viewers.ts", import.meta.url), [JSON.stringify(own)], {
      execArgv: ["--import", "tsx"],
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    children.push(child);
  }
  const send = (m: ToWorker) => {
    for (const child of children) if (child.connected) child.send(m);
  };
  return {
    processes,
    pids: children.map((c) => c.pid as number),
    ready: Promise.all(children.map((c) => next<ReadyMessage>(c, "ready"))).then(mergeReady),
    report: async () => {
      const answers = Promise.all(children.map((c) => next<ReportMessage>(c, "report")));
      send({ cmd: "report" });
      return mergeReports(await answers);
    },
    close: async () => {
      send({ cmd: "close" });
      await Promise.all(
        children.map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((r) => child.once("exit", r));
          if (await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])) return;
          child.kill("SIGKILL");
        }),
      );
    },
  };
}
