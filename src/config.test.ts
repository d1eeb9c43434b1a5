import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { test } from "node:test";
import {
  ConfigError,
  defaultMaxConnections,
  defaultMaxStreams,
  loadConfig,
  openFileLimit,
} from "./config.js";

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

test("TRUST_PROXY takes no proxy, a hop count or the proxies' addresses", () => {
  assert.deepEqual(loadConfig({}).trustProxy, { kind: "none" });
  assert.deepEqual(loadConfig({ TRUST_PROXY: "false" }).trustProxy, { kind: "none" });
  assert.deepEqual(loadConfig({ TRUST_PROXY: "2" }).trustProxy, { kind: "hops", hops: 2 });
  assert.deepEqual(loadConfig({ TRUST_PROXY: " 127.0.0.1, 10.0.0.0/8 ,::1,fd00::/8,loopback" }).trustProxy, {
    kind: "addresses",
    addresses: ["127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8", "loopback"],
    legacyTrue: false,
  });
});

test("TRUST_PROXY=true means proxies on this machine or a private network, never everyone", () => {
  assert.deepEqual(loadConfig({ TRUST_PROXY: "true" }).trustProxy, {
    kind: "addresses",
    addresses: ["loopback", "linklocal", "uniquelocal"],
    legacyTrue: true,
  });
});

test("a TRUST_PROXY that is none of its forms is refused with the forms it takes", () => {
  for (const value of [
    "yes",
    "0.0.0.0/0",
    "::/0",
    "127.1",
    "1, 127.0.0.1",
    "localhost",
    "10.0.0.0/33",
    "-1",
    "*",
    "101",
  ]) {
    assert.throws(
      () => loadConfig({ TRUST_PROXY: value }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, value);
        assert.equal(error.problems.length, 1, value);
        assert.match(
          error.problems[0] ?? "",
          /^TRUST_PROXY: Expected false, a hop count \(1, 2, …\) or a comma-separated list/,
        );
        assert.ok(error.problems[0]?.endsWith(`(got ${JSON.stringify(value)})`), error.problems[0]);
        return true;
      },
    );
  }
  assert.throws(
    () => loadConfig({ TRUST_PROXY: "127.0.0.1,proxy.local" }),
    /"proxy\.local" is not an address or CIDR/,
  );
});

test("REPORTER_TOKEN_FAILURE_LIMIT defaults to 10 and 0 turns it off", () => {
  assert.equal(loadConfig({}).reporterTokenFailureLimit, 10);
  assert.equal(loadConfig({ REPORTER_TOKEN_FAILURE_LIMIT: "0" }).reporterTokenFailureLimit, 0);
  assert.throws(() => loadConfig({ REPORTER_TOKEN_FAILURE_LIMIT: "-1" }), /REPORTER_TOKEN_FAILURE_LIMIT/);
});

test("connection timeouts default to nginx's, and a header timeout cannot exceed the request's", () => {
  const config = loadConfig({});
  assert.equal(config.httpHeaderTimeoutMs, 60_000);
  assert.equal(config.httpRequestTimeoutMs, 120_000);
  assert.equal(config.httpKeepAliveTimeoutMs, 75_000);
  assert.equal(config.httpIdleTimeoutMs, 60_000);
  assert.throws(
    () => loadConfig({ HTTP_HEADER_TIMEOUT_MS: "90000", HTTP_REQUEST_TIMEOUT_MS: "60000" }),
    /HTTP_HEADER_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS/,
  );
  assert.throws(() => loadConfig({ HTTP_IDLE_TIMEOUT_MS: "0" }), /HTTP_IDLE_TIMEOUT_MS/);
});

