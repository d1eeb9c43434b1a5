import assert from "node:assert/strict";
import { test } from "node:test";
import { buildWorld, getWorld } from "./world.js";
import { prepareWorld } from "./world-thread.js";

test("the world built in a worker thread is the one built here, and becomes the default", async () => {
  assert.equal(await prepareWorld(), "ready");
  const adopted = getWorld();
  const here = buildWorld();
  assert.notEqual(adopted, here, "the default was not built on this thread");
  assert.equal(adopted.height, here.height);
  assert.equal(adopted.neutral, here.neutral);
  assert.deepEqual(adopted.countries, here.countries);
  assert.equal(adopted.byCode.get("FR")?.d, here.byCode.get("FR")?.d);
  // Points land where they would: the projection came across as its parameters.
  for (const [lon, lat] of [
    [-3.7038, 40.4168],
    [139.69, 35.68],
    [-58.38, -34.6],
  ] as const) {
    assert.deepEqual(adopted.project(lon, lat), here.project(lon, lat));
  }
});
