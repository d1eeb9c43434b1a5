import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { FastifyReply, FastifyRequest } from "fastify";
import Negotiator from "negotiator";

// The home page is the same for every visitor in one language until the counter changes, and
// on launch day it is asked for thousands of times between two changes. It is rendered and
// compressed once per change and language, then served from memory; while actions pour in it
// is rendered again at most once a second (the live script moves the numbers in between, and
// without scripts the page says what it was a second ago).
const FRESH_MS = 1000;

interface Entry {
  version: string;
  renderedAt: number;
  html: Buffer;
  gzip?: Buffer;
  br?: Buffer;
}

const ENCODINGS = ["br", "gzip", "identity"];

export class PageCache {
  private entries = new Map<string, Entry>();

  /** `now` is the clock; tests pass their own instead of waiting for a second to pass. */
  constructor(private readonly now: () => number = () => Date.now()) {}

  send(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    version: string,
    render: () => string,
  ): FastifyReply {
    let entry = this.entries.get(key);
    const now = this.now();
    if (!entry || (entry.version !== version && now - entry.renderedAt >= FRESH_MS)) {
      entry = { version, renderedAt: now, html: Buffer.from(render()) };
      this.entries.set(key, entry);
    }
    const encoding = new Negotiator(request).encodings(ENCODINGS)[0] ?? "identity";
    reply.header("vary", "accept-language, accept-encoding");
    if (encoding === "br") {
      entry.br ??= brotliCompressSync(entry.html, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } });
      return reply.header("content-encoding", "br").send(entry.br);
    }
    if (encoding === "gzip") {
      entry.gzip ??= gzipSync(entry.html, { level: 9 });
      return reply.header("content-encoding", "gzip").send(entry.gzip);
    }
    return reply.send(entry.html);
  }
}
