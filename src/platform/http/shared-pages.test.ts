import assert from "node:assert/strict";
import { test } from "node:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import Fastify from "fastify";
import { SharedPages } from "./shared-pages.js";

// The cache's promises: one building per (key, version), the counter's moves at most once a
// second, one strong ETag per content, 304 on revalidation, each encoding made once. The clock
// is the test's, so nothing here waits.

function harness() {
  let clock = 10_000;
  let builds = 0;
  let version = "v1";
  let tick = 0;
  let slow: Promise<void> | undefined;
  const cache = new SharedPages({ now: () => clock, onBuild: () => builds++ });
  const app = Fastify();
  app.get("/", (request, reply) =>
    cache.send(request, reply, {
      key: "page|en",
      version,
      tick,
      type: "text/html; charset=utf-8",
      vary: "accept-language",
      build: async () => {
        const n = builds;
        await slow;
        return `<p>${version} ${tick} #${n} ${"x".repeat(2000)}</p>`;
      },
    }),
  );
  const get = (headers: Record<string, string> = {}) =>
    app.inject({ url: "/", headers: { "accept-encoding": "identity", ...headers } });
  return {
    app,
    get,
    builds: () => builds,
    advance: (ms: number) => {
      clock += ms;
    },
    change: (next: string) => {
      version = next;
    },
    count: () => {
      tick++;
    },
    hold: (until: Promise<void>) => {
      slow = until;
    },
  };
}

test("a page is built once per version, whatever the number of requests, and changes at once", async () => {
  const h = harness();
  const first = (await h.get()).body;
  for (let i = 0; i < 5; i++) assert.equal((await h.get()).body, first);
  assert.equal(h.builds(), 1);
  h.change("v2");
  assert.match((await h.get()).body, /^<p>v2 /, "a content change is served on the next request");
  assert.equal(h.builds(), 2);
});

test("the counter's moves rebuild at most once a second", async () => {
  const h = harness();
  assert.match((await h.get()).body, /^<p>v1 0 /);
  h.count();
  h.advance(999);
  assert.match((await h.get()).body, /^<p>v1 0 /, "within the second: the same building");
  assert.equal(h.builds(), 1);
  h.advance(1);
  assert.match((await h.get()).body, /^<p>v1 1 /, "a second after the last building: the new numbers");
  assert.equal(h.builds(), 2);
  h.count();
  h.change("v2");
  assert.match((await h.get()).body, /^<p>v2 2 /, "a content change does not wait for the second");
});

test("concurrent misses for one key build once", async () => {
  const h = harness();
  let release: () => void = () => {};
  h.hold(new Promise<void>((r) => (release = r)));
  const answers = Array.from({ length: 20 }, () => h.get());
  await new Promise((r) => setTimeout(r, 20));
  release();
  const bodies = new Set((await Promise.all(answers)).map((a) => a.body));
  assert.equal(bodies.size, 1, "every waiting request gets the same bytes");
  assert.equal(h.builds(), 1);
});

test("gzip and brotli answers decompress to the identity bytes; each encoding has its own strong tag", async () => {
  const h = harness();
  const identity = await h.get();
  const br = await h.get({ "accept-encoding": "gzip, br" });
  const gzip = await h.get({ "accept-encoding": "gzip" });
  assert.equal(identity.headers["content-encoding"], undefined);
  assert.equal(br.headers["content-encoding"], "br");
  assert.equal(gzip.headers["content-encoding"], "gzip");
  assert.deepEqual(brotliDecompressSync(br.rawPayload), identity.rawPayload);
  assert.deepEqual(gunzipSync(gzip.rawPayload), identity.rawPayload);
  assert.ok(br.rawPayload.length < identity.rawPayload.length);
  const tags = [identity, br, gzip].map((a) => String(a.headers.etag));
  assert.equal(new Set(tags).size, 3);
  for (const tag of tags) assert.match(tag, /^"[A-Za-z0-9_-]{27}(-br|-gz)?"$/, "strong, not W/");
  for (const a of [identity, br, gzip]) {
    assert.equal(a.headers.vary, "accept-language, accept-encoding");
    assert.equal(a.headers["cache-control"], "public, max-age=1, stale-while-revalidate=5");
  }
  assert.equal(h.builds(), 1, "compressed once, with the building");
});

test("a matching If-None-Match answers 304; after a change, 200 with a new tag", async () => {
  const h = harness();
  const first = await h.get({ "accept-encoding": "br" });
  const etag = String(first.headers.etag);
  const again = await h.get({ "accept-encoding": "br", "if-none-match": etag });
  assert.equal(again.statusCode, 304);
  assert.equal(again.body, "");
  assert.equal(again.headers.etag, etag);
  const weak = await h.get({ "accept-encoding": "br", "if-none-match": `"other", W/${etag}` });
  assert.equal(weak.statusCode, 304, "If-None-Match compares weakly, in a list");
  h.change("v2");
  const changed = await h.get({ "accept-encoding": "br", "if-none-match": etag });
  assert.equal(changed.statusCode, 200);
  assert.notEqual(changed.headers.etag, etag);
});

test("the same content has the same tag in another cache (another node)", async () => {
  const a = harness();
  const b = harness();
  assert.equal((await a.get()).headers.etag, (await b.get()).headers.etag);
});

test("memory is bounded: beyond its size the least recently used pages go", async () => {
  let builds = 0;
  const cache = new SharedPages({ maxBytes: 64 * 1024, onBuild: () => builds++ });
  const app = Fastify();
  app.get("/:n", (request, reply) =>
    cache.send(request, reply, {
      key: (request.params as { n: string }).n,
      version: "v",
      type: "text/plain",
      // Incompressible enough that each entry takes ~16 KB in three encodings.
      build: () =>
        Buffer.from(Array.from({ length: 4000 }, (_, i) => ((i * 7919) % 251).toString(36)).join("")),
    }),
  );
  for (let n = 0; n < 20; n++) await app.inject(`/${n}`);
  assert.equal(builds, 20);
  await app.inject("/19");
  assert.equal(builds, 20, "a recent page is still held");
  await app.inject("/0");
  assert.equal(builds, 21, "the oldest one was let go");
});
