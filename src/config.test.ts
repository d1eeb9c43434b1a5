import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { ConfigError, loadConfig } from "./config.js";

test("defaults make a working local configuration", () => {
  const config = loadConfig({});
  assert.equal(config.port, 3000);
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.dataDir, path.resolve("./data"));
  assert.deepEqual(config.reporterTokens, []);
  assert.equal(config.seedDemo, true);
});

test("values are converted from their text form", () => {
  const config = loadConfig({
    PORT: "8080",
    SEED_DEMO: "false",
    ACTION_RATE_LIMIT: "0",
    REPORTER_TOKENS: " aaaaaaaaaaaaaaaa , bbbbbbbbbbbbbbbb ",
    DATABASE_URL: "postgres://u:p@db:5432/inkwell",
  });
  assert.equal(config.port, 8080);
  assert.equal(config.seedDemo, false);
  assert.equal(config.actionRateLimit, 0);
  assert.deepEqual(config.reporterTokens, ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"]);
  assert.equal(config.databaseUrl, "postgres://u:p@db:5432/inkwell");
});

test("every problem is reported at once", () => {
  assert.throws(
    () =>
      loadConfig({
        PORT: "eighty",
        LOG_LEVEL: "loud",
        DATABASE_URL: "mysql://x",
        REPORTER_TOKENS: "short",
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      const names = error.problems.map((p) => p.split(":")[0]);
      assert.deepEqual(names.sort(), ["DATABASE_URL", "LOG_LEVEL", "PORT", "REPORTER_TOKENS"]);
      assert.match(error.message, /PORT: Expected integer \(got "eighty"\)/);
      return true;
    },
  );
});

test("out-of-range numbers are refused", () => {
  assert.throws(() => loadConfig({ PORT: "70000" }), /PORT/);
  assert.throws(() => loadConfig({ DB_POOL_SIZE: "1" }), /DB_POOL_SIZE/);
});
