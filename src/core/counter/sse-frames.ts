// The bytes of a counter stream, shared by the node and its stream processes: each message is
// framed as an HTTP/1.1 chunk once, and the same bytes go to every viewer.

/** An HTTP/1.1 chunk. */
export const chunked = (text: string) =>
  Buffer.from(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
export const HEARTBEAT = ": keep-alive\n\n";
export const HEARTBEAT_CHUNK = chunked(HEARTBEAT);
export const RETRY = "retry: 3000\n\n";
/** The end of a chunked body: the stream closes cleanly. */
export const LAST_CHUNK = Buffer.from("0\r\n\r\n");

export const MIN_INTERVAL_MS = 250;
/** How often the node renders a changed counter for its stream processes, at most. */
export const FORWARD_INTERVAL_MS = 50;
/**
 * The interval is at least this many times the time the last flush spent writing, which keeps
 * most of the process for its other work however large the crowd gets.
 */
export const FLUSH_COST_FACTOR = 2;
/**
 * A stream process does nothing but write to its viewers, so its next flush may start as soon
 * as the last one ended: its cost is its own, and the node's requests run in another process.
 */
export const PROCESS_FLUSH_COST_FACTOR = 1;
/** Viewers written between two turns of the event loop. */
export const SLICE = 500;
export const HEARTBEAT_MS = 15_000;
/** A viewer with this much not yet taken by its socket gets no more until it drains. */
export const SLOW_VIEWER_BYTES = 64 * 1024;
