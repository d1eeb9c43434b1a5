import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { FastifyReply, FastifyRequest } from "fastify";
import { LRUCache } from "lru-cache";
import Negotiator from "negotiator";

// The pages a crowd hits (home, section, events, embed, the campaigns' JSON) are the same for
// every visitor in one language until something they show changes. Each is built once per
// (page, language, content version), compressed once (brotli and gzip, beside the identity
// bytes), and served from memory with a strong ETag, so a browser or a CDN revalidates with a
// 304 and a crowd costs one rendering per change.
//
// Freshness on this node: the caller computes the page's version on every request (a few reads
// of in-memory numbers), so an entry is never served once its content changed — except that
// the counter's numbers (`tick`) rebuild a page at most once a second while actions pour in.
// A page is thus at most ~1 s behind its change here, on every node (changes arrive through
// NOTIFY in milliseconds).
//
// Freshness in front (a CDN or reverse proxy): max-age=1 makes it ask again every second (a
// 304 when nothing changed); stale-while-revalidate=5 lets it answer a crowd at once while it
// asks, and bounds how old the copy of a quiet page it serves while asking can be (1 + 5 s).
// A longer window would let a quiet page's first visitor see a change many seconds late.
export const SHARED_CACHE_CONTROL = "public, max-age=1, stale-while-revalidate=5";
const TICK_MS = 1000;
// Measured on the home page (89 KB, bench/compression.ts, docs/PERFORMANCE.md): brotli 11 takes
// 30× the time of 5 for 16 % less; 5 is smaller than gzip 6 at two thirds of its time. gzip 9
// takes 5× the time of 6 for 2 % less on the map's SVG, so gzip stays at 6.
const BROTLI_QUALITY = 5;
const GZIP_LEVEL = 6;
/** Worst case for the whole cache: its entries' bytes (all three encodings) never exceed this. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
const ENCODINGS = ["br", "gzip", "identity"];
// negotiator 1's `preferred` option, missing from its types.
type PreferringNegotiator = { encodings(available: string[], options: { preferred: string[] }): string[] };

export interface SharedPage {
  /** What names the page apart from its content: route, language, parameters. */
  key: string;
  /** Moves with anything the page shows (catalog, content, status, day): rebuilt on change. */
  version: string;
  /** Moves with the counter: a change rebuilds the page at most once a second. */
  tick?: number | string;
  /** The Content-Type, e.g. "text/html; charset=utf-8" or "application/json". */
  type: string;
  /** Request headers besides Accept-Encoding the content depends on (e.g. "accept-language"). */
  vary?: string;
  /** For content whose address names all of it (a map image): longer than SHARED_CACHE_CONTROL. */
  cacheControl?: string;
  /** The page's bytes, or undefined when there is no such page (then `missing` answers). */
  build: () => string | Buffer | undefined | Promise<string | Buffer | undefined>;
  /**
   * Answers when `build` found no such page (an unknown id). The finding is not kept: addresses
   * made up by the million would otherwise push the real pages out of the cache.
   */
  missing?: () => FastifyReply | Promise<FastifyReply>;
}

interface Entry {
  version: string;
  tick: number | string | undefined;
  builtAt: number;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  /** The identity's content hash: the same on every node for the same bytes. */
  hash: string;
  /** There is no such page: `missing` answers. */
  missing: boolean;
}

interface Flight {
  version: string;
  entry: Promise<Entry>;
}

export interface SharedPagesOptions {
  maxBytes?: number;
  /** The clock; tests pass their own. */
  now?: () => number;
  /** Called once per build (tests count them). */
  onBuild?: (key: string) => void;
}

export class SharedPages {
  private readonly entries: LRUCache<string, Entry>;
  private readonly flights = new Map<string, Flight>();
  private readonly now: () => number;

  constructor(private readonly options: SharedPagesOptions = {}) {
    this.now = options.now ?? (() => Date.now());
    this.entries = new LRUCache<string, Entry>({
      maxSize: options.maxBytes ?? DEFAULT_MAX_BYTES,
      sizeCalculation: (e) => e.identity.length + e.gzip.length + e.br.length + 256,
    });
  }