test("the connection cap is the open-file limit less a reserve", () => {
  const limits = [
    "Limit                     Soft Limit           Hard Limit           Units",
    "Max processes             63432                63432                processes",
    "Max open files            20000                40000                files",
  ].join("\n");
  assert.equal(openFileLimit(limits), 20_000, "the soft limit");
  assert.equal(openFileLimit("Max processes 1 1 processes"), undefined);
  assert.equal(defaultMaxConnections(20_000), 19_500);
  assert.equal(defaultMaxConnections(1024), 768, "at least 256 files are kept");
  assert.equal(defaultMaxConnections(300), 150, "never more than half");
  const limit = openFileLimit();
  const config = loadConfig({});
  if (limit !== undefined) assert.equal(config.maxConnections, defaultMaxConnections(limit));
  assert.equal(config.maxConnectionsPerAddress, 1000);
  assert.equal(config.maxStreamsPerAddress, 500);
  if (limit !== undefined) {
    assert.throws(() => loadConfig({ MAX_CONNECTIONS: String(limit) }), /MAX_CONNECTIONS: must stay below/);
  }
  assert.equal(loadConfig({ MAX_CONNECTIONS: "100" }).maxConnections, 100);
});

test("the stream cap is the connections less a reserve, so a node of 20,000 files holds 19,000 viewers", () => {
  assert.equal(defaultMaxStreams(19_500), 19_012);
  assert.ok(defaultMaxStreams(defaultMaxConnections(20_000)) >= 19_000);
  assert.equal(defaultMaxStreams(768), 512, "at least 256 connections are kept");
  assert.equal(defaultMaxStreams(100), 50, "never more than half");
  const config = loadConfig({ MAX_CONNECTIONS: "1000" });
  assert.equal(config.maxStreams, defaultMaxStreams(1000));
  assert.equal(loadConfig({ MAX_CONNECTIONS: "1000", MAX_STREAMS: "10" }).maxStreams, 10);
  assert.throws(
    () => loadConfig({ MAX_CONNECTIONS: "1000", MAX_STREAMS: "1000" }),
    /MAX_STREAMS: must stay below/,
  );
});

test("Node raises the open-file soft limit to the hard one itself, so the caps see the hard limit", (t) => {
  const hard = Number(execFileSync("sh", ["-c", "ulimit -H -n"], { encoding: "utf8" }).trim());
  if (!Number.isInteger(hard) || hard <= 1024) {
    t.skip(`the hard open-file limit here is ${hard}: nothing to raise`);
    return;
  }
  // A shell that lowers its soft limit, then starts Node: Node's start-up raises it again.
  const script = `import { openFileLimit } from ${JSON.stringify(new URL("./config.ts", import.meta.url).href)}; console.log(openFileLimit());`;
  const out = execFileSync(
    "sh",
    [
      "-c",
      `ulimit -S -n 1024 && exec "$0" --import tsx --input-type=module -e "$1"`,
      process.execPath,
      script,
    ],
    { encoding: "utf8" },
  );
  assert.equal(Number(out.trim()), hard);
});

test("DATA_KEY is 32 bytes in base64, known by its id; DATA_KEY_PREVIOUS lists older keys", () => {
  const current = Buffer.alloc(32, 1).toString("base64");
  const older = Buffer.alloc(32, 2).toString("base64");
  const config = loadConfig({ DATA_KEY: current, DATA_KEY_PREVIOUS: ` ${older} ,` });
  assert.equal(config.dataKey?.bytes.toString("base64"), current);
  assert.match(config.dataKey?.id ?? "", /^[0-9a-f]{8}$/);
  assert.deepEqual(
    config.previousDataKeys.map((k) => k.bytes.toString("base64")),
    [older],
  );
  assert.notEqual(config.previousDataKeys[0]?.id, config.dataKey?.id);
  assert.equal(loadConfig({}).dataKey, undefined, "unset: the embedded database makes one");
  assert.throws(
    () => loadConfig({ DATA_KEY: Buffer.alloc(16).toString("base64"), DATA_KEY_PREVIOUS: "not base64!" }),
    (error: ConfigError) =>
      error.problems.some((p) => p.startsWith("DATA_KEY: expected 32 bytes")) &&
      error.problems.some((p) => p.startsWith("DATA_KEY_PREVIOUS: expected base64")),
  );
});
