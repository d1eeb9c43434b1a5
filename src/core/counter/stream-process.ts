import type { Socket } from "node:net";
import {
  chunked,
  HEARTBEAT_CHUNK,
  LAST_CHUNK,
  MIN_INTERVAL_MS,
  PROCESS_FLUSH_COST_FACTOR,
  SLICE,
  SLOW_VIEWER_BYTES,
} from "./sse-frames.js";

// A stream process: the node hands it the sockets of its live viewers once their headers are
// written (stream-processes.ts), and sends it each new counter once; this process writes it to
// every viewer it holds. A viewer here is a bare socket, without the request, response and
// parser objects an HTTP server keeps for each connection, and the writes — a system call per
// viewer per change — run on another core than the node's requests and actions.
//
// What stays as in the node's own streams (streams.ts): a change is written at most once per
// interval, which grows with what the last flush cost; a viewer not keeping up gets the latest
// state when its buffer drains; a stuck one is dropped by the idle timeout; heartbeats go only
// into empty buffers.

/** From the node. */
export type ToStreamProcess =
  | { t: "viewer"; id: number; campaign: number; etag: string; text: string }
  | { t: "update"; campaign: number; etag: string; text: string }
  | { t: "end" };

/** To the node: viewers whose sockets closed. */
export type FromStreamProcess = { t: "ready" } | { t: "closed"; ids: number[] };

export interface StreamProcessOptions {
  idleTimeoutMs: number;
  heartbeatMs: number;
  send(message: FromStreamProcess): void;
}

interface Viewer {
  id: number;
  socket: Socket;
  sent: string;
  waiting: boolean;
  /** When the last update went to it: a viewer updated lately needs no heartbeat. */
  wroteAt: number;
}

interface Latest {
  etag: string;
  chunk: Buffer;
}

interface Audience {
  viewers: Set<Viewer>;
  latest: Latest;
  timer: NodeJS.Timeout | undefined;
  flushing: boolean;
  dirty: boolean;
  nextFlushAt: number;
}

export class StreamHolder {
  private audiences = new Map<number, Audience>();
  private closed: number[] = [];
  private closedTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout;

  constructor(private readonly options: StreamProcessOptions) {
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
  }

  get size(): number {
    let n = 0;
    for (const audience of this.audiences.values()) n += audience.viewers.size;
    return n;
  }

  receive(message: ToStreamProcess, socket?: Socket): void {
    if (message.t === "viewer") {
      if (socket) this.add(message, socket);
      else this.reportClosed(message.id);
    } else if (message.t === "update") {
      const audience = this.audience(message.campaign, message);
      audience.latest = { etag: message.etag, chunk: chunked(message.text) };
      this.schedule(audience);
    } else this.end();
  }

  /** Ends every stream cleanly (the last chunk), for a node that shuts down; the process stays until it lets go. */
  end(): void {
    clearInterval(this.heartbeat);
    for (const audience of this.audiences.values()) {
      if (audience.timer) clearTimeout(audience.timer);
      for (const viewer of audience.viewers) viewer.socket.end(LAST_CHUNK);
    }
  }

  private audience(campaign: number, first: { etag: string; text: string }): Audience {
    let audience = this.audiences.get(campaign);
    if (!audience) {
      audience = {
        viewers: new Set(),
        latest: { etag: first.etag, chunk: chunked(first.text) },
        timer: undefined,
        flushing: false,
        dirty: false,
        nextFlushAt: 0,
      };
      this.audiences.set(campaign, audience);
    }
    return audience;
  }

  private add(message: { id: number; campaign: number; etag: string; text: string }, socket: Socket): void {
    const audience = this.audience(message.campaign, message);
    const viewer: Viewer = { id: message.id, socket, sent: "", waiting: false, wroteAt: Date.now() };
    audience.viewers.add(viewer);
    socket.setTimeout(this.options.idleTimeoutMs, () => socket.destroy());
    // A viewer sends nothing after its request; reading still tells when it goes away.
    socket.on("data", () => {});
    socket.on("error", () => {});
    socket.on("drain", () => {
      if (viewer.waiting) this.send(viewer, audience.latest);
    });
    socket.on("close", () => {
      audience.viewers.delete(viewer);
      this.reportClosed(viewer.id);
    });
    // The node's state when it handed the viewer over, unless a newer one has arrived since.
    this.send(
      viewer,
      audience.latest.etag === message.etag
        ? audience.latest
        : { etag: message.etag, chunk: chunked(message.text) },
    );
  }

