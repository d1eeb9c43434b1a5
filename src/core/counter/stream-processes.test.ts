import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import { test } from "node:test";
import { Counters } from "./aggregates.js";
import { campaign, catalog } from "./fixtures.js";
import { CounterRenderer } from "./presenter.js";
import { StreamHolder } from "./stream-process.js";
import { StreamProcesses } from "./stream-processes.js";
import { CounterStreams } from "./streams.js";

// The streams handed to stream processes behave as the node's own (streams.test.ts): the same
// bytes, the same caps, heartbeats, idle timeout, and a clean end; and a process that dies lets
// its viewers go and is replaced.

const until = async (check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return check();
};

async function setUp(options: { max?: number; idleTimeoutMs?: number; heartbeatMs?: number } = {}) {
  const counters = new Counters();
  const logged: string[] = [];
  const processes = await StreamProcesses.start({
    processes: 2,
    idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
    heartbeatMs: options.heartbeatMs ?? 60_000,
    log: (message) => logged.push(message),
  });
  const streams = new CounterStreams(counters, new CounterRenderer(() => catalog, counters), () => campaign, {
    heartbeatMs: 60_000,
    max: options.max,
    processes,
  });
  const server = http.createServer((req, res) => {
    if (streams.refuses(req.url ?? "") === "node") res.writeHead(503).end();
    else streams.subscribe(campaign, res, req.url ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const viewer = (path = "/") =>
    new Promise<{ response: http.IncomingMessage; text: () => string }>((resolve, reject) => {
      let text = "";
      const request = http.get(`http://127.0.0.1:${port}${path}`, { agent: false }, (response) => {
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("error", () => {});
        resolve({ response, text: () => text });
      });
      request.on("error", reject);
    });
  const tearDown = async () => {
    await streams.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await processes.stop();
  };
  return { counters, processes, streams, server, port, viewer, logged, tearDown };
}

const totals = (text: string) => [...text.matchAll(/"total":(\d+)/g)].map((m) => Number(m[1]));

test("handed-over viewers get the counter at once and then each change, as plain chunked HTTP", async () => {
  const { counters, processes, streams, viewer, tearDown } = await setUp({ max: 3 });
  try {
    const a = await viewer();
    const b = await viewer();
    assert.equal(a.response.statusCode, 200);
    assert.equal(a.response.headers["transfer-encoding"], "chunked");
    assert.equal(a.response.headers["content-type"], "text/event-stream; charset=utf-8");
    assert.ok(await until(() => processes.size === 2), "both viewers are held by the processes");
    assert.equal(new Set(processes.pids).size, 2);
    assert.ok(await until(() => a.text().includes("retry: 3000") && totals(a.text()).at(-1) === 0));
    counters.apply([[1, "FR", 1, "letter", 0, 3]]);
    assert.ok(
      await until(() => totals(a.text()).at(-1) === 3 && totals(b.text()).at(-1) === 3),
      "the change reached both",
    );
    counters.apply([[1, "PL", 1, "petition", 0, 2]]);
    // Both: the viewers are in two processes, each flushing on its own time.
    assert.ok(await until(() => totals(a.text()).at(-1) === 5 && totals(b.text()).at(-1) === 5));
    // Nothing changed, nothing more is sent.
    const events = (a.text().match(/event: counter/g) ?? []).length;
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((a.text().match(/event: counter/g) ?? []).length, events);
    assert.equal(streams.size, 2);
    await viewer();
    assert.equal(
      (await viewer()).response.statusCode,
      503,
      "the node holds at most MAX_STREAMS, handed ones included",
    );
    a.response.destroy();
    assert.ok(await until(() => streams.size === 2), "a closed handed viewer is counted out");
    assert.equal((await viewer()).response.statusCode, 200, "room again");
  } finally {
    await tearDown();
  }
});

test("a held viewer that stops reading is dropped by the idle timeout; one that reads stays", async () => {
  // The holder in this process, on real sockets: the test can then send updates large enough
  // to fill a stuck viewer's kernel buffers quickly (what hours of updates would do).
  const closed: number[] = [];
  const holder = new StreamHolder({
    idleTimeoutMs: 600,
    heartbeatMs: 150,
    send: (message) => {
      if (message.t === "closed") closed.push(...message.ids);
    },
  });
  let next = 1;
  const server = net.createServer((socket) =>
    holder.receive(
      { t: "viewer", id: next++, campaign: 1, etag: "0", text: "event: counter\ndata: {}\n\n" },
      socket,
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  let read = 0;
  const reader = net.connect(port, "127.0.0.1");
  reader.on("data", (chunk) => {
    read += chunk.length;
  });
  await until(() => read > 0);
  const stuck = net.connect(port, "127.0.0.1");
  stuck.on("error", () => {});
  stuck.once("data", () => stuck.pause());
  let version = 0;
  const big = `event: counter\ndata: ${"x".repeat(1024 * 1024)}\n\n`;
  const updates = setInterval(
    () => holder.receive({ t: "update", campaign: 1, etag: String(++version), text: big }),
    100,
  );
  try {
    assert.ok(await until(() => holder.size === 2), "both are held");
    assert.ok(await until(() => closed.length === 1, 60_000), "the stuck viewer was dropped");
    assert.equal(closed[0], 2, "the stuck one");
    const before = read;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(holder.size, 1, "the reading viewer still streams");
    assert.ok(read > before, "and still receives");
  } finally {
    clearInterval(updates);
    holder.end();
    reader.destroy();
    stuck.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("a stream process that dies lets its viewers go and is replaced; closing ends every stream cleanly", async () => {
  const { processes, streams, viewer, logged, tearDown } = await setUp();
  try {
    const viewers = await Promise.all([viewer(), viewer(), viewer(), viewer()]);
    assert.ok(await until(() => processes.size === 4));
    const [victim] = processes.pids;
    const ended = viewers.map(
      (v) =>
        new Promise<void>((resolve) =>
          v.response.complete ? resolve() : v.response.on("close", () => resolve()),
        ),
    );
    process.kill(victim as number, "SIGKILL");
    assert.ok(await until(() => streams.size === 2), "the dead process's two viewers are counted out");
    assert.ok(
      await until(() => processes.pids.length === 2 && !processes.pids.includes(victim as number)),
      "replaced",
    );
    assert.match(logged.join("\n"), /a stream process ended/);
    // The replacement, like the first ones, yields the cores to the node's requests.
    for (const pid of processes.pids)
      assert.ok(os.getPriority(pid) > os.getPriority(), `process ${pid} runs below the node`);
    const late = await viewer();
    assert.ok(await until(() => processes.size === 3), "the new process takes viewers");
    const complete = new Promise<boolean>((resolve) => {
      late.response.on("end", () => resolve(late.response.complete));
      late.response.on("close", () => resolve(late.response.complete));
    });
    await streams.close();
    assert.equal(await complete, true, "the stream ended with its last chunk");
    await Promise.all(ended);
    assert.equal(streams.size, 0);
  } finally {
    await tearDown();
  }
});

/** The members of a socket a stream process uses, writing into a string. */
function fakeSocket(onWrite?: () => void) {
  let text = "";
  const socket = {
    destroyed: false,
    writableLength: 0,
    setTimeout: () => socket,
    on: () => socket,
    write: (chunk: Buffer) => {
      onWrite?.();
      text += chunk.toString();
      return true;
    },
    end: () => {},
    destroy: () => {},
  };
  return {
    socket: socket as unknown as net.Socket,
    totals: () => [...text.matchAll(/"total":(\d+)/g)].map((m) => Number(m[1])),
  };
}

test("in a stream process, a change that arrives during a flush reaches the viewers not yet written", (context) => {
  context.mock.timers.enable({ apis: ["setTimeout", "setInterval", "setImmediate", "Date"] });
  const holder = new StreamHolder({ idleTimeoutMs: 60_000, heartbeatMs: 60_000, send: () => {} });
  const state = (total: number) => ({ campaign: 1, etag: `e${total}`, text: `data: {"total":${total}}\n\n` });
  // Armed once the viewers have their first state: the 100th viewer's write in the flush is
  // when the node's next change arrives, within the first slice (500).
  let armed = false;
  const viewers = Array.from({ length: 1_200 }, (_, i) =>
    fakeSocket(() => {
      if (i !== 99 || !armed) return;
      armed = false;
      holder.receive({ t: "update", ...state(2) });
    }),
  );
  try {
    for (const [i, v] of viewers.entries()) holder.receive({ t: "viewer", id: i, ...state(0) }, v.socket);
    context.mock.timers.tick(1_000);
    armed = true;
    holder.receive({ t: "update", ...state(1) });
    context.mock.timers.tick(300);
    assert.deepEqual(viewers[0]?.totals(), [0, 1]);
    assert.deepEqual(viewers[600]?.totals(), [0, 2]);
    assert.deepEqual(viewers[1_199]?.totals(), [0, 2]);
    context.mock.timers.tick(1_000);
    assert.deepEqual(viewers[0]?.totals(), [0, 1, 2]);
    assert.deepEqual(viewers[600]?.totals(), [0, 2]);
  } finally {
    holder.end();
  }
});
