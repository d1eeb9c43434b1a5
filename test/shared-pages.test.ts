import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { seedDemo } from "../src/demo/seed.js";
import { startTestApp, type TestApp } from "./support/app.js";
import { createTestDatabase, openTestDatabase } from "./support/db.js";

// The pages a crowd hits are shared: the same bytes for every visitor, revalidated with their
// ETag, and on two nodes of one database a change shows on the other node within a second.
let a: TestApp;
let b: TestApp;
before(async () => {
  const url = await createTestDatabase();
  const seeder = await openTestDatabase(url);
  await seedDemo(seeder.pool);
  await seeder.close();
  a = await startTestApp({}, url);
  b = await startTestApp({}, url);
});
after(async () => {
  await a.close();
  await b.close();
});

const PAGES = [
  "/en/",
  "/en/s/es",
  "/en/events",
  "/embed/counter?campaign=w4r-2012&lang=en",
  "/api/v1/campaigns",
  "/api/v1/campaigns/w4r-2012",
];

const get = (node: TestApp, url: string, headers: Record<string, string> = {}) =>
  node.app.inject({ url, headers: { "accept-encoding": "identity", ...headers } });

test("two visitors get byte-identical pages, shared and revalidated", async () => {
  for (const url of PAGES) {
    const one = await get(a, url, { cookie: "visitor=one", "user-agent": "first" });
    const two = await get(a, url, { cookie: "visitor=two", "user-agent": "second" });
    assert.equal(one.statusCode, 200, url);
    assert.ok(one.rawPayload.length > 100, url);
    assert.deepEqual(one.rawPayload, two.rawPayload, `${url}: the same bytes`);
    assert.equal(one.headers.etag, two.headers.etag, url);
    assert.equal(one.headers["set-cookie"], undefined, `${url}: nothing per visitor`);
    assert.match(
      String(one.headers["cache-control"]),
      /^public, max-age=1, stale-while-revalidate=\d+$/,
      url,
    );
    assert.match(String(one.headers.vary), /accept-encoding/, url);
    // The security headers of the root hook are on shared answers too.
    assert.equal(one.headers["x-content-type-options"], "nosniff", url);
    assert.ok(one.headers["content-security-policy"] || url.startsWith("/api/"), url);

    const br = await get(a, url, { "accept-encoding": "gzip, deflate, br" });
    const gz = await get(a, url, { "accept-encoding": "gzip" });
    assert.equal(br.headers["content-encoding"], "br", url);
    assert.equal(gz.headers["content-encoding"], "gzip", url);
    assert.deepEqual(brotliDecompressSync(br.rawPayload), one.rawPayload, `${url}: br decompresses`);
    assert.deepEqual(gunzipSync(gz.rawPayload), one.rawPayload, `${url}: gzip decompresses (once)`);

    const revalidated = await get(a, url, {
      "accept-encoding": "br",
      "if-none-match": String(br.headers.etag),
    });
    assert.equal(revalidated.statusCode, 304, url);
    assert.equal(revalidated.rawPayload.length, 0, url);
    assert.equal(revalidated.headers["x-content-type-options"], "nosniff", `${url}: 304 has them too`);
    // Identical content is identically tagged on every node.
    assert.equal((await get(b, url)).headers.etag, one.headers.etag, `${url}: the same tag on node b`);
  }
});

test("the open data keeps allowing any origin, on 200 and 304", async () => {
  for (const url of ["/api/v1/campaigns", "/api/v1/campaigns/w4r-2012"]) {
    const first = await get(a, url, { origin: "https://elsewhere.example" });
    assert.equal(first.headers["access-control-allow-origin"], "*");
    assert.equal(
      JSON.parse(first.body).campaigns !== undefined || JSON.parse(first.body).slug === "w4r-2012",
      true,
    );
    const again = await get(a, url, { "if-none-match": String(first.headers.etag) });
    assert.equal(again.statusCode, 304);
    assert.equal(again.headers["access-control-allow-origin"], "*");
  }
});

/** Polls node b's page until `seen` holds; returns how long it took after `since`. */
async function waitOn(url: string, seen: (body: string) => boolean, since: number): Promise<number> {
  const deadline = since + 5000;
  while (Date.now() < deadline) {
    if (seen((await get(b, url)).body)) return Date.now() - since;
    await new Promise((r) => setTimeout(r, 10));
  }
  return Number.POSITIVE_INFINITY;
}

test("an edit on node a shows on node b's shared pages within 1 s, with a new ETag", async () => {
  const home = await get(b, "/en/");
  const title = `Write for Rights ${Date.now()}`;
  await a.db.pool.query("UPDATE campaigns SET title = $1 WHERE slug = 'w4r-2012'", [title]);
  const changed = Date.now();
  await a.runtime.catalogChanged();
  for (const url of ["/en/", "/en/s/es", "/api/v1/campaigns", "/api/v1/campaigns/w4r-2012"]) {
    const ms = await waitOn(url, (body) => body.includes(title), changed);
    assert.ok(ms <= 1000, `${url} on node b: the edit after ${ms} ms`);
  }
  const after = await get(b, "/en/", { "if-none-match": String(home.headers.etag) });
  assert.equal(after.statusCode, 200, "the old tag no longer matches");
  assert.notEqual(after.headers.etag, home.headers.etag);
});

