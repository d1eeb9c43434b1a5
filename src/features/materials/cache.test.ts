import assert from "node:assert/strict";
import { test } from "node:test";
import { MaterialCache } from "./cache.js";

const pdf = (text: string) => new Uint8Array(Buffer.from(`%PDF ${text}`));

test("a material is made once per version, concurrent requests wait for that one, a failure is not kept", async () => {
  const cache = new MaterialCache();
  let made = 0;
  const make = (text: string) => async () => {
    made++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return pdf(text);
  };
  const [a, b] = await Promise.all([cache.get("k", "1", make("one")), cache.get("k", "1", make("one"))]);
  assert.equal(made, 1, "one rendering for two requests");
  assert.equal(a, b);
  assert.match(a.etag, /^"[\w-]{27}"$/);
  assert.equal((await cache.get("k", "1", make("one"))).etag, a.etag, "served from memory");
  assert.equal(made, 1);
  const changed = await cache.get("k", "2", make("two"));
  assert.equal(made, 2, "a new version is made again");
  assert.notEqual(changed.etag, a.etag);

  await assert.rejects(
    cache.get("bad", "1", async () => {
      throw new Error("boom");
    }),
  );
  assert.equal((await cache.get("bad", "1", make("fine"))).pdf.toString(), "%PDF fine", "tried again");
});

test("the cache holds at most its bytes: the least recently used PDFs leave first", async () => {
  const cache = new MaterialCache(1000);
  for (let i = 0; i < 10; i++) await cache.get(`k${i}`, "1", async () => pdf("x".repeat(300)));
  assert.ok(cache.size <= 3, `${cache.size} entries of 305 bytes in 1000`);
  let made = 0;
  await cache.get("k9", "1", async () => {
    made++;
    return pdf("again");
  });
  assert.equal(made, 0, "the most recent one is still there");
});
