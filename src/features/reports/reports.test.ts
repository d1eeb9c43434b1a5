import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startTestApp } from "../../../test/support/app.js";
import { makeUser, officeClient } from "../../../test/support/office.js";
import {
  campaign,
  caseCount,
  count,
  counterReaches,
  csvFile,
  daysAfterStart,
  es,
  esOrganizer,
  formKey,
  fr,
  frOrganizer,
  makeEvent,
  node,
  report,
  settledTotal,
  setUp,
  tearDown,
  today,
} from "./reports.fixtures.js";

// Offline reports over HTTP: the form (corrections: corrections.test.ts), each checked in the database, the ledger
// and this node's live counter.

before(setUp);
after(tearDown);

test("a form report of 120 letters lands in reports and the ledger, and raises the counter by exactly 120", async () => {
  const before = await settledTotal();
  const beforeCase = caseCount();
  const key = await formKey(es);
  const response = await es.post("/office/reports/new", report(key));
  assert.equal(response.statusCode, 303, response.body);
  assert.equal(response.headers.location, `/office/reports?done=${key}`);
  await counterReaches(before + 120);
  assert.equal(caseCount(), beforeCase + 120);

  const stored = await node.db.pool.query("SELECT * FROM reports WHERE id = $1", [key]);
  assert.equal(stored.rows[0].quantity, 120);
  assert.equal(stored.rows[0].reported_by, esOrganizer.id);
  assert.equal(stored.rows[0].late, false);
  const action = await node.db.pool.query("SELECT * FROM actions WHERE idempotency_key = $1", [
    `report:${key}`,
  ]);
  assert.equal(action.rowCount, 1);
  assert.equal(action.rows[0].channel, "offline");
  assert.equal(action.rows[0].reporter, `user:${esOrganizer.id}`);
  assert.equal(action.rows[0].section_id, node.runtime.sectionOf("ES"));
  assert.equal(action.rows[0].quantity, 120);
  assert.equal(
    await count("SELECT count(*) AS n FROM audit_log WHERE entity = 'report' AND entity_id = $1", [key]),
    1,
  );

  // The same form sent again counts once; the next report shows the counter moved only by it.
  const again = await es.post("/office/reports/new", report(key));
  assert.equal(again.statusCode, 303);
  assert.equal(
    await count("SELECT count(*) AS n FROM actions WHERE idempotency_key = $1", [`report:${key}`]),
    1,
  );
  assert.equal(await count("SELECT count(*) AS n FROM reports WHERE id = $1", [key]), 1);
  const next = await es.post("/office/reports/new", report(await formKey(es), { quantity: "5" }));
  assert.equal(next.statusCode, 303);
  await counterReaches(before + 125);

  // Another node on the same database learns of it from the NOTIFY.
  const other = await startTestApp({}, node.db.url);
  try {
    const before2 = other.runtime.counters.get(campaign.id)?.total ?? 0;
    assert.equal(
      (await es.post("/office/reports/new", report(await formKey(es), { quantity: "3" }))).statusCode,
      303,
    );
    for (let i = 0; i < 400 && (other.runtime.counters.get(campaign.id)?.total ?? 0) < before2 + 3; i++) {
      await sleep(25);
    }
    assert.equal(other.runtime.counters.get(campaign.id)?.total, before2 + 3);
  } finally {
    await other.close();
  }

  const list = await es.get(`/office/reports?done=${key}`);
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /Recorded: 120 letters/);
  assert.match(list.body, new RegExp(`/office/reports/${key}/correct`));
  assert.match(
    list.body,
    new RegExp(`<a href="/office/reports/${key}">120</a>`),
    "its net total, linked to its page",
  );

  // Another organizer does not see it.
  assert.doesNotMatch((await fr.get("/office/reports")).body, new RegExp(key));
  assert.equal((await fr.get(`/office/reports/${key}/correct`)).statusCode, 404);
});

test("bad form input is answered 422 beside the fields and writes nothing", async () => {
  const before = await count("SELECT count(*) AS n FROM reports");
  const key = await formKey(es);
  for (const [field, value, message] of [
    ["quantity", "0", /must be a whole number from 1 to 1,000,000/],
    ["quantity", "1000001", /must be a whole number/],
    ["quantity", "abc", /must be a whole number/],
    ["case", "nobody", /is not a case of/],
    ["type", "fax", /is not a type/],
    ["date", "2012-02-30", /is not a date/],
    ["date", daysAfterStart(-3), /The date is outside the campaign/],
  ] as const) {
    const response = await es.post("/office/reports/new", report(key, { [field]: value }));
    assert.equal(response.statusCode, 422, `${field}=${value}`);
    assert.match(response.body, message);
    assert.match(response.body, new RegExp(`id="f-${field}-error"`));
  }
  assert.equal(await count("SELECT count(*) AS n FROM reports"), before);
});

