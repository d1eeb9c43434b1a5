import assert from "node:assert/strict";
import { test } from "node:test";
import { HOUR_MS } from "../ledger/types.js";
import { Counters } from "./aggregates.js";

test("live changes feed the per-minute rate; reports about past hours and old changes do not", () => {
  const counters = new Counters();
  const now = Date.parse("2012-12-10T12:30:00Z");
  const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
  counters.apply([[1, "FR", 1, "letter", hour, 100]], new Date(now - 60_000));
  counters.apply([[1, "PL", 1, "letter", hour, 50]], new Date(now - 10_000));
  counters.apply([[1, "PL", 1, "letter", hour - 48 * HOUR_MS, 5000]], new Date(now - 5_000));
  counters.apply([[1, "DE", 1, "letter", hour, 999]], new Date(now - 10 * 60_000));
  const counter = counters.of(1);
  assert.equal(counter.total, 100 + 50 + 5000 + 999, "everything is counted");
  assert.equal(counter.perMinute(now), 30, "150 live actions in the last five minutes");
});

test("a reload keeps versions increasing and the live rate", () => {
  const counters = new Counters();
  const now = Date.now();
  counters.apply([[1, "FR", 1, "letter", Math.floor(now / HOUR_MS) * HOUR_MS, 10]]);
  const version = counters.of(1).version;
  const fresh = new Counters();
  fresh.of(1).add("FR", 1, "letter", 0, 10);
  counters.replaceWith(fresh);
  assert.ok(counters.of(1).version > version);
  assert.equal(counters.of(1).total, 10);
  assert.equal(counters.of(1).perMinute(now), 2);
});
