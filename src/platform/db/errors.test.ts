import assert from "node:assert/strict";
import { test } from "node:test";
import pg from "pg";
import { databaseUnavailable } from "./errors.js";

const withCode = (code: string, message = "failed") => Object.assign(new Error(message), { code });

test("connection failures, timeouts and server-side resource errors mean the database is unavailable", () => {
  for (const code of ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT"]) {
    assert.equal(databaseUnavailable(withCode(code)), true, code);
  }
  for (const code of [
    "08006",
    "08001",
    "08P01",
    "57P01",
    "57P02",
    "57P03",
    "53100",
    "53300",
    "58030",
    "57014",
  ]) {
    assert.equal(databaseUnavailable(withCode(code)), true, code);
  }
  for (const message of [
    "Connection terminated unexpectedly",
    "Connection terminated due to connection timeout",
    "Client has encountered a connection error and is not queryable",
    "timeout exceeded when trying to connect",
    "Query read timeout",
  ]) {
    assert.equal(databaseUnavailable(new Error(message)), true, message);
  }
  const refusedTwice = new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")], "");
  assert.equal(databaseUnavailable(refusedTwice), true, "every address refused");
  assert.equal(databaseUnavailable(new Error("wrapped", { cause: withCode("57P01") })), true, "a cause");
});

test("bad input, bugs and anything else are not an outage", () => {
  for (const code of ["23505", "22P02", "42P01", "40001", "42601", "57P04", "ENOENT"]) {
    assert.equal(databaseUnavailable(withCode(code)), false, code);
  }
  for (const value of [undefined, null, "ECONNREFUSED", 42, new TypeError("x is undefined"), {}]) {
    assert.equal(databaseUnavailable(value), false, String(value));
  }
  const loop: Error & { cause?: unknown } = new Error("loop");
  loop.cause = loop;
  assert.equal(databaseUnavailable(loop), false, "a cause that is itself ends");
});

test("a pool pointed at a closed port fails as unavailable", async () => {
  const pool = new pg.Pool({
    host: "127.0.0.1",
    port: 1,
    user: "x",
    database: "x",
    connectionTimeoutMillis: 2000,
  });
  try {
    const error = await pool.query("SELECT 1").then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error, "the query failed");
    assert.equal(databaseUnavailable(error), true, String(error));
  } finally {
    await pool.end();
  }
});
