import assert from "node:assert/strict";
import { test } from "node:test";
import Fastify from "fastify";
import { PageCache } from "./page-cache.js";

// The cache's promise: one rendering per change and key, and at most one a second while changes
// pour in. The clock is the test's, so nothing here waits.

async function harness() {
  let clock = 0;
  let renders = 0;
  let version = "v1";
  const cache = new PageCache(() => clock);
  const app = Fastify();
  app.get("/", (request, reply) =>
    cache.send(request, reply.type("text/html"), "home|en", version, () => `<p>${version} #${++renders}</p>`),
  );
  const get = async (encoding = "identity") =>
    (await app.inject({ url: "/", headers: { "accept-encoding": encoding } })).body;
  return {
    get,
    app,
    renders: () => renders,
    advance: (ms: number) => {
      clock += ms;
    },
    change: (next: string) => {
      version = next;
    },
  };
}

test("a page is rendered once per version, whatever the number of requests", async () => {
  const h = await harness();
  for (let i = 0; i < 5; i++) assert.equal(await h.get(), "<p>v1 #1</p>");
  assert.equal(h.renders(), 1);
});

test("a change within a second of the last rendering waits; after a second it shows", async () => {
  const h = await harness();
  h.advance(5_000);
  assert.equal(await h.get(), "<p>v1 #1</p>");
  h.change("v2");
  h.advance(999);
  assert.equal(await h.get(), "<p>v1 #1</p>", "the rendering of the same second is served");
  h.advance(1);
  assert.equal(await h.get(), "<p>v2 #2</p>", "a second later the change is rendered");
  assert.equal(await h.get(), "<p>v2 #2</p>");
  assert.equal(h.renders(), 2);
});

test("the compressed forms are made once per rendering and say their encoding", async () => {
  const h = await harness();
  const br = await h.app.inject({ url: "/", headers: { "accept-encoding": "br" } });
  assert.equal(br.headers["content-encoding"], "br");
  const gzip = await h.app.inject({ url: "/", headers: { "accept-encoding": "gzip" } });
  assert.equal(gzip.headers["content-encoding"], "gzip");
  assert.match(String(gzip.headers.vary), /accept-encoding/);
  assert.equal(h.renders(), 1);
});
