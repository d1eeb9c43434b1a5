import assert from "node:assert/strict";
import { test } from "node:test";
import pg from "pg";
import { connectionLost } from "./connection-lost.js";
import { databaseUnavailable } from "./errors.js";

const withCode = (code: string, message = "failed") => Object.assign(new Error(message), { code });

test("failures of the database itself are unavailability", () => {
  for (const error of [
    withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5488"),
    withCode("ECONNRESET"),
    new Error("Connection terminated unexpectedly"),
    new Error("timeout exceeded when trying to connect"),
    new Error("Query read timeout"),
    withCode("08006"),
    withCode("57P01", "terminating connection due to administrator command"),
    withCode("57P03", "the database system is shutting down"),
    withCode("53100", "could not extend file: No space left on device"),
    withCode("53300", "too many connections"),
    withCode("58030", "could not write to file"),
    withCode("57014", "canceling statement due to statement timeout"),
    new Error("Connection terminated due to connection timeout", { cause: new Error("x") }),
    Object.assign(new Error("The ledger could not store the action"), { name: "LedgerUnavailableError" }),
  ]) {
    assert.equal(databaseUnavailable(error), true, error.message);
  }
});

test("wrong input and bugs are not unavailability", () => {
  for (const error of [
    withCode("23505", "duplicate key value violates unique constraint"),
    withCode("22P02", "invalid input syntax for type uuid"),
    withCode("42P01", "relation does not exist"),
    withCode("40001", "could not serialize access"),
    new TypeError("Cannot read properties of undefined"),
    "a string",
    undefined,
  ]) {
    assert.equal(databaseUnavailable(error), false, String(error));
  }
});

test("a lost connection is told apart from a server that answers but cannot work", () => {
  assert.equal(connectionLost(withCode("ECONNREFUSED")), true);
  assert.equal(connectionLost(withCode("57P03")), true);
  assert.equal(connectionLost(new Error("Query read timeout")), true);
  assert.equal(connectionLost(withCode("53100")), false);
  assert.equal(connectionLost(withCode("57014")), false);
});

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
