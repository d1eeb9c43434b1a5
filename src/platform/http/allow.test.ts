import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, loadConfig } from "../../config.js";
import { allowMatcher, DEMO_ALLOW, parseAllowList } from "./allow.js";

// RATE_LIMIT_ALLOW: parsed once at start, matched on every action.

test("addresses and CIDRs, IPv4 and IPv6, each as address/prefix", () => {
  assert.deepEqual(parseAllowList(""), []);
  assert.deepEqual(parseAllowList(" 127.0.0.1, ::1 ,10.0.0.0/8,2001:db8::/48 "), [
    "127.0.0.1/32",
    "::1/128",
    "10.0.0.0/8",
    "2001:db8::/48",
  ]);
  for (const bad of ["127.1", "1", "10.0.0.0/33", "localhost", "2001:db8::/129", "1.2.3.4/x"])
    assert.equal(typeof parseAllowList(bad), "string", bad);
});

test("an address matches its ranges, an IPv4-mapped IPv6 address as its IPv4 one", () => {
  const allowed = allowMatcher(["198.51.100.0/24", "2001:db8:aa::/48", "192.0.2.9/32"]);
  assert.equal(allowed("198.51.100.200"), true);
  assert.equal(allowed("198.51.101.1"), false);
  assert.equal(allowed("::ffff:198.51.100.7"), true);
  assert.equal(allowed("2001:db8:aa:ffff::1"), true);
  assert.equal(allowed("2001:db8:ab::1"), false);
  assert.equal(allowed("192.0.2.9"), true);
  assert.equal(allowed("192.0.2.10"), false);
  assert.equal(allowed("not an address"), false);
  assert.equal(allowMatcher([])("127.0.0.1"), false, "empty exempts nobody");
});

test("the configuration: empty exempts nobody, unset exempts this machine only for the demo", () => {
  const demo = loadConfig({});
  assert.deepEqual(demo.rateLimitAllow, DEMO_ALLOW);
  assert.equal(demo.rateLimitAllowDefaulted, true);
  assert.deepEqual(loadConfig({ RATE_LIMIT_ALLOW: "" }).rateLimitAllow, [], "set empty: nobody");
  assert.deepEqual(
    loadConfig({ DATABASE_URL: "postgres://x/y" }).rateLimitAllow,
    [],
    "a real database: nobody",
  );
  assert.deepEqual(loadConfig({ HOST: "0.0.0.0" }).rateLimitAllow, [], "a node others reach: nobody");
  assert.deepEqual(
    loadConfig({ DATABASE_URL: "postgres://x/y", RATE_LIMIT_ALLOW: "10.1.0.0/16" }).rateLimitAllow,
    ["10.1.0.0/16"],
  );
  assert.throws(
    () => loadConfig({ RATE_LIMIT_ALLOW: "10.0.0.0/8, nope" }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.problems.some((p) => p.startsWith('RATE_LIMIT_ALLOW: "nope" is not')),
  );
});
