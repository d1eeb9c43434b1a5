import net from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";

// Runs as a child process (several, for a large crowd: a process may open only so many files,
// 20,000 here, and a node's 19,000 viewers would take nearly all of one), so that thousands of
// viewers and the poster in the bench's process do not delay each other's timestamps. Viewers are raw sockets: a full HTTP/SSE client per
// connection would spend more CPU than their one job, finding the counter total in each event.
// Times are performance.timeOrigin + performance.now(), comparable with the bench's (both count
// from the system clock). Options come as the first argument (JSON); messages over IPC with
// the "advanced" serialization, which carries the typed arrays.

export interface ViewerOptions {
  port: number;
  /** The address the viewers connect from: several spread the connections over more ports. */
  localAddress: string;
  path: string;
  viewers: number;
  /** Connections opened but not yet past their first event; keeps the accept queue short. */
  maxPending: number;
  timeoutMs: number;
}

export interface ReadyMessage {
  type: "ready";
  ms: number;
  ready: number;
  failed: number;
  firstMin: number;
  firstMax: number;
}

export interface ReportMessage {
  type: "report";
  /** Per viewer: the last total seen, -1 when none. */
  lastTotals: Float64Array;
  /** Per change event: the oldest total it newly shows (previous total + 1), and when it arrived. */
  from: Float64Array<ArrayBuffer>;
  at: Float64Array<ArrayBuffer>;
  firstEvents: number;
  duplicates: number;
  regressions: number;
  dropped: number;
  failed: number;
  bytes: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Per distinct total seen: the server's asOf, first and last arrival, and how many saw it. */
  states: { total: number; asOf: number; first: number; last: number; viewers: number }[];
}

export type ToWorker = { cmd: "report" } | { cmd: "close" };

const TOKEN = Buffer.from('"total":');
const AS_OF = Buffer.from('"asOf":"');
const ISO_LENGTH = "2012-12-01T00:00:00.000Z".length;
const STATUS_OK = Buffer.from("HTTP/1.1 200");
const now = () => performance.timeOrigin + performance.now();

class Events {
  from = new Float64Array(1 << 16);
  at = new Float64Array(1 << 16);
  length = 0;

  push(from: number, at: number): void {
    if (this.length === this.from.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.from = grow(this.from);
      this.at = grow(this.at);
    }
    this.from[this.length] = from;
    this.at[this.length] = at;
    this.length++;
  }
}

const options = JSON.parse(process.argv[2] ?? "null") as ViewerOptions;
const send = process.send?.bind(process);
if (!options || !send) throw new Error("fanout-viewers runs as a child process with IPC");
const port = { postMessage: (m: ReadyMessage | ReportMessage) => send(m) };

const lastTotals = new Float64Array(options.viewers).fill(-1);
const sockets: (net.Socket | undefined)[] = new Array(options.viewers);
const events = new Events();
const states = new Map<number, ReportMessage["states"][number]>();
const stats = { firstEvents: 0, duplicates: 0, regressions: 0, dropped: 0, failed: 0, bytes: 0 };
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const request = Buffer.from(
  `GET ${options.path} HTTP/1.1\r\nHost: 127.0.0.1:${options.port}\r\nAccept: text/event-stream\r\n\r\n`,
);
let started = 0;
let pending = 0;
let firstMin = Number.POSITIVE_INFINITY;
let firstMax = Number.NEGATIVE_INFINITY;
let announced = false;
const startedAt = now();

/** The server's time of the change, read once per state: every viewer gets the same bytes. */
function asOfAfter(data: Buffer, from: number): number {
  const a = data.indexOf(AS_OF, from);
  if (a < 0 || a + AS_OF.length + ISO_LENGTH > data.length) return Number.NaN;
  return Date.parse(data.toString("latin1", a + AS_OF.length, a + AS_OF.length + ISO_LENGTH));
}

