import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { AddressCounter } from "../../platform/http/connections.js";
import type { CampaignInfo } from "../catalog/catalog.js";
import type { Counters } from "./aggregates.js";
import type { CounterRenderer, RenderedCounter } from "./presenter.js";
import {
  chunked,
  FLUSH_COST_FACTOR,
  FORWARD_INTERVAL_MS,
  HEARTBEAT,
  HEARTBEAT_CHUNK,
  HEARTBEAT_MS,
  LAST_CHUNK,
  MIN_INTERVAL_MS,
  RETRY,
  SLICE,
  SLOW_VIEWER_BYTES,
} from "./sse-frames.js";
import type { StreamProcesses } from "./stream-processes.js";

// Server-Sent Events for live viewers. A change is serialized once and the same bytes are
// written to every viewer of that edition, only when something changed, and at most once per
// interval. Writing to ten thousand sockets takes a noticeable time (each write is a system
// call), so a flush is cut into slices that let requests run in between, and the interval grows
// with what the last flush cost: a crowd gets fewer, still timely, updates instead of a server
// that stops taking actions. A viewer whose connection is not keeping up is skipped and gets the
// latest state when its buffer drains: each message is the whole counter, so nothing is lost.
// A viewer that never reads is dropped by the socket's idle timeout: once a write waits on a
// full kernel buffer, later writes queue in the process without reaching the socket, so no byte
// moves and the timeout fires. What may queue is bounded: updates stop at SLOW_VIEWER_BYTES and
// the heartbeat waits for an empty buffer. A reading viewer's heartbeat (at most a third of that
// timeout) keeps its stream open for as long as it reads.

const STREAM_HEADERS: Record<string, string> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // Tells nginx-style proxies not to buffer the stream.
  "x-accel-buffering": "no",
};

export interface StreamOptions {
  heartbeatMs?: number;
  /** Concurrent streams one client address may hold. */
  maxPerAddress?: number;
  /** Concurrent streams in all: the viewers this node can hold. */
  max?: number;
  /** Where viewers go once their headers are written; without them the node writes every stream. */
  processes?: StreamProcesses;
}

/** Why a new stream is refused; undefined: it is admitted. */
export type StreamRefusal = "address" | "node" | undefined;

interface Viewer {
  res: ServerResponse;
  /** Set when the stream is written on the socket itself, from its headers on (see opened). */
  socket: Socket | undefined;
  sentEtag: string;
  waiting: boolean;
  /** When the last update went to it: a viewer updated lately needs no heartbeat. */
  wroteAt: number;
}

interface Audience {
  campaign: CampaignInfo;
  viewers: Set<Viewer>;
  nextFlushAt: number;
  timer: NodeJS.Timeout | undefined;
  flushing: boolean;
  /** A change arrived while a flush was under way. */
  dirty: boolean;
  /** What the stream processes were last sent. */
  forwarded: string;
}

export class CounterStreams {
  private audiences = new Map<number, Audience>();
  private heartbeat: NodeJS.Timeout;
  private unsubscribe: () => void;
  private clients: AddressCounter;
  private open = 0;
  readonly max: number;
  private readonly processes: StreamProcesses | undefined;
  private readonly heartbeatMs: number;

  constructor(
    counters: Counters,
    private readonly renderer: CounterRenderer,
    private readonly campaignOf: (id: number) => CampaignInfo | undefined,
    {
      heartbeatMs = HEARTBEAT_MS,
      maxPerAddress = Number.POSITIVE_INFINITY,
      max = Number.POSITIVE_INFINITY,
      processes,
    }: StreamOptions = {},
  ) {
    this.max = max;
    this.heartbeatMs = heartbeatMs;
    this.processes = processes;
    this.clients = new AddressCounter(maxPerAddress);
    this.unsubscribe = counters.onChange((id) => {
      this.schedule(id);
      // The previous edition's total is part of the view of the editions that follow it.
      for (const audience of this.audiences.values()) {
        if (audience.campaign.previousId === id) this.schedule(audience.campaign.id);
      }
    });
    this.heartbeat = setInterval(() => this.beat(), heartbeatMs);
    this.heartbeat.unref();
  }

  /** Whether `client` (an address key) may open one more stream, or which cap refuses it. */
  refuses(client: string): StreamRefusal {
    if (this.open >= this.max) return "node";
    return this.clients.held(client) < this.clients.max ? undefined : "address";
  }

