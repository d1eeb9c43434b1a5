import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { seedDemo } from "../src/demo/seed.js";
import { action, listen, startTestApp, type TestApp } from "./support/app.js";
import { createTestDatabase, openTestDatabase } from "./support/db.js";
import { type Nginx, nginxMissing, startNginx } from "./support/nginx.js";
import { StreamReader } from "./support/sse.js";

// The set-up docs/OPERATIONS.md describes: Debian's nginx in front of two nodes on one
// database. Viewers connect through the proxy and land on both nodes; a node that holds all
// the viewers it can (here: one) answers 503 and nginx sends the viewer to the other; an action
// posted through the proxy reaches every viewer within a second, whichever node took it.

const STREAM = "/api/v1/campaigns/w4r-2012/counter/stream";
const missing = nginxMissing();

let a: TestApp;
let b: TestApp;
let aUrl: string;
let proxy: Nginx;
const viewers: StreamReader[] = [];
before(async () => {
  if (missing) return;
  const url = await createTestDatabase();
  const seeder = await openTestDatabase(url);
  await seedDemo(seeder.pool);
  await seeder.close();
  // The proxy is on this machine: its X-Forwarded-For names the client.
  a = await startTestApp({ TRUST_PROXY: "127.0.0.1", MAX_STREAMS: "1" }, url);
  b = await startTestApp({ TRUST_PROXY: "127.0.0.1" }, url);
  aUrl = await listen(a);
  const hosts = [aUrl, await listen(b)].map((u) => new URL(u).host);
  proxy = await startNginx(hosts);
});
after(async () => {
  if (missing) return;
  for (const viewer of viewers) viewer.close();
  await proxy?.stop();
  await a?.close();
  await b?.close();
});

test("viewers through nginx land on both nodes; a full node's are sent to the other", {
  skip: missing,
}, async () => {
  // One at a time: nginx's least_conn puts each on the node holding fewer, until a is full.
  for (let i = 0; i < 4; i++) {
    const viewer = new StreamReader(`${proxy.url}${STREAM}`);
    viewers.push(viewer);
    await viewer
      .next(() => true)
      .catch(async (error: Error) => {
        throw new Error(`${error.message} (status ${viewer.status})\nnginx: ${await proxy.errorLog()}`);
      });
    assert.equal(viewer.status, 200);
    assert.equal(viewer.headers["content-type"], "text/event-stream; charset=utf-8");
  }
  assert.equal(a.runtime.streams.size, 1, "node a holds its MAX_STREAMS");
  assert.equal(b.runtime.streams.size, 3, "node b took the rest");
});

test("a full node refuses a new stream with 503, Retry-After and a problem", { skip: missing }, async () => {
  const response = await fetch(`${aUrl}${STREAM}`);
  assert.equal(response.status, 503);
  assert.equal(response.headers.get("retry-after"), "10");
  assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/);
  assert.equal(((await response.json()) as { code: string }).code, "node_full");
  // Pages and actions still answer on it.
  assert.equal((await fetch(`${aUrl}/readyz`)).status, 200);
});

test("an action posted through nginx reaches the viewers on both nodes within 1 s", {
  skip: missing,
}, async () => {
  assert.equal(viewers.length, 4, "the viewers of the first test");
  const before = await Promise.all(viewers.map((v) => v.next(() => true)));
  const base = Math.max(...before.map((e) => e.total));
  const posted = Date.now();
  const response = await fetch(`${proxy.url}/api/v1/actions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(action({ country: "AR" })),
  });
  assert.equal(response.status, 201, await response.text());
  const seen = await Promise.all(viewers.map((v) => v.next((e) => e.total >= base + 1, 3000)));
  for (const event of seen) {
    assert.ok(event.receivedAt - posted <= 1000, `seen after ${event.receivedAt - posted} ms`);
  }
});