function onTotal(i: number, total: number, at: number, data: Buffer, from: number): void {
  const state = states.get(total);
  if (!state) states.set(total, { total, asOf: asOfAfter(data, from), first: at, last: at, viewers: 1 });
  else {
    if (Number.isNaN(state.asOf)) state.asOf = asOfAfter(data, from);
    state.last = at;
    state.viewers++;
  }
  const last = lastTotals[i] as number;
  lastTotals[i] = total;
  if (last < 0) {
    stats.firstEvents++;
    firstMin = Math.min(firstMin, total);
    firstMax = Math.max(firstMax, total);
    settle();
  } else if (total > last) events.push(last + 1, at);
  else if (total === last) stats.duplicates++;
  else stats.regressions++;
}

/** A connection finished its start, either way: make room for the next one. */
function settle(): void {
  pending--;
  openMore();
  if (!announced && stats.firstEvents + stats.failed === options.viewers) announce();
}

function announce(): void {
  announced = true;
  const msg: ReadyMessage = {
    type: "ready",
    ms: now() - startedAt,
    ready: stats.firstEvents,
    failed: stats.failed,
    firstMin,
    firstMax,
  };
  port.postMessage(msg);
}

/**
 * Every socket reads into this one buffer (net's `onread`): no Buffer per read and no stream
 * machinery per event, so the viewers' own CPU — on the same cores as the server here — is
 * mostly the kernel's reads. Each read is handled before the next one fills it; a tail kept
 * across reads is copied.
 */
const READ_BUFFER = Buffer.alloc(64 * 1024);

function open(i: number): void {
  let headerChecked = false;
  // The tail of the previous read when a total may have been cut by a read boundary.
  let carry: Buffer | undefined;
  // True: keep reading. `false` would pause the socket.
  const onRead = (length: number): boolean => {
    const chunk = READ_BUFFER.subarray(0, length);
    const at = now();
    stats.bytes += chunk.length;
    if (!headerChecked) {
      headerChecked = true;
      if (!chunk.subarray(0, STATUS_OK.length).equals(STATUS_OK)) {
        socket.destroy();
        return true;
      }
    }
    const data = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    let from = 0;
    for (;;) {
      const t = data.indexOf(TOKEN, from);
      if (t < 0) break;
      let j = t + TOKEN.length;
      let total = 0;
      while (j < data.length && (data[j] as number) >= 48 && (data[j] as number) <= 57) {
        total = total * 10 + (data[j] as number) - 48;
        j++;
      }
      if (j === data.length) {
        carry = Buffer.from(data.subarray(t));
        return true;
      }
      onTotal(i, total, at, data, j);
      from = j;
    }
    // Events end with a newline (and chunk framing with CRLF); a token never contains one.
    if (data[data.length - 1] !== 10) {
      carry = Buffer.from(data.subarray(Math.max(from, data.length - TOKEN.length + 1)));
    }
    return true;
  };
  const socket = net.connect({
    port: options.port,
    host: "127.0.0.1",
    localAddress: options.localAddress,
    onread: { buffer: READ_BUFFER, callback: onRead },
  });
  sockets[i] = socket;
  socket.setNoDelay(true);
  socket.on("connect", () => socket.write(request));
  socket.on("error", () => {});
  socket.on("close", () => {
    sockets[i] = undefined;
    if (closing) return;
    if (lastTotals[i] === -1) {
      stats.failed++;
      settle();
    } else stats.dropped++;
  });
}

function openMore(): void {
  while (started < options.viewers && pending < options.maxPending) {
    pending++;
    open(started++);
  }
}

let closing = false;
const timeout = setTimeout(() => {
  if (!announced) announce();
}, options.timeoutMs);

process.on("message", (msg: ToWorker) => {
  if (msg.cmd === "report") {
    const report: ReportMessage = {
      type: "report",
      lastTotals,
      from: events.from.slice(0, events.length),
      at: events.at.slice(0, events.length),
      ...stats,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      loopDelayMaxMs: loop.max / 1e6,
      states: [...states.values()],
    };
    port.postMessage(report);
  } else if (msg.cmd === "close") {
    closing = true;
    clearTimeout(timeout);
    loop.disable();
    for (const socket of sockets) socket?.destroy();
    process.disconnect();
    process.exit(0);
  }
});

openMore();

// The bench gone (its channel closed): nothing is left to report to.
process.on("disconnect", () => process.exit(0));
