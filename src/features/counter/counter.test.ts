import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { action, listen, postAction, startTestApp, type TestApp } from "../../../test/support/app.js";
import { StreamReader } from "../../../test/support/sse.js";
import { jsonAsOf } from "../../core/counter/presenter.js";

let t: TestApp;
let base: string;
before(async () => {
  t = await startTestApp();
  base = await listen(t);
});
after(async () => {
  await t.close();
});

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: "GET", url, headers });
const post = (body: unknown) => postAction(t, body);

test("campaigns are listed with their status and previous edition", async () => {
  const response = await get("/api/v1/campaigns");
  assert.equal(response.statusCode, 200);
  const { campaigns } = response.json();
  const current = campaigns.find((c: { slug: string }) => c.slug === "w4r-2012");
  assert.equal(current.status, "open");
  assert.equal(current.previous, "w4r-2011");
  assert.equal(current.goal, 1_500_000);
  assert.equal(campaigns.find((c: { slug: string }) => c.slug === "w4r-2011").status, "closed");
});

test("a campaign comes with its cases, texts and targets", async () => {
  const response = await get("/api/v1/campaigns/w4r-2012");
  assert.equal(response.statusCode, 200);
  const campaign = response.json();
  const slugs = campaign.cases.map((c: { slug: string }) => c.slug);
  assert.ok(slugs.includes("gao-zhisheng") && slugs.includes("coastei-street"));
  const gao = campaign.cases.find((c: { slug: string }) => c.slug === "gao-zhisheng");
  assert.equal(gao.country, "CN");
  assert.equal(gao.texts.en.title, "Gao Zhisheng");
  assert.ok(gao.targets.length > 0 && gao.targets[0].postalAddress.includes("\n"));
  assert.equal((await get("/api/v1/campaigns/w4r-1999")).statusCode, 404);
  assert.equal((await get("/api/v1/campaigns/Not%20A%20Slug")).statusCode, 400);
});

test("the counter is exact, served with an ETag and answers 304 when unchanged", async () => {
  const first = await get("/api/v1/campaigns/w4r-2012/counter");
  assert.equal(first.statusCode, 200);
  assert.match(String(first.headers["cache-control"]), /max-age=1/);
  const counter = first.json();
  const ledger = await t.db.pool.query(
    `SELECT sum(quantity)::int AS n FROM actions a JOIN campaigns c ON c.id = a.campaign_id WHERE c.slug = 'w4r-2012'`,
  );
  assert.equal(counter.total, ledger.rows[0].n);
  assert.equal(counter.previousTotal, 1_300_000);
  assert.equal(counter.goal, 1_500_000);
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  assert.equal(sum(counter.byCountry), counter.total);
  assert.equal(sum(counter.byCase), counter.total);
  assert.equal(sum(counter.byType), counter.total);
  const etag = String(first.headers.etag);
  assert.equal((await get("/api/v1/campaigns/w4r-2012/counter", { "if-none-match": etag })).statusCode, 304);

  assert.equal(
    (await post(action({ country: "NP", case: "coastei-street", type: "solidarity" }))).statusCode,
    201,
  );
  const moved = await get("/api/v1/campaigns/w4r-2012/counter", { "if-none-match": etag });
  assert.equal(moved.statusCode, 200);
  const next = moved.json();
  assert.equal(next.total, counter.total + 1);
  assert.equal(next.byCountry.NP, (counter.byCountry.NP ?? 0) + 1);
  assert.equal(next.byCase["coastei-street"], counter.byCase["coastei-street"] + 1);
  assert.equal(next.byType.solidarity, counter.byType.solidarity + 1);
  assert.ok(next.seq > counter.seq);
  assert.equal((await get("/api/v1/campaigns/nope/counter")).statusCode, 404);
});

test("the timeline gives this edition and the previous one, bucketed", async () => {
  const daily = (await get("/api/v1/campaigns/w4r-2012/counter/timeline?bucket=day")).json();
  assert.equal(daily.bucket, "day");
  assert.equal(daily.previous.campaign, "w4r-2011");
  const last = daily.previous.points[daily.previous.points.length - 1];
  assert.equal(last.cumulative, 1_300_000);
  assert.equal(daily.previous.points.length, 42);
  const counter = (await get("/api/v1/campaigns/w4r-2012/counter")).json();
  const current = daily.current.points;
  assert.equal(current[current.length - 1].cumulative, counter.total);
  assert.deepEqual(
    current.map((p: { offset: number }) => p.offset),
    current.map((_: unknown, i: number) => i),
  );
  const hourly = (await get("/api/v1/campaigns/w4r-2012/counter/timeline?bucket=hour")).json();
  assert.equal(hourly.current.points.length, current.length * 24 - (24 - new Date().getUTCHours() - 1));
  assert.equal((await get("/api/v1/campaigns/w4r-2012/counter/timeline?bucket=week")).statusCode, 400);
});