  /** Answers with the page's current building: 200 in the best encoding asked, or 304. */
  async send(request: FastifyRequest, reply: FastifyReply, page: SharedPage): Promise<FastifyReply> {
    const entry = await this.get(page);
    if (entry.missing) {
      if (!page.missing) throw new Error(`shared page ${page.key} built nothing and has no missing answer`);
      return page.missing();
    }
    // Brotli first when the client takes both equally (browsers list "gzip, deflate, br").
    const negotiator = new Negotiator(request) as unknown as PreferringNegotiator;
    const encoding = negotiator.encodings(ENCODINGS, { preferred: ENCODINGS })[0] ?? "identity";
    const suffix = encoding === "br" ? "-br" : encoding === "gzip" ? "-gz" : "";
    // One strong tag per encoding (their bytes differ), all derived from the content's hash.
    const etag = `"${entry.hash}${suffix}"`;
    reply
      .type(page.type)
      .header("vary", page.vary ? `${page.vary}, accept-encoding` : "accept-encoding")
      .header("cache-control", page.cacheControl ?? SHARED_CACHE_CONTROL)
      .header("etag", etag);
    if (matches(request.headers["if-none-match"], entry.hash)) return reply.code(304).send();
    if (encoding === "identity") return reply.code(200).send(entry.identity);
    // A Content-Encoding already set makes @fastify/compress leave the bytes alone.
    reply.header("content-encoding", encoding);
    return reply.code(200).send(encoding === "br" ? entry.br : entry.gzip);
  }

  private async get(page: SharedPage): Promise<Entry> {
    const entry = this.entries.get(page.key);
    if (entry && entry.version === page.version) {
      if (entry.tick === page.tick || this.now() - entry.builtAt < TICK_MS) return entry;
    }
    // Single flight: concurrent misses for the same key and version wait for one building
    // (a few milliseconds; serving the old one meanwhile would let it outlive its second).
    const flight = this.flights.get(page.key);
    if (flight && flight.version === page.version) return flight.entry;
    return this.fly(page);
  }

  private async fly(page: SharedPage): Promise<Entry> {
    const building = this.build(page);
    const mine: Flight = { version: page.version, entry: building };
    this.flights.set(page.key, mine);
    try {
      const built = await building;
      if (!built.missing) this.entries.set(page.key, built);
      return built;
    } finally {
      if (this.flights.get(page.key) === mine) this.flights.delete(page.key);
    }
  }

  private async build(page: SharedPage): Promise<Entry> {
    const builtAt = this.now();
    this.options.onBuild?.(page.key);
    const body = await page.build();
    if (body === undefined) {
      const none = Buffer.alloc(0);
      return {
        version: page.version,
        tick: page.tick,
        builtAt,
        identity: none,
        gzip: none,
        br: none,
        hash: "",
        missing: true,
      };
    }
    const identity = typeof body === "string" ? Buffer.from(body) : body;
    // Off the event loop (zlib's thread pool), once per version.
    const [br, gz] = await Promise.all([
      brotli(identity, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: identity.length,
        },
      }),
      gzipAsync(identity, { level: GZIP_LEVEL }),
    ]);
    const hash = createHash("sha256").update(identity).digest("base64url").slice(0, 27);
    return { version: page.version, tick: page.tick, builtAt, identity, gzip: gz, br, hash, missing: false };
  }
}

/** If-None-Match uses the weak comparison: W/ is ignored, and any encoding's tag matches. */
function matches(header: string | undefined, hash: string): boolean {
  if (!header) return false;
  return header.split(",").some((raw) => {
    const tag = raw.trim().replace(/^W\//, "");
    return tag === "*" || tag === `"${hash}"` || tag === `"${hash}-br"` || tag === `"${hash}-gz"`;
  });
}

/** Route options for a shared page: it compresses itself (see SharedPages). */
export const SHARED_PAGE_ROUTE = { compress: false } as const;

declare module "fastify" {
  interface FastifyInstance {
    /** The node's one cache of shared pages (decorated at the root by the app). */
    sharedPages?: SharedPages;
  }
}

const fallback = new WeakMap<object, SharedPages>();

/**
 * Answers a route's request with a shared page. A route goes onto the cache with this one
 * call, once nothing in its page is per visitor: `return sharedPage(request, reply, { key,
 * version, tick, type, vary, build })`.
 */
export function sharedPage(
  request: FastifyRequest,
  reply: FastifyReply,
  page: SharedPage,
): Promise<FastifyReply> {
  let cache = request.server.sharedPages;
  if (!cache) {
    // An app assembled without the root's decoration (a test's) still caches, per instance.
    cache = fallback.get(request.server) ?? new SharedPages();
    fallback.set(request.server, cache);
  }
  return cache.send(request, reply, page);
}
