import assert from "node:assert/strict";
import { test } from "node:test";
import { DatabaseHealth } from "./health.js";

const withCode = (code: string, message: string) => Object.assign(new Error(message), { code });

function recorder() {
  const lines: string[] = [];
  return { lines, health: new DatabaseHealth({ warn: (line) => lines.push(line) }) };
}

test("an outage is two log lines however many queries fail during it", () => {
  const { lines, health } = recorder();
  const changes: boolean[] = [];
  health.onChange((reachable) => changes.push(reachable));
  for (let i = 0; i < 100; i++)
    health.failed(withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5488"));
  assert.equal(health.reachable, false);
  assert.equal(health.snapshot().reason, "connect ECONNREFUSED 127.0.0.1:5488");
  for (let i = 0; i < 10; i++) health.succeeded();
  assert.equal(health.reachable, true);
  assert.equal(lines.length, 2, lines.join("\n"));
  assert.match(lines[0] ?? "", /^database unreachable: connect ECONNREFUSED/);
  assert.match(lines[1] ?? "", /^database reachable again after \d+\.\d s$/);
  assert.deepEqual(changes, [false, true]);
});

test("errors that are not the database's leave it reachable", () => {
  const { lines, health } = recorder();
  assert.equal(health.failed(withCode("23505", "duplicate key")), false);
  assert.equal(health.failed(withCode("53100", "could not extend file")), false);
  assert.equal(health.reachable, true);
  assert.deepEqual(lines, []);
});

test("failing writes on a reachable server are logged once, and their end once", () => {
  const { lines, health } = recorder();
  const full = withCode("53100", "could not extend file: No space left on device");
  for (let i = 0; i < 50; i++) health.writeFailed(full);
  assert.equal(health.reachable, true);
  assert.deepEqual(health.lastWrite.ok, false);
  assert.equal(health.lastWrite.error, "could not extend file: No space left on device (53100)");
  health.writeSucceeded();
  health.writeSucceeded();
  assert.equal(health.lastWrite.ok, true);
  assert.deepEqual(lines, [
    "database writes fail: could not extend file: No space left on device (53100)",
    "database writes succeed again",
  ]);
});

test("writes that fail because the server is gone are part of the outage's lines", () => {
  const { lines, health } = recorder();
  health.writeFailed(withCode("ECONNRESET", "read ECONNRESET"));
  health.writeFailed(withCode("ECONNRESET", "read ECONNRESET"));
  assert.equal(health.lastWrite.ok, false);
  health.succeeded();
  health.writeSucceeded();
  assert.equal(lines.length, 2, lines.join("\n"));
});
