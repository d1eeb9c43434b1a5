import assert from "node:assert/strict";
import { test } from "node:test";
import { newActionId } from "./ids.js";

test("action ids are unique UUIDv7s that start with their creation time", () => {
  const before = Date.now();
  const ids = Array.from({ length: 5000 }, () => newActionId());
  const after = Date.now();
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) {
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);
    assert.ok(ms >= before && ms <= after);
  }
});
