import assert from "node:assert/strict";
import http, { type ServerResponse } from "node:http";
import net from "node:net";
import { test } from "node:test";
import { Counters } from "./aggregates.js";
import { campaign, catalog } from "./fixtures.js";
import { CounterRenderer } from "./presenter.js";
import { CounterStreams } from "./streams.js";

async function withStream(
  heartbeatMs: number,
  work: (counters: Counters, read: () => string) => Promise<void>,
) {
  const counters = new Counters();
  const streams = new CounterStreams(counters, new CounterRenderer(() => catalog, counters), () => campaign, {
    heartbeatMs,
  });
  const server = http.createServer((_req, res) => streams.subscribe(campaign, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  let text = "";
  const request = http.get(`http://127.0.0.1:${(server.address() as { port: number }).port}/`, (res) => {
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      text += chunk;
    });
  });
  request.on("error", () => {});
  try {
    await work(counters, () => text);
  } finally {
    request.destroy();
    streams.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

const until = async (check: () => boolean, ms = 2000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return check();
};

test("idle streams get heartbeat comments so proxies keep them open", async () => {
  await withStream(50, async (_counters, read) => {
    assert.ok(await until(() => read().includes("event: counter")), "the counter is sent at once");
    assert.ok(await until(() => (read().match(/: keep-alive\n\n/g) ?? []).length >= 2), "heartbeats follow");
  });
});

/** What a viewer's response receives, without a socket: the stream falls back to res.write. */
function fakeViewer(writableLength = 0) {
  let text = "";
  const response = {
    destroyed: false,
    headersSent: true,
    chunkedEncoding: false,
    writableLength,
    socket: null,
    writeHead: () => response,
    write: (chunk: string | Buffer) => {
      text += String(chunk);
      return true;
    },
    on: () => response,
    end: () => {},
  };
  // Only the members CounterStreams uses; the real ones are exercised by the socket tests above.
  return { response: response as unknown as ServerResponse, read: () => text };
}

test("a change is sent once, as one whole counter, and nothing is sent when nothing changed", (context) => {
  // The test's clock: flushes happen when it says, so "nothing more was sent" needs no waiting.
  context.mock.timers.enable({ apis: ["setTimeout", "setInterval", "setImmediate", "Date"] });
  const counters = new Counters();
  const streams = new CounterStreams(counters, new CounterRenderer(() => catalog, counters), () => campaign, {
    heartbeatMs: 60_000,
  });
  const { response, read } = fakeViewer();
  try {
    streams.subscribe(campaign, response);
    assert.ok(read().includes('"total":0'), "the counter is sent at once");
    counters.apply([[1, "FR", 1, "letter", 0, 3]]);
    counters.apply([[1, "PL", 1, "petition", 0, 2]]);
    context.mock.timers.tick(250);
    assert.ok(read().includes('"total":5'));
    context.mock.timers.tick(5_000);
    const events = read().match(/event: counter/g) ?? [];
    assert.ok(events.length <= 3, `${events.length} events for two changes`);
    const last = read().trim().split("\n\n").pop() ?? "";
    const data = JSON.parse(
      last
        .split("\n")
        .find((l) => l.startsWith("data: "))
        ?.slice(6) ?? "{}",
    );
    assert.deepEqual(data.byCountry, { FR: 3, PL: 2 });
    assert.deepEqual(data.byType, { letter: 3, solidarity: 0, petition: 2, email: 0, sms: 0, social: 0 });
  } finally {
    streams.close();
  }
});

test("a change counted during a flush reaches the viewers not yet written in that same flush", (context) => {
  context.mock.timers.enable({ apis: ["setTimeout", "setInterval", "setImmediate", "Date"] });
  const counters = new Counters();
  const streams = new CounterStreams(counters, new CounterRenderer(() => catalog, counters), () => campaign, {
    heartbeatMs: 60_000,
  });
  // More viewers than one slice (500): the flush yields to the event loop between slices.
  const viewers = Array.from({ length: 1_200 }, () => fakeViewer());
  const totals = (v: { read: () => string }) =>
    [...v.read().matchAll(/"total":(\d+)/g)].map((m) => Number(m[1]));
  try {
    for (const v of viewers) streams.subscribe(campaign, v.response);
    context.mock.timers.tick(1_000);
    counters.apply([[1, "FR", 1, "letter", 0, 1]]);
    // The 100th viewer's write is the moment a second change is counted, in the first slice.
    const trigger = viewers[99] as (typeof viewers)[number];
    const write = trigger.response.write.bind(trigger.response);
    let counted = false;
    trigger.response.write = ((chunk: string | Buffer) => {
      if (!counted) {
        counted = true;
        counters.apply([[1, "PL", 1, "letter", 0, 1]]);
      }
      return write(chunk);
    }) as typeof trigger.response.write;
    context.mock.timers.tick(250);
    // The first slice was written with total 1; the later slices already with total 2.
    assert.deepEqual(totals(viewers[0] as (typeof viewers)[number]), [0, 1]);
    assert.deepEqual(totals(viewers[600] as (typeof viewers)[number]), [0, 2]);
    assert.deepEqual(totals(viewers[1_199] as (typeof viewers)[number]), [0, 2]);
    // The next flush brings the first slice up to date, and writes nothing to the others.
    context.mock.timers.tick(1_000);
    assert.deepEqual(totals(viewers[0] as (typeof viewers)[number]), [0, 1, 2]);
    assert.deepEqual(totals(viewers[600] as (typeof viewers)[number]), [0, 2]);
  } finally {
    streams.close();
  }
});

test("heartbeats go only to viewers that got nothing for half an interval", (context) => {
  context.mock.timers.enable({ apis: ["setTimeout", "setInterval", "setImmediate", "Date"] });
  const counters = new Counters();
  const streams = new CounterStreams(counters, new CounterRenderer(() => catalog, counters), () => campaign, {
    heartbeatMs: 1_000,
  });
  const { response, read } = fakeViewer();
  const beats = () => (read().match(/: keep-alive\n\n/g) ?? []).length;
  try {
    streams.subscribe(campaign, response);
    // The counter moves every 300 ms for 5 s: every beat finds the viewer lately updated.
    for (let t = 0; t < 5_000; t += 300) {
      counters.apply([[1, "FR", 1, "letter", 0, 1]]);
      context.mock.timers.tick(300);
    }
    assert.ok((read().match(/event: counter/g) ?? []).length >= 10, "the updates went out");
    assert.equal(beats(), 0, "no heartbeat while updates flow");
    // Quiet: a beat within 1.5 intervals, then one every interval.
    context.mock.timers.tick(1_500);
    assert.equal(beats(), 1);
    context.mock.timers.tick(3_000);
    assert.equal(beats(), 4);
  } finally {
    streams.close();
  }
});

test("a viewer that stops reading is dropped by the idle timeout, while one that reads stays", async () => {
  const counters = new Counters();
  const streams = new CounterStreams(counters, new CounterRenderer(() => catalog, counters), () => campaign, {
    heartbeatMs: 100,
    maxPerAddress: 1,
  });
  let stuck: ServerResponse | undefined;
  const server = http.createServer((req, res) => {
    if (req.url === "/stuck") stuck = res;
    streams.subscribe(campaign, res, req.url ?? "");
  });
  // The node's idle timeout (HTTP_IDLE_TIMEOUT_MS), short: a third of it is the heartbeat.
  server.setTimeout(400);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  let read = "";
  const reader = http.get(`http://127.0.0.1:${port}/reader`, (res) => {
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      read += chunk;
    });
  });
  reader.on("error", () => {});
  const never = net.connect(port, "127.0.0.1", () => {
    never.write("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n");
    never.pause();
  });
  never.on("error", () => {});
  const changes = setInterval(() => counters.apply([[1, "FR", 1, "letter", 0, 1]]), 50);
  try {
    assert.ok(await until(() => !streams.admits("/reader") && !streams.admits("/stuck")), "both stream");
    // What hours of updates to a viewer that never reads would leave: more than the kernel's
    // buffers take, so the rest waits in the process.
    stuck?.socket?.write(Buffer.alloc(16 * 1024 * 1024));
    assert.ok(await until(() => streams.admits("/stuck"), 5000), "the stuck viewer was dropped");
    const before = read.length;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(streams.admits("/reader"), false, "the reading viewer still streams");
    assert.ok(read.length > before, "and still receives");
  } finally {
    clearInterval(changes);
    reader.destroy();
    never.destroy();
    streams.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("heartbeats and streams per address", async (t) => {
  await t.test("no heartbeat is queued behind bytes that have not left", (context) => {
    context.mock.timers.enable({ apis: ["setTimeout", "setInterval", "setImmediate", "Date"] });
    const counters = new Counters();
    const streams = new CounterStreams(
      counters,
      new CounterRenderer(() => catalog, counters),
      () => campaign,
      {
        heartbeatMs: 1000,
      },
    );
    const waiting = fakeViewer(1);
    const drained = fakeViewer(0);
    try {
      streams.subscribe(campaign, waiting.response);
      streams.subscribe(campaign, drained.response);
      context.mock.timers.tick(3_000);
      assert.equal((drained.read().match(/: keep-alive/g) ?? []).length, 3);
      assert.equal((waiting.read().match(/: keep-alive/g) ?? []).length, 0);
    } finally {
      streams.close();
    }
  });

  await t.test("an address holds at most its streams; others are not affected", () => {
    const counters = new Counters();
    const streams = new CounterStreams(
      counters,
      new CounterRenderer(() => catalog, counters),
      () => campaign,
      {
        maxPerAddress: 2,
      },
    );
    try {
      streams.subscribe(campaign, fakeViewer().response, "203.0.113.7");
      assert.equal(streams.admits("203.0.113.7"), true);
      streams.subscribe(campaign, fakeViewer().response, "203.0.113.7");
      assert.equal(streams.admits("203.0.113.7"), false);
      assert.equal(streams.admits("203.0.113.8"), true);
    } finally {
      streams.close();
    }
  });
});

test("the node holds at most its streams; a closed one makes room, and the stream is plain chunked HTTP", async () => {
  const counters = new Counters();
  const streams = new CounterStreams(counters, new CounterRenderer(() => catalog, counters), () => campaign, {
    max: 1,
  });
  const server = http.createServer((req, res) => {
    if (streams.refuses(req.socket.remoteAddress ?? "") === "node") res.writeHead(503).end();
    else streams.subscribe(campaign, res, req.socket.remoteAddress ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const open = () =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = http.get(url, { agent: false }, resolve);
      request.on("error", reject);
    });
  try {
    const first = await open();
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers["transfer-encoding"], "chunked");
    assert.equal(first.headers["content-type"], "text/event-stream; charset=utf-8");
    assert.equal(streams.size, 1);
    assert.equal((await open()).statusCode, 503, "the node is full");
    first.destroy();
    assert.ok(await until(() => streams.size === 0), "the closed stream is counted out");
    const next = await open();
    assert.equal(next.statusCode, 200, "room again");
    next.setEncoding("utf8");
    const text = await new Promise<string>((resolve) => next.once("data", resolve));
    assert.match(text, /retry: 3000/);
    // Closing the streams (the node stopping) ends each as a complete response.
    const ended = new Promise<boolean>((resolve) => {
      next.on("end", () => resolve(next.complete));
      next.on("error", () => resolve(false));
      next.resume();
    });
    streams.close();
    assert.equal(await ended, true, "the stream ended with its last chunk");
  } finally {
    streams.close();
    await new Promise((resolve) => server.close(resolve));
  }
});