test("an event's change on node a shows in node b's events list within 1 s", async () => {
  const title = `Letter evening ${Date.now()}`;
  const before = await get(b, "/en/events");
  assert.equal(before.statusCode, 200);
  // A new public event, as the office's form writes it, then announces it.
  const organizer = await a.db.pool.query<{ id: number }>(
    "INSERT INTO users (email, role) VALUES ('organizer-shared@example.org', 'organizer') RETURNING id",
  );
  const { rows } = await a.db.pool.query(
    `INSERT INTO events (id, campaign_id, organizer_id, title, address, country, starts_at, ends_at, time_zone)
     SELECT gen_random_uuid(), c.id, $2, $1, 'Plaza Mayor 1, Madrid', 'ES',
            now() + interval '1 day', now() + interval '1 day 2 hours', 'Europe/Madrid'
       FROM campaigns c WHERE c.slug = 'w4r-2012'
     RETURNING id`,
    [title, organizer.rows[0]?.id],
  );
  assert.equal(rows.length, 1);
  assert.ok(!before.body.includes(title));
  const version = b.runtime.publicVersion();
  const changed = Date.now();
  await a.runtime.contentChanged();
  const ms = await waitOn("/en/events", (body) => body.includes(title), changed);
  assert.ok(ms <= 1000, `the events list on node b after ${ms} ms`);
  // Not only the list's clock: the announcement reached node b and moved its version.
  assert.notEqual(b.runtime.publicVersion(), version);
});

test("an event page is shared, and an edit on node a shows on node b's event page within 1 s", async () => {
  const [event] = (
    await a.db.pool.query<{ id: string; title: string }>(
      "SELECT id, title FROM events WHERE public AND cancelled_at IS NULL AND ends_at > now() ORDER BY starts_at LIMIT 1",
    )
  ).rows;
  assert.ok(event, "the demo has an upcoming public event");
  const url = `/en/events/${event.id}`;
  const one = await get(b, url, { cookie: "visitor=one" });
  const two = await get(b, url, { cookie: "visitor=two" });
  assert.equal(one.statusCode, 200);
  assert.ok(one.body.includes(event.title));
  assert.deepEqual(one.rawPayload, two.rawPayload, "the same bytes for two visitors");
  assert.equal(one.headers["cache-control"], "public, max-age=1, stale-while-revalidate=5");
  const revalidated = await get(b, url, { "if-none-match": String(one.headers.etag) });
  assert.equal(revalidated.statusCode, 304);
  // An unknown event is still a page not found, also when asked twice.
  for (let i = 0; i < 2; i++) {
    const unknown = await get(b, "/en/events/00000000-0000-4000-8000-000000000000");
    assert.equal(unknown.statusCode, 404);
  }

  const title = `Letters at the library ${Date.now()}`;
  await a.db.pool.query("UPDATE events SET title = $1 WHERE id = $2", [title, event.id]);
  const changed = Date.now();
  await a.runtime.contentChanged();
  const ms = await waitOn(url, (body) => body.includes(title), changed);
  assert.ok(ms <= 1000, `the event page on node b after ${ms} ms`);
  const after = await get(b, url, { "if-none-match": String(one.headers.etag) });
  assert.equal(after.statusCode, 200, "the old tag no longer matches");
});

test("the home and events pages link their maps as images kept a year, drawn the same by any node", async () => {
  const home = await get(a, "/en/");
  const world = /<image href="(\/map\/world-[0-9a-f]{12}\.svg\?b=[0-5]+)"/.exec(home.body)?.[1];
  assert.ok(world, "the home page links the coloured world");
  // The events map shows once an event has a place on it.
  await a.db.pool.query(
    "UPDATE events SET latitude = 40.4168, longitude = -3.7038 WHERE public AND cancelled_at IS NULL",
  );
  await a.runtime.contentChanged();
  const events = await get(a, "/en/events");
  const land = /<image href="(\/map\/land-[0-9a-f]{12}\.svg)"/.exec(events.body)?.[1];
  assert.ok(land, "the events page links the land");
  for (const url of [world, land]) {
    const one = await get(a, url);
    const other = await get(b, url);
    assert.equal(one.statusCode, 200, url);
    assert.equal(one.headers["content-type"], "image/svg+xml", url);
    assert.equal(one.headers["cache-control"], "public, max-age=31536000, immutable", url);
    assert.ok(one.body.startsWith("<svg") && one.body.includes("<path"), url);
    assert.deepEqual(one.rawPayload, other.rawPayload, `${url}: the same on both nodes`);
    assert.equal((await get(a, url, { "if-none-match": String(one.headers.etag) })).statusCode, 304);
    const br = await get(a, url, { "accept-encoding": "br" });
    assert.ok(br.rawPayload.length < one.rawPayload.length / 3, `${url}: compressed`);
  }
  // The page itself no longer carries the shapes.
  assert.ok(home.rawPayload.length < 40_000, `home: ${home.rawPayload.length} bytes`);
  assert.ok(events.rawPayload.length < 20_000, `events: ${events.rawPayload.length} bytes`);

  const digits = world.split("b=")[1] ?? "";
  for (const bad of [`b=${digits.slice(1)}`, `b=${digits.slice(1)}7`, "b=", "b=<svg>"]) {
    const answer = await get(a, `${world.split("?")[0]}?${bad}`);
    assert.equal(answer.statusCode, 404, bad);
  }
  assert.equal((await get(a, "/map/world.svg")).statusCode, 404);
  assert.equal((await get(a, "/map/../../etc/passwd")).statusCode, 404);
  // An address from a node with other shapes gets this node's map, kept only briefly.
  const older = await get(a, `/map/land-000000000000.svg`);
  assert.equal(older.statusCode, 200);
  assert.equal(older.headers["cache-control"], "public, max-age=60");
});
