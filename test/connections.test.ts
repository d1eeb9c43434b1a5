import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { after, before, test } from "node:test";
import { listen, startTestApp, type TestApp } from "./support/app.js";

// Every wait on a client is bounded: a connection that sends nothing, half its headers, or
// headers without the promised body is closed; an idle keep-alive connection too. A stream that
// its viewer reads stays open past all of these. Short timeouts here; the defaults are nginx's.

const HEADER_MS = 1000;
const REQUEST_MS = 1500;
const KEEPALIVE_MS = 1000;
const IDLE_MS = 3000;
/** Node checks header and request timeouts every quarter of the header timeout (at most 1 s). */
const SLACK_MS = 2500;

let t: TestApp;
let port: number;
const serverSockets: net.Socket[] = [];
before(async () => {
  t = await startTestApp({
    HTTP_HEADER_TIMEOUT_MS: String(HEADER_MS),
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
    HTTP_KEEPALIVE_TIMEOUT_MS: String(KEEPALIVE_MS),
    HTTP_IDLE_TIMEOUT_MS: String(IDLE_MS),
    MAX_STREAMS_PER_ADDRESS: "2",
  });
  t.app.server.on("connection", (socket: net.Socket) => serverSockets.push(socket));
  port = Number(new URL(await listen(t)).port);
});
after(() => t.close());

interface Closed {
  afterMs: number;
  received: string;
}

/** Opens a raw connection, sends `text`, and waits for the server to close it. */
function untilClosed(text: string, localAddress = "127.0.0.1"): Promise<Closed> {
  return new Promise((resolve) => {
    const started = Date.now();
    let received = "";
    const socket = net.connect({ port, host: "127.0.0.1", localAddress }, () => {
      if (text) socket.write(text);
    });
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      received += chunk;
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve({ afterMs: Date.now() - started, received }));
    // A bound for the test itself: closed by us, it would show as far too late.
    setTimeout(() => socket.destroy(), 20_000).unref();
  });
}

const STREAM = "/api/v1/campaigns/w4r-2012/counter/stream";

test("a connection that sends nothing, or half its headers, is closed after the header timeout", async () => {
  const [silent, half] = await Promise.all([
    untilClosed(""),
    untilClosed("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "),
  ]);
  for (const closed of [silent, half]) {
    assert.ok(closed.afterMs < HEADER_MS + SLACK_MS, `closed after ${closed.afterMs} ms`);
    assert.match(closed.received, /^HTTP\/1\.1 408 /);
  }
});

test("headers without the promised body are closed after the request timeout", async () => {
  const closed = await untilClosed(
    "POST /api/v1/actions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{",
  );
  assert.ok(closed.afterMs < REQUEST_MS + SLACK_MS, `closed after ${closed.afterMs} ms`);
  assert.match(closed.received, /^HTTP\/1\.1 408 /);
});

test("an idle keep-alive connection is closed after the keep-alive timeout", async () => {
  const closed = await untilClosed("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  assert.match(closed.received, /^HTTP\/1\.1 200 /);
  // Node 24 waits one second more than it announces in Keep-Alive, so clients close first.
  assert.ok(closed.afterMs < KEEPALIVE_MS + 1000 + SLACK_MS, `closed after ${closed.afterMs} ms`);
});

test("a stream that is read stays open past every timeout; its socket keeps the idle timeout", async () => {
  let text = "";
  const request = http.get(`http://127.0.0.1:${port}${STREAM}`, (res) => {
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      text += chunk;
    });
  });
  request.on("error", () => {});
  try {
    await new Promise((r) => setTimeout(r, IDLE_MS + REQUEST_MS + 1000));
    assert.ok(!request.destroyed && request.socket && !request.socket.destroyed, "the stream is open");
    assert.match(text, /event: counter/);
    assert.ok((text.match(/: keep-alive/g) ?? []).length >= 2, "heartbeats keep it active");
    // A viewer that stops reading is dropped by that timeout (src/core/counter/streams.test.ts).
    const local = request.socket?.localPort;
    const served = serverSockets.find((s) => s.remotePort === local);
    assert.equal(served?.timeout, IDLE_MS);
  } finally {
    request.destroy();
  }
});

test("the stream answers HEAD and ends; over the per-address cap streams answer 503 and close", async () => {
  const open: http.ClientRequest[] = [];
  const opened = (localAddress: string) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = http.get(`http://127.0.0.1:${port}${STREAM}`, { localAddress, agent: false }, resolve);
      request.on("error", reject);
      open.push(request);
    });
  try {
    const head = await untilClosed(`HEAD ${STREAM} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(head.received, /^HTTP\/1\.1 200 /);
    assert.match(head.received, /content-type: text\/event-stream/i);
    assert.doesNotMatch(head.received, /content-length/i, "a stream has no length to announce");
    assert.ok(head.afterMs < 1000, "HEAD answers and ends");
    const first = await Promise.all([opened("127.0.0.1"), opened("127.0.0.1")]);
    assert.deepEqual(
      first.map((r) => r.statusCode),
      [200, 200],
    );
    const refused = await untilClosed(`GET ${STREAM} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(refused.received, /^HTTP\/1\.1 503 /);
    assert.match(refused.received, /retry-after: 10/i);
    assert.match(refused.received, /content-type: application\/problem\+json/i);
    assert.match(refused.received, /"code":"too_many_streams"/);
    assert.ok(refused.afterMs < 1000, `the refused connection was closed after ${refused.afterMs} ms`);
    const refusedHead = await untilClosed(`HEAD ${STREAM} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(refusedHead.received, /^HTTP\/1\.1 503 /, "HEAD answers as GET would");
    // Another address has its own count.
    assert.equal((await opened("127.0.0.2")).statusCode, 200);
  } finally {
    for (const request of open) request.destroy();
  }
});