test("the stream sends the counter at once, then each change", async () => {
  const stream = new StreamReader(`${base}/api/v1/campaigns/w4r-2012/counter/stream`);
  try {
    const first = await stream.next(() => true);
    assert.match(String(stream.headers["content-type"]), /^text\/event-stream/);
    const posted = Date.now();
    assert.equal((await post(action({ country: "MA" }))).statusCode, 201);
    const changed = await stream.next((e) => e.total === first.total + 1);
    assert.equal(changed.byCountry.MA, (first.byCountry.MA ?? 0) + 1);
    assert.ok(changed.receivedAt - posted < 1000, "a change reaches viewers within a second");
  } finally {
    stream.close();
  }
});

test("the stream coalesces a burst into at most a few messages a second", async () => {
  const stream = new StreamReader(`${base}/api/v1/campaigns/w4r-2012/counter/stream`);
  try {
    const first = await stream.next(() => true);
    const started = Date.now();
    await Promise.all(Array.from({ length: 200 }, (_, i) => post(action({ country: i % 2 ? "PL" : "DE" }))));
    await stream.next((e) => e.total === first.total + 200);
    const elapsed = Date.now() - started;
    const messages = stream.events.length - 1;
    assert.ok(messages <= Math.ceil(elapsed / 250) + 1, `${messages} messages in ${elapsed} ms`);
  } finally {
    stream.close();
  }
});

test("health and readiness", async () => {
  assert.deepEqual((await get("/healthz")).json(), { status: "ok" });
  const ready = await get("/readyz");
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(ready.json().checks, { database: true, counters: true, listening: true, writes: true });
});

test("the public reads allow any origin, on every answer, and answer a preflight", async () => {
  const origin = { origin: "https://partner.example" };
  const reads = [
    "/api/v1/campaigns",
    "/api/v1/campaigns/w4r-2012",
    "/api/v1/campaigns/w4r-2012/counter",
    "/api/v1/campaigns/w4r-2012/counter/timeline",
  ];
  for (const url of reads) {
    const response = await get(url, origin);
    assert.equal(response.statusCode, 200, url);
    assert.equal(response.headers["access-control-allow-origin"], "*", url);
    assert.equal(response.headers["access-control-allow-credentials"], undefined, url);
    const preflight = await t.app.inject({
      method: "OPTIONS",
      url,
      headers: {
        ...origin,
        "access-control-request-method": "GET",
        "access-control-request-headers": "if-none-match",
      },
    });
    assert.equal(preflight.statusCode, 204, url);
    assert.equal(preflight.headers["access-control-allow-origin"], "*", url);
    assert.match(String(preflight.headers["access-control-allow-methods"]), /GET/, url);
    assert.match(String(preflight.headers["access-control-allow-headers"]), /If-None-Match/i, url);
  }
  const first = await get("/api/v1/campaigns/w4r-2012/counter", origin);
  assert.match(String(first.headers["access-control-expose-headers"]), /ETag/);
  const unchanged = await get("/api/v1/campaigns/w4r-2012/counter", {
    ...origin,
    "if-none-match": String(first.headers.etag),
  });
  assert.equal(unchanged.statusCode, 304);
  assert.equal(unchanged.headers["access-control-allow-origin"], "*");
  for (const url of [
    "/api/v1/campaigns/nope",
    "/api/v1/campaigns/nope/counter",
    "/api/v1/campaigns/nope/counter/timeline",
    "/api/v1/campaigns/nope/counter/stream",
  ]) {
    const missing = await get(url, origin);
    assert.equal(missing.statusCode, 404, url);
    assert.match(String(missing.headers["content-type"]), /application\/problem\+json/, url);
    assert.equal(missing.headers["access-control-allow-origin"], "*", url);
  }
  const stream = await fetch(`${base}/api/v1/campaigns/w4r-2012/counter/stream`, { headers: origin });
  assert.equal(stream.status, 200);
  assert.equal(stream.headers.get("access-control-allow-origin"), "*");
  assert.match(String(stream.headers.get("content-type")), /text\/event-stream/);
  await stream.body?.cancel();
});

test("the counter's precomputed body is sent as it is, not re-serialized by the response schema", async () => {
  const campaign = t.runtime.catalog().campaigns.get("w4r-2012");
  assert.ok(campaign);
  const response = await get("/api/v1/campaigns/w4r-2012/counter");
  // Only asOf differs: a node in sync is exact as of its answer.
  const rendered = t.runtime.renderer.render(campaign);
  assert.equal(response.body, jsonAsOf(rendered, new Date(response.json().asOf)));
  assert.equal(
    response.body.slice(0, response.body.indexOf('"asOf"')),
    rendered.json.slice(0, rendered.json.indexOf('"asOf"')),
  );
  assert.equal(typeof response.json().perMinute, "number");
  assert.equal(response.json().stale, false);
  assert.ok(Date.parse(response.json().asOf) >= Date.parse(JSON.parse(rendered.json).asOf));
});