  admits(client: string): boolean {
    return this.refuses(client) === undefined;
  }

  /** Streams open now. */
  get size(): number {
    return this.open;
  }

  /** Streams the counter to `res` until it closes; ask `refuses` first. */
  subscribe(campaign: CampaignInfo, res: ServerResponse, client = ""): void {
    if (this.open >= this.max || !this.clients.acquire(client)) {
      res.writeHead(503, { "retry-after": "10", connection: "close" }).end();
      return;
    }
    this.open++;
    const release = this.releaser(client);
    const audience = this.audienceOf(campaign);
    const processes = this.processes;
    if (processes) {
      // Handed over once the headers have reached the socket: what the node still held for it
      // would be lost with the node's copy of the socket.
      const socket = opened(res, () => {
        if (settled) return;
        settled = true;
        socket?.off("close", gone);
        const rendered = this.renderer.render(audience.campaign);
        if (!processes.hand(socket as Socket, campaign.id, rendered, release))
          this.keep(audience, res, socket, release);
      });
      let settled = false;
      const gone = () => {
        if (settled) return;
        settled = true;
        release();
      };
      if (socket) {
        socket.once("close", gone);
        return;
      }
      this.keep(audience, res, undefined, release);
      return;
    }
    this.keep(audience, res, opened(res), release);
  }

  /**
   * What ends a viewer's hold on the caps. Made here, not in subscribe: a handed viewer's record
   * keeps it for hours, and a closure made there would keep the response (and with it the
   * request and socket objects) alive with it.
   */
  private releaser(client: string): () => void {
    return () => {
      this.open--;
      this.clients.release(client);
    };
  }

  private audienceOf(campaign: CampaignInfo): Audience {
    let audience = this.audiences.get(campaign.id);
    if (!audience) {
      audience = {
        campaign,
        viewers: new Set(),
        nextFlushAt: 0,
        timer: undefined,
        flushing: false,
        dirty: false,
        forwarded: "",
      };
      this.audiences.set(campaign.id, audience);
    }
    return audience;
  }

  /** This node writes the stream itself. */
  private keep(
    audience: Audience,
    res: ServerResponse,
    socket: Socket | undefined,
    release: () => void,
  ): void {
    const viewer: Viewer = { res, socket, sentEtag: "", waiting: false, wroteAt: Date.now() };
    audience.viewers.add(viewer);
    if (!viewer.socket) {
      res.writeHead(200, STREAM_HEADERS);
      res.write(RETRY);
    }
    this.send(viewer, this.renderer.render(audience.campaign));
    // Messages go straight to the socket (see send), so its drain is the one to wait for.
    (res.socket ?? res).on("drain", () => {
      if (viewer.waiting) this.send(viewer, this.renderer.render(audience.campaign));
    });
    res.on("close", () => {
      audience.viewers.delete(viewer);
      release();
    });
  }

  /** After a catalog change: what a viewer may see (which cases are named) may have changed. */
  refresh(): void {
    for (const id of this.audiences.keys()) this.schedule(id);
  }

  async close(): Promise<void> {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    const handed = this.processes?.endStreams();
    for (const audience of this.audiences.values()) {
      if (audience.timer) clearTimeout(audience.timer);
      for (const viewer of audience.viewers) {
        if (viewer.socket) viewer.socket.end(LAST_CHUNK);
        else viewer.res.end();
      }
      audience.viewers.clear();
    }
    await handed;
  }

  private schedule(campaignId: number): void {
    const audience = this.audiences.get(campaignId);
    if (!audience || (audience.viewers.size === 0 && !this.processes?.holds(campaignId))) return;
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
    // The catalog may have been reloaded since the viewers subscribed.
    audience.campaign = this.campaignOf(audience.campaign.id) ?? audience.campaign;
    const rendered = this.renderer.render(audience.campaign);
    if (this.processes && rendered.etag !== audience.forwarded) {
      audience.forwarded = rendered.etag;
      this.processes.update(audience.campaign.id, rendered);
    }
    const viewers = [...audience.viewers];
    const writeSlice = (from: number) => {
      const sliceStart = performance.now();
      const to = Math.min(from + SLICE, viewers.length);
      // As in the stream processes: each slice gets the latest state (rendered once per change),
      // so a change counted during a flush reaches the viewers not yet written in this one.
      const current = from === 0 ? rendered : this.renderer.render(audience.campaign);
      for (let i = from; i < to; i++) this.send(viewers[i] as Viewer, current);
      writing += performance.now() - sliceStart;
      if (to < viewers.length) {
        setImmediate(writeSlice, to);
        return;
      }
      // With every viewer in the stream processes, which pace their own flushes, a change is
      // only rendered and sent on here: it goes soon after it is counted.
      const floor = audience.viewers.size === 0 && this.processes ? FORWARD_INTERVAL_MS : MIN_INTERVAL_MS;
      audience.nextFlushAt = started + Math.max(floor, FLUSH_COST_FACTOR * writing);
      audience.flushing = false;
      if (audience.dirty) this.schedule(audience.campaign.id);
    };
    writeSlice(0);
  }

