import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { seedDemo } from "../src/demo/seed.js";
import { kickInvalidations } from "../src/features/invalidation/start.js";
import { action, postAction, startTestApp, type TestApp } from "./support/app.js";
import { createTestDatabase, openTestDatabase } from "./support/db.js";
import { type DbProxy, startDbProxy } from "./support/db-proxy.js";
import { LEVEL, LogLines } from "./support/logs.js";
import { makeUser, type OfficeClient, officeClient } from "./support/office.js";

// The database goes away under a running node (its connections reset, new ones refused, as
// when PostgreSQL dies): what needs the database answers 503 with Retry-After — problem+json
// for the API, a page in the reader's language, the office layout — and what is in memory keeps
// serving, saying how old its numbers are. The outage is logged once, not once per request.

let node: TestApp;
let proxy: DbProxy;
let staff: OfficeClient;
const logs = new LogLines();

async function until(what: string, condition: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The database's state changes are logged at warn by its monitor; the requests' side at info.
const outageLines = () =>
  logs.lines.filter((l) => l.level >= LEVEL.warn && /^database (unreachable|unavailable)/.test(l.msg ?? ""));

before(async () => {
  const url = await createTestDatabase();
  const seeding = await openTestDatabase(url);
  await seedDemo(seeding.pool);
  await seeding.close();
  proxy = await startDbProxy(url);
  node = await startTestApp({}, proxy.url, { logs, logLevel: "info" });
  staff = await officeClient(node, await makeUser(node, "admin"));
});
after(async () => {
  await node.close();
  await proxy.close();
});

const get = (url: string, headers: Record<string, string> = {}) =>
  node.app.inject({ method: "GET", url, headers });

test("a node cut off from its database answers 503 where it needs it and serves the rest from memory", async () => {
  // In sync: the counter is exact as of the answer, and the home page says nothing about it.
  const healthy = await get("/api/v1/campaigns/w4r-2012/counter");
  assert.equal(healthy.statusCode, 200);
  assert.equal(healthy.json().stale, false);
  assert.ok(Math.abs(Date.parse(healthy.json().asOf) - Date.now()) < 5_000, healthy.json().asOf);
  assert.doesNotMatch((await get("/en/")).body, /live updates are paused/);
  let homeRenderedAt = Date.now();
  assert.equal((await postAction(node, action())).statusCode, 201);

  const cutAt = Date.now();
  logs.clear();
  await proxy.cut();
  await until("the node to notice", () => !node.runtime.sync.listening);

  // The API: problem+json, Retry-After, nothing stored.
  for (let i = 0; i < 30; i++) {
    const refused = await postAction(node, action({ country: "DE" }));
    assert.equal(refused.statusCode, 503, refused.body);
    assert.match(String(refused.headers["content-type"]), /^application\/problem\+json/);
    assert.equal(refused.json().code, "ledger_unavailable");
    assert.ok(Number(refused.headers["retry-after"]) >= 1, "Retry-After");
  }
  const events = await get("/api/v1/campaigns/w4r-2012");
  assert.ok(
    [200, 503].includes(events.statusCode),
    `the campaign is read from memory or refused: ${events.statusCode}`,
  );

  // A case page (its solidarity wall is read per view): a page in Spanish, not a 500.
  for (let i = 0; i < 10; i++) {
    const page = await get("/es/cases/gao-zhisheng");
    assert.equal(page.statusCode, 503);
    assert.match(String(page.headers["content-type"]), /^text\/html/);
    assert.ok(Number(page.headers["retry-after"]) >= 1, "Retry-After");
    assert.match(page.body, /<html lang="es"/);
    assert.match(page.body, /No podemos mostrar esta página en este momento/);
    assert.match(page.body, /href="\/es\/cases\/gao-zhisheng"/, "a link to try again");
  }

  // The back office: its own layout, saying what happened.
  const office = await staff.get("/office/cases");
  assert.equal(office.statusCode, 503);
  assert.match(office.body, /Inkwell back office/);
  assert.match(office.body, /cannot reach its database/);
  assert.ok(Number(office.headers["retry-after"]) >= 1, "Retry-After");
  const officeJson = await node.app.inject({
    method: "GET",
    url: "/office/cases",
    headers: {
      accept: "application/json",
      cookie: Object.entries(staff.cookies)
        .map(([k, v]) => `${k}=${v}`)
        .join("; "),
    },
  });
  assert.equal(officeJson.statusCode, 503);
  assert.equal(officeJson.json().code, "database_unavailable");

  // From memory: the home page, the embed and the counter, which say how old the numbers are.
  // (The home page is rendered again at most once a second: PageCache.)
  await new Promise((r) => setTimeout(r, Math.max(0, homeRenderedAt + 1100 - Date.now())));
  for (const [url, notice] of [
    ["/en/", /Numbers as of \d{1,2}:\d{2}(\s?[AP]M)? UTC; live updates are paused\./],
    ["/es/", /Cifras a las .+ UTC; las actualizaciones en directo están en pausa\./],
    ["/embed/counter?lang=fr", /Chiffres à .+ UTC ; les mises à jour en direct sont en pause\./],
  ] as const) {
    const page = await get(url);
    assert.equal(page.statusCode, 200, url);
    assert.match(page.body, notice, url);
  }
  homeRenderedAt = Date.now();
  const counter = await get("/api/v1/campaigns/w4r-2012/counter");
  assert.equal(counter.statusCode, 200);
  const stale = counter.json();
  assert.equal(stale.stale, true);
  const asOf = Date.parse(stale.asOf);
  assert.ok(asOf >= cutAt - 1000 && asOf <= Date.now(), `asOf ${stale.asOf} is when the node was cut off`);
  assert.equal(stale.total, healthy.json().total + 1, "the numbers it had");

  // A background job that meets the outage (here invalidation, woken now) warns and tries later.
  kickInvalidations(node.runtime);
  await until("the invalidation runner to meet the outage", () =>
    logs.lines.some(
      (l) =>
        l.level === LEVEL.warn && /^invalidation: a job failed \(database unavailable\)/.test(l.msg ?? ""),
    ),
  );

  // Dozens of refused requests, one line, at warn; nothing at error.
  assert.equal(outageLines().length, 1, JSON.stringify(outageLines()));
  assert.match(outageLines()[0]?.msg ?? "", /^database unreachable: /);
  assert.equal(logs.lines.filter((l) => /^database unavailable: /.test(l.msg ?? "")).length, 1);
  assert.deepEqual(logs.atLeast(LEVEL.error), []);

  // Back: the node takes actions again, the counter is live, and the end is logged once.
  await proxy.restore();
  await until("the node to be back in sync", () => node.runtime.sync.listening && node.runtime.sync.loaded);
  assert.equal((await postAction(node, action({ country: "DE" }))).statusCode, 201);
  assert.equal((await get("/api/v1/campaigns/w4r-2012/counter")).json().stale, false);
  await until("the home page to be rendered again", () => Date.now() > homeRenderedAt + 1100);
  assert.doesNotMatch((await get("/en/")).body, /live updates are paused/);
  await until("the monitor to see the database again", () => node.runtime.db.health.reachable);
  assert.equal(logs.lines.filter((l) => /^database reachable again/.test(l.msg ?? "")).length, 1);
  assert.deepEqual(logs.atLeast(LEVEL.error), []);
});