test("an organizer may not report for another organizer's event (404) or another country (403)", async () => {
  const othersEvent = await makeEvent(frOrganizer, "ES");
  const key = await formKey(es);
  assert.equal((await es.post("/office/reports/new", report(key, { event: othersEvent }))).statusCode, 404);
  assert.equal((await es.post("/office/reports/new", report(key, { event: randomUUID() }))).statusCode, 404);
  assert.equal((await es.post("/office/reports/new", report(key, { event: "not-an-id" }))).statusCode, 404);
  assert.equal((await es.get(`/office/reports/new?event=${othersEvent}`)).statusCode, 404);
  assert.equal((await es.post("/office/reports/new", report(key, { country: "FR" }))).statusCode, 403);
  assert.equal(await count("SELECT count(*) AS n FROM reports WHERE id = $1", [key]), 0);

  // Their own event, even abroad, is theirs to report; its country must match.
  const own = await makeEvent(esOrganizer, "PT");
  const prefilled = await es.get(`/office/reports/new?event=${own}`);
  assert.equal(prefilled.statusCode, 200);
  assert.match(prefilled.body, new RegExp(`<option value="${own}" selected`));
  const mismatch = await es.post("/office/reports/new", report(key, { event: own, country: "ES" }));
  assert.equal(mismatch.statusCode, 422);
  assert.match(mismatch.body, /takes place in PT/);
  const ok = await es.post("/office/reports/new", report(key, { event: own, country: "PT", quantity: "7" }));
  assert.equal(ok.statusCode, 303);
  const stored = await node.db.pool.query("SELECT event_id, country FROM reports WHERE id = $1", [key]);
  assert.equal(stored.rows[0].event_id, own);
  assert.equal(stored.rows[0].country, "PT");
});

test("coordinators report for their sections and see the reports of their countries; translators get 403", async () => {
  const coordinator = await makeUser(node, "coordinator", { countries: ["FR"] });
  const client = await officeClient(node, coordinator);
  const frEvent = await makeEvent(frOrganizer, "FR");
  const key = await formKey(client);
  const response = await client.post("/office/reports/new", report(key, { country: "FR", event: frEvent }));
  assert.equal(response.statusCode, 303);
  assert.equal((await client.post("/office/reports/new", report(await formKey(client)))).statusCode, 403);
  const byOrganizer = await formKey(fr);
  assert.equal(
    (await fr.post("/office/reports/new", report(byOrganizer, { country: "FR" }))).statusCode,
    303,
  );
  const list = await client.get("/office/reports");
  assert.match(list.body, new RegExp(byOrganizer), "the coordinator sees the organizer's report in France");
  const spanish = await formKey(es);
  assert.equal((await es.post("/office/reports/new", report(spanish, { quantity: "2" }))).statusCode, 303);
  assert.doesNotMatch((await client.get("/office/reports")).body, new RegExp(spanish), "nor those of Spain");
  assert.equal((await client.get(`/office/reports/${byOrganizer}/correct`)).statusCode, 200);

  const translator = await officeClient(node, await makeUser(node, "translator", { languages: ["es"] }));
  assert.equal((await translator.get("/office/reports")).statusCode, 403);
  assert.equal((await translator.get("/office/reports/new")).statusCode, 403);
  assert.equal((await translator.post("/office/reports/new", report(randomUUID()))).statusCode, 403);
  assert.equal(
    (await translator.postMultipart("/office/reports/import", {}, csvFile("case,country,date,quantity\n")))
      .statusCode,
    403,
  );
  const anonymous = await officeClient(node);
  const login = await anonymous.get("/office/reports");
  assert.equal(login.statusCode, 303);
  assert.match(String(login.headers.location), /^\/office\/login/);
});

test("a forged CSRF token is refused, for the form and for an upload", async () => {
  const before = await count("SELECT count(*) AS n FROM reports");
  const key = await formKey(es);
  assert.equal((await es.post("/office/reports/new", { ...report(key), _csrf: "forged" })).statusCode, 403);
  const upload = await es.postMultipart(
    "/office/reports/import",
    { _csrf: "forged" },
    csvFile(`case,country,date,quantity\ngao-zhisheng,ES,${today()},3\n`),
  );
  assert.equal(upload.statusCode, 403);
  assert.equal(await count("SELECT count(*) AS n FROM reports"), before);
});

test("reports after the campaign's end are accepted and shown as late", async () => {
  const { pool } = node.db;
  const endsAt = campaign.endsAt;
  await pool.query("UPDATE campaigns SET ends_at = now() - interval '1 minute' WHERE id = $1", [campaign.id]);
  await node.runtime.catalogChanged();
  try {
    const before = await settledTotal();
    const form = await es.get("/office/reports/new");
    assert.match(form.body, /marked as late/);
    const key = await formKey(es);
    const late = await es.post(
      "/office/reports/new",
      report(key, { date: daysAfterStart(2), quantity: "9" }),
    );
    assert.equal(late.statusCode, 303, late.body);
    const stored = await pool.query("SELECT late FROM reports WHERE id = $1", [key]);
    assert.equal(stored.rows[0].late, true);
    await counterReaches(before + 9);
    const list = await es.get("/office/reports");
    assert.match(list.body, new RegExp(`${daysAfterStart(2)} <span class="late"`));
    const future = await es.post(
      "/office/reports/new",
      report(await formKey(es), { date: daysAfterStart(40) }),
    );
    assert.equal(future.statusCode, 422, "a date after the campaign is outside it");
  } finally {
    await pool.query("UPDATE campaigns SET ends_at = $2 WHERE id = $1", [campaign.id, endsAt]);
    await node.runtime.catalogChanged();
  }
});