  /** Closed viewers are told to the node in batches: a crowd leaving is one message, not thousands. */
  private reportClosed(id: number): void {
    this.closed.push(id);
    this.closedTimer ??= setTimeout(() => {
      this.closedTimer = undefined;
      this.options.send({ t: "closed", ids: this.closed.splice(0) });
    }, 50);
  }

  private schedule(audience: Audience): void {
    if (audience.flushing) {
      audience.dirty = true;
      return;
    }
    if (audience.timer) return;
    const wait = Math.max(0, audience.nextFlushAt - Date.now());
    audience.timer = setTimeout(() => this.flush(audience), wait);
  }

  private flush(audience: Audience): void {
    audience.timer = undefined;
    audience.flushing = true;
    audience.dirty = false;
    const started = Date.now();
    let writing = 0;
    const viewers = [...audience.viewers];
    const writeSlice = (from: number) => {
      const sliceStart = performance.now();
      const to = Math.min(from + SLICE, viewers.length);
      // The latest state, read again for each slice: a change that arrives while a flush is
      // under way goes to the viewers not yet written at once, not a whole flush later (the
      // ones already written get it in the next flush). A viewer's wait is then at most about
      // one flush's writing time, not two.
      const latest = audience.latest;
      for (let i = from; i < to; i++) this.send(viewers[i] as Viewer, latest);
      writing += performance.now() - sliceStart;
      if (to < viewers.length) {
        setImmediate(writeSlice, to);
        return;
      }
      audience.nextFlushAt = started + Math.max(MIN_INTERVAL_MS, PROCESS_FLUSH_COST_FACTOR * writing);
      audience.flushing = false;
      if (audience.dirty) this.schedule(audience);
    };
    writeSlice(0);
  }

  private send(viewer: Viewer, latest: Latest): void {
    if (viewer.sent === latest.etag || viewer.socket.destroyed) return;
    if (viewer.socket.writableLength > SLOW_VIEWER_BYTES) {
      viewer.waiting = true;
      return;
    }
    viewer.waiting = false;
    viewer.sent = latest.etag;
    viewer.wroteAt = Date.now();
    viewer.socket.write(latest.chunk);
  }

  /** As the node's beat (streams.ts): only viewers quiet for half an interval, into empty buffers. */
  private beat(): void {
    const quietSince = Date.now() - this.options.heartbeatMs / 2;
    for (const audience of this.audiences.values()) {
      for (const viewer of audience.viewers) {
        const { socket } = viewer;
        if (viewer.wroteAt > quietSince || socket.destroyed || socket.writableLength > 0) continue;
        socket.write(HEARTBEAT_CHUNK);
      }
    }
  }
}

/** The process's side of the channel (what stream-holder.mjs runs): argv has the two timings. */
export function serveStreams(argv: string[]): void {
  const [idleTimeoutMs, heartbeatMs] = argv.map(Number);
  if (!(Number(idleTimeoutMs) > 0 && Number(heartbeatMs) > 0))
    throw new Error("stream process: timings missing");
  const holder = new StreamHolder({
    idleTimeoutMs: Number(idleTimeoutMs),
    heartbeatMs: Number(heartbeatMs),
    send: (message) => process.send?.(message),
  });
  process.on("message", (message: ToStreamProcess, socket?: Socket) => holder.receive(message, socket));
  // A signal to the node's process group (a supervisor's stop, Ctrl-C) is the node's to act on:
  // it ends the streams and then lets go of this process. Dying first would leave the node's
  // server waiting, as it closes, for an answer about the sockets it handed here.
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, () => {});
  // The node let go, or is gone: nothing will update these viewers again, so they go (and
  // reconnect to another node); the kernel closes the sockets with the process.
  process.on("disconnect", () => process.exit(0));
  process.send?.({ t: "ready" });
}
