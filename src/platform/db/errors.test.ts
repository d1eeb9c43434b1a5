import assert from "node:assert/strict";
import { test } from "node:test";
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
