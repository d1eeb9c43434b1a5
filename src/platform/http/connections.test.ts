import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { test } from "node:test";
import { AddressCounter, addressKey, limitConnections, reportOncePerMinute } from "./connections.js";

test("a client is counted by its IPv4 address, or by its IPv6 /64", () => {
  assert.equal(addressKey("203.0.113.7"), "203.0.113.7");
  assert.equal(addressKey("::ffff:203.0.113.7"), "203.0.113.7");
  assert.equal(addressKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  assert.equal(addressKey("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
  assert.notEqual(addressKey("2001:db8:1:3::1"), addressKey("2001:db8:1:2::1"));
  assert.equal(addressKey("::1"), "0:0:0:0::/64");
  assert.equal(addressKey("not an address"), "not an address");
});

test("an address counter refuses the one over its cap and frees a place on release", () => {
  const counter = new AddressCounter(2);
  assert.ok(counter.acquire("a"));
  assert.ok(counter.acquire("a"));
  assert.equal(counter.acquire("a"), false);
  assert.ok(counter.acquire("b"), "another address has its own count");
  counter.release("a");
  assert.equal(counter.held("a"), 1);
  assert.ok(counter.acquire("a"));
  counter.release("b");
  assert.equal(counter.held("b"), 0);
});

test("refusals are reported once a minute per key", (context) => {
  context.mock.timers.enable({ apis: ["Date"] });
  const lines: string[] = [];
  const report = reportOncePerMinute((m) => lines.push(m));
  report("a", "a 1");
  report("a", "a 2");
  report("b", "b 1");
  context.mock.timers.tick(60_001);
  report("a", "a 3");
  assert.deepEqual(lines, ["a 1", "b 1", "a 3"]);
});

interface Outcome {
  /** The server closed it at once, before any answer. */
  refused: boolean;
  socket: net.Socket;
}

/** Opens a connection and tells, within a short while, whether the server closed it at once. */
function connect(port: number, localAddress: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1", localAddress });
    const timer = setTimeout(() => resolve({ refused: false, socket }), 300);
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ refused: true, socket });
    });
  });
}

async function withServer(
  limits: { maxConnections: number; maxPerAddress: number; trusted?: string },
  work: (port: number, lines: string[]) => Promise<void>,
): Promise<void> {
  const server = http.createServer((_req, res) => res.end("ok"));
  const lines: string[] = [];
  limitConnections(server, {
    maxConnections: limits.maxConnections,
    maxPerAddress: limits.maxPerAddress,
    isTrustedProxy: (address) => address === limits.trusted,
    onRefusing: (message) => lines.push(message),
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await work((server.address() as net.AddressInfo).port, lines);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test("connections over the per-address cap are closed at once; other addresses still get in", async () => {
  await withServer({ maxConnections: 100, maxPerAddress: 3 }, async (port, lines) => {
    const first = await Promise.all([1, 2, 3].map(() => connect(port, "127.0.0.1")));
    assert.deepEqual(
      first.map((o) => o.refused),
      [false, false, false],
    );
    const fourth = await connect(port, "127.0.0.1");
    assert.equal(fourth.refused, true, "the fourth from one address is closed");
    const other = await connect(port, "127.0.0.2");
    assert.equal(other.refused, false, "another address is not affected");
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? "", /127\.0\.0\.1 holds 3 connections \(MAX_CONNECTIONS_PER_ADDRESS\)/);
    // A place frees up when a connection ends.
    first[0]?.socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await connect(port, "127.0.0.1")).refused, false);
    for (const o of [...first, fourth, other]) o.socket.destroy();
  });
});

test("a declared proxy is not held to the per-address cap", async () => {
  await withServer({ maxConnections: 100, maxPerAddress: 2, trusted: "127.0.0.1" }, async (port) => {
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => connect(port, "127.0.0.1")));
    assert.deepEqual(
      outcomes.map((o) => o.refused),
      [false, false, false, false],
    );
    assert.equal(
      (await Promise.all([1, 2, 3].map(() => connect(port, "127.0.0.2")))).filter((o) => o.refused).length,
      1,
    );
    for (const o of outcomes) o.socket.destroy();
  });
});

test("connections over the total cap are closed at once, whatever their address", async () => {
  await withServer({ maxConnections: 2, maxPerAddress: 100 }, async (port, lines) => {
    const held = [await connect(port, "127.0.0.1"), await connect(port, "127.0.0.2")];
    assert.deepEqual(
      held.map((o) => o.refused),
      [false, false],
    );
    assert.equal((await connect(port, "127.0.0.3")).refused, true);
    assert.match(lines.join("\n"), /holds 2 connections \(MAX_CONNECTIONS\)/);
    for (const o of held) o.socket.destroy();
  });
});