  private send(viewer: Viewer, rendered: RenderedCounter): void {
    if (viewer.sentEtag === rendered.etag || viewer.res.destroyed) return;
    if ((viewer.res.socket ?? viewer.res).writableLength > SLOW_VIEWER_BYTES) {
      viewer.waiting = true;
      return;
    }
    viewer.waiting = false;
    viewer.sentEtag = rendered.etag;
    viewer.wroteAt = Date.now();
    // ServerResponse.write frames each chunk in three writes and costs several times the
    // system call itself; with thousands of viewers that decides how often all can be updated.
    // The chunk is framed once for everyone and handed to the socket directly; the response
    // still ends the stream properly with res.end().
    // Only once the response itself holds nothing back (headers, the retry line: Node 24 may
    // still keep them while the socket is not yet its own), or the chunk would overtake them.
    const { res } = viewer;
    if (viewer.socket) {
      viewer.socket.write(rendered.chunk);
      return;
    }
    const socket = res.socket;
    if (res.chunkedEncoding && socket && res.headersSent && res.writableLength === socket.writableLength)
      socket.write(rendered.chunk);
    else res.write(rendered.event);
  }

  private beat(): void {
    // Viewers updated in the last half interval are skipped (so no viewer goes more than 1.5
    // intervals without bytes): while the counter moves, a beat writes to nobody instead of
    // to every viewer at once between two flushes.
    const quietSince = Date.now() - this.heartbeatMs / 2;
    for (const audience of this.audiences.values()) {
      for (const viewer of audience.viewers) {
        const { res, socket } = viewer;
        // Only into an empty buffer: a heartbeat must not keep a stuck socket looking active.
        if (viewer.wroteAt > quietSince || res.destroyed || (res.socket ?? res).writableLength > 0) continue;
        if (socket) socket.write(HEARTBEAT_CHUNK);
        else res.write(HEARTBEAT);
      }
      // A node cut off from the ledger (or back) changes no count: viewers learn it here.
      this.schedule(audience.campaign.id);
    }
  }
}

/**
 * Starts the stream on the socket itself, as an HTTP/1.1 chunked response, and lets go of what
 * the response object holds for the stream's life; answers the socket, or undefined where the
 * response must write it (no socket of its own, HTTP/1.0, headers already on their way).
 *
 * A viewer is held for hours, and 19,000 of them a node: what each one keeps is the node's
 * capacity. Written through the response, each would keep its header lines twice (an object of
 * name and value pairs and the header text as a rope of a few dozen small strings, together
 * 3-4 KB), and the framework's end-of-response listener would keep its request, reply and
 * per-request logger (another 1-2 KB) for a response that never ends through it.
 */
function opened(res: ServerResponse, flushed?: () => void): Socket | undefined {
  const socket = res.socket;
  const request = res.req;
  if (!socket || res.headersSent || request?.httpVersion !== "1.1") return undefined;
  // The headers set so far (security headers, CORS), then the stream's own.
  let head = "HTTP/1.1 200 OK\r\n";
  for (const [name, value] of Object.entries({ ...res.getHeaders(), ...STREAM_HEADERS })) {
    if (value === undefined) continue;
    for (const line of Array.isArray(value) ? value : [String(value)]) head += `${name}: ${line}\r\n`;
  }
  head += `date: ${new Date().toUTCString()}\r\ntransfer-encoding: chunked\r\n\r\n`;
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  // The response never finishes (the stream ends on the socket, see close), so these
  // listeners would never run; they would only keep the request's objects alive.
  res.removeAllListeners("finish");
  res.removeAllListeners("error");
  socket.write(Buffer.concat([Buffer.from(head, "latin1"), chunked(RETRY)]), flushed);
  return socket;
}
