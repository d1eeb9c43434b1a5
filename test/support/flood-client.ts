import net from "node:net";

// One share of a connection flood, run as a child process of test/faults/flood.test.ts so the
// flood's sockets do not count against the test process's own open-file limit. It opens its
// connections to 127.0.0.1 once (no reconnecting), holds every one the server keeps, and tells
// the parent over IPC what happened to them.
//
//   idle:   sends nothing, half its headers, or headers without the promised body (in turn)
//   stream: asks for the counter stream, reads the status line, then never reads again

export interface FloodOptions {
  mode: "idle" | "stream";
  port: number;
  count: number;
  /** Connections being opened at once; more at once only overflows the listen backlog. */
  concurrency: number;
  streamPath: string;
}

/** What the child reports; every connection is in exactly one of the first four counts. */
export interface FloodReport {
  /** Kept open by the server past the settle time (idle), or answered 200 (stream). */
  held: number;
  /** Closed by the server right after it was accepted. */
  refused: number;
  /** Answered 503 (streams over their cap). */
  unavailable: number;
  /** Could not connect at all. */
  failed: number;
  /** Connections open now, and their local ports (so the parent can look at the node's side). */
  open: number;
  openPorts: number[];
  /** Held connections the server has closed since, and the longest they lived. */
  heldClosed: number;
  heldLongestMs: number;
}

/** An idle connection still open after this long was kept by the server. */
const SETTLE_MS = 1500;

const options = JSON.parse(process.argv[2] ?? "{}") as FloodOptions;
const sockets = new Set<net.Socket>();
const report: FloodReport = {
  held: 0,
  refused: 0,
  unavailable: 0,
  failed: 0,
  open: 0,
  openPorts: [],
  heldClosed: 0,
  heldLongestMs: 0,
};
let settled = 0;

function idlePayload(i: number): string {
  if (i % 10 === 1) return "GET /healthz HTTP/1.1\r\nHost: flood\r\nX-Slow: ";
  if (i % 10 === 2) {
    return "POST /api/v1/actions HTTP/1.1\r\nHost: flood\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{";
  }
  return "";
}

function open(i: number): Promise<void> {
  return new Promise((resolve) => {
    let state: "connecting" | "waiting" | "held" | "done" = "connecting";
    let connectedAt = 0;
    const settle = (outcome: "held" | "refused" | "unavailable" | "failed") => {
      if (state === "held" || state === "done") return;
      state = outcome === "held" ? "held" : "done";
      report[outcome]++;
      settled++;
      resolve();
    };
    const socket = net.connect({ port: options.port, host: "127.0.0.1" });
    sockets.add(socket);
    socket.on("connect", () => {
      connectedAt = Date.now();
      state = "waiting";
      if (options.mode === "stream") {
        socket.write(
          `GET ${options.streamPath} HTTP/1.1\r\nHost: flood\r\nAccept: text/event-stream\r\n\r\n`,
        );
      } else {
        const payload = idlePayload(i);
        if (payload) socket.write(payload);
        setTimeout(() => {
          if (!socket.destroyed) settle("held");
        }, SETTLE_MS);
      }
    });
    if (options.mode === "stream") {
      socket.once("data", (chunk: Buffer) => {
        if (!/^HTTP\/1\.1 200 /.test(chunk.toString("latin1"))) return settle("unavailable");
        // The viewer stops reading here: its kernel buffer fills, then the server's.
        socket.pause();
        settle("held");
      });
    }
    socket.on("error", () => {});
    socket.on("close", () => {
      sockets.delete(socket);
      if (state === "held") {
        report.heldClosed++;
        report.heldLongestMs = Math.max(report.heldLongestMs, Date.now() - connectedAt);
      }
      settle(connectedAt === 0 ? "failed" : "refused");
    });
  });
}

async function flood(): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < options.count) await open(next++);
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
}

const openPorts = () => [...sockets].flatMap((s) => (s.localPort === undefined ? [] : [s.localPort]));

process.on("message", (message: { type: string }) => {
  if (message.type === "report") {
    process.send?.({ type: "report", ...report, open: sockets.size, openPorts: openPorts() });
  }
  if (message.type === "stop") {
    for (const socket of sockets) socket.destroy();
    process.exit(0);
  }
});
// Should the parent die, the flood must not outlive it.
process.on("disconnect", () => process.exit(0));

await flood();
process.send?.({ type: "settled", ...report, open: sockets.size, openPorts: openPorts(), settled });
