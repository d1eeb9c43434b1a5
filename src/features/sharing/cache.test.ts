import assert from "node:assert/strict";
import { test } from "node:test";
import { COUNT_REFRESH_MS, ShareImageCache } from "./cache.js";

test("a share image is made again when its content changes, and for its count at most every 10 minutes", async () => {
  let now = 0;
  let made = 0;
  const cache = new ShareImageCache(() => now);
  const make = async () => Buffer.from(`image ${++made}`);
  const first = await cache.get("case|en", "v1", 10, make);
  assert.equal(made, 1);
  assert.match(first.etag, /^"[\w-]{27}"$/);
  assert.equal(await cache.get("case|en", "v1", 10, make), first, "the same count: kept");
  now += COUNT_REFRESH_MS - 1;
  assert.equal(await cache.get("case|en", "v1", 11, make), first, "a new count within 10 minutes: kept");
  now += 1;
  const recounted = await cache.get("case|en", "v1", 11, make);
  assert.equal(made, 2, "after 10 minutes the count is drawn again");
  assert.notEqual(recounted.etag, first.etag);
  await cache.get("case|en", "v2", 11, make);
  assert.equal(made, 3, "an edit to the case is drawn at once");
  await cache.get("case|es", "v2", 11, make);
  assert.equal(cache.size, 2, "one image per case and language");
  // Requests that find an image being made share it; a failure is not kept.
  const slow = cache.get("other|en", "v1", 1, make);
  assert.equal(cache.get("other|en", "v1", 1, make), slow);
  await slow;
  await assert.rejects(cache.get("broken|en", "v1", 1, async () => Promise.reject(new Error("no"))));
  await cache.get("broken|en", "v1", 1, make);
  assert.equal(made, 6, "tried again after a failure");
});
