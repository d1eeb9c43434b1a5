import assert from "node:assert/strict";
import http from "node:http";
import { test } from "node:test";
import { action, REPORTER_TOKEN } from "./support/app.js";
import { createTestDatabase } from "./support/db.js";
import { roomInWindow } from "./support/limits.js";
import { killGroup, type ServerProcess, startServer } from "./support/process.js";

// The same rules over real sockets: `inkwell start` as a child process, clients on 127.0.0.1 and
// on 127.0.0.2 (a second address of this machine, so a client of its own for the limits).
// RATE_LIMIT_ALLOW exempts 127.0.0.1 only; the limits count per minute, and each test starts
// where the minute leaves it room.

/** node:http, because it binds the client's address (undici's fetch does not take one). */
function post(
  server: ServerProcess,
  localAddress: string,
  headers: Record<string, string> = {},
  body = action(),
): Promise<{ status: number; retryAfter: string | undefined }> {
  const url = new URL("/api/v1/actions", server.url);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        localAddress,
        agent: false,
        headers: { "content-type": "application/json", ...headers },
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, retryAfter: response.headers["retry-after"] }),
        );
      },
    );
    outgoing.on("error", reject);
    outgoing.end(JSON.stringify(body));
  });
}

async function statuses(count: number, send: () => Promise<{ status: number }>): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await send()).status);
  return seen;
}

const UNDECLARED = "does not declare that address as a proxy";

test("without TRUST_PROXY: an allowed address is exempt, an undeclared local proxy is not and is named once", {
  timeout: 180_000,
}, async () => {
  const server = await startServer({
    DATABASE_URL: await createTestDatabase(),
    ACTION_RATE_LIMIT: "3",
    REPORTER_TOKENS: REPORTER_TOKEN,
    RATE_LIMIT_ALLOW: "127.0.0.1",
  });
  try {
    await roomInWindow(60, 25);
    assert.deepEqual(await statuses(6, () => post(server, "127.0.0.1")), [201, 201, 201, 201, 201, 201]);
    const proxied = await statuses(5, () => post(server, "127.0.0.1", { "x-forwarded-for": "198.51.100.7" }));
    assert.deepEqual(proxied, [201, 201, 201, 429, 429]);
    assert.deepEqual(
      await statuses(4, () => post(server, "127.0.0.2")),
      [201, 201, 201, 429],
      "127.0.0.2 is a client",
    );

    const wrong = await statuses(10, () =>
      post(server, "127.0.0.2", { authorization: "Bearer not-the-token-000000" }),
    );
    assert.deepEqual(wrong, Array(10).fill(401));
    const locked = await post(
      server,
      "127.0.0.2",
      { authorization: `Bearer ${REPORTER_TOKEN}` },
      action({ quantity: 4 }),
    );
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.retryAfter) > 0, `Retry-After ${locked.retryAfter}`);
    const right = await post(
      server,
      "127.0.0.1",
      { authorization: `Bearer ${REPORTER_TOKEN}` },
      action({ quantity: 4 }),
    );
    assert.equal(right.status, 201, "a right token from another address still works");

    const lines = server
      .output()
      .split("\n")
      .filter((line) => line.includes(UNDECLARED));
    assert.equal(lines.length, 1, server.output());
    assert.match(lines[0] ?? "", /"level":40/);
  } finally {
    killGroup(server.child, "SIGTERM");
    await server.exited;
  }
});

test("with TRUST_PROXY=127.0.0.1: the address the proxy appended is the client", {
  timeout: 180_000,
}, async () => {
  const server = await startServer({
    DATABASE_URL: await createTestDatabase(),
    ACTION_RATE_LIMIT: "3",
    TRUST_PROXY: "127.0.0.1",
    RATE_LIMIT_ALLOW: "127.0.0.1",
  });
  try {
    await roomInWindow(60, 25);
    // The proxy on 127.0.0.1 appends what it saw; whatever the client wrote before it is ignored.
    let n = 0;
    const viaProxy = () =>
      post(server, "127.0.0.1", { "x-forwarded-for": `127.0.0.1, 10.${n++}.0.1, 198.51.100.7` });
    assert.deepEqual(await statuses(5, viaProxy), [201, 201, 201, 429, 429]);
    // 127.0.0.2 is not a proxy: its header is ignored, it is a client of its own.
    const direct = () => post(server, "127.0.0.2", { "x-forwarded-for": "198.51.100.99" });
    assert.deepEqual(await statuses(4, direct), [201, 201, 201, 429]);
    assert.deepEqual(
      await statuses(4, () => post(server, "127.0.0.1")),
      [201, 201, 201, 201],
      "no header: this machine",
    );
    assert.ok(!server.output().includes(UNDECLARED), server.output());
  } finally {
    killGroup(server.child, "SIGTERM");
    await server.exited;
  }
});
