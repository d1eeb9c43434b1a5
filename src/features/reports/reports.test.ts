import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeEvent as makeTestEvent } from "../../../test/support/events.js";
import { makeUser, type OfficeClient, officeClient } from "../../../test/support/office.js";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import type { UserRow } from "../office/index.js";

// Offline reports over HTTP: the form, corrections and CSV imports, each checked in the
// database, the ledger and this node's live counter.

let node: TestApp;
let campaign: CampaignInfo;
let caseId: number;
let esOrganizer: UserRow;
let frOrganizer: UserRow;
let es: OfficeClient;
let fr: OfficeClient;
const today = () => new Date().toISOString().slice(0, 10);
const daysAfterStart = (n: number) =>
  new Date(campaign.startsAt.getTime() + n * 86_400_000).toISOString().slice(0, 10);

before(async () => {
  node = await startTestApp();
  campaign = node.runtime.catalog().campaigns.get("w4r-2012") as CampaignInfo;
  caseId = campaign.cases.get("gao-zhisheng") as number;
  esOrganizer = await makeUser(node, "organizer", { countries: ["ES"] });
  frOrganizer = await makeUser(node, "organizer", { countries: ["FR"] });
  es = await officeClient(node, esOrganizer);
  fr = await officeClient(node, frOrganizer);
});
after(async () => node.close());

const counter = () => node.runtime.counters.get(campaign.id);
const total = () => counter()?.total ?? 0;
const caseCount = () => counter()?.byCase.get(caseId) ?? 0;

/** The counter moves when the NOTIFY of the commit arrives; wait for it, then compare exactly. */
async function counterReaches(expected: number): Promise<void> {
  for (let i = 0; i < 400 && total() < expected; i++) await sleep(25);
  assert.equal(total(), expected);
}

/** The total once every committed report has reached this node's counter (as the rollups say). */
async function settledTotal(): Promise<number> {
  const query = "SELECT sum(count)::bigint AS n FROM rollups WHERE campaign_id = $1";
  const stored = Number((await node.db.pool.query(query, [campaign.id])).rows[0].n);
  await counterReaches(stored);
  return stored;
}

/** An event of `organizer` that ended an hour ago, so its letters can be reported. */
const makeEvent = (organizer: UserRow, country: string, campaignId = campaign.id): Promise<string> =>
  makeTestEvent(node, {
    organizerId: organizer.id,
    campaignId,
    country,
    title: `Writing night ${randomUUID().slice(0, 4)}`,
    address: "Calle Mayor 1",
    description: "",
    startsAt: new Date(Date.now() - 3 * 3_600_000),
    hours: 2,
  });

async function formKey(client: OfficeClient, url = "/office/reports/new"): Promise<string> {
  const page = await client.get(url);
  assert.equal(page.statusCode, 200, page.body);
  const key = /name="key" value="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(key, "the form carries a key");
  return key;
}

const report = (key: string, overrides: Record<string, string> = {}) => ({
  key,
  case: "gao-zhisheng",
  type: "letter",
  country: "ES",
  date: today(),
  quantity: "120",
  event: "",
  ...overrides,
});

const count = async (sql: string, values: unknown[] = []) =>
  Number((await node.db.pool.query(sql, values)).rows[0].n);

function csvFile(text: string, bom = false) {
  return {
    field: "file",
    filename: "reports.csv",
    contentType: "text/csv",
    data: Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text)]),
  };
}

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

test("a correction is a new report with a reason; none may bring a report below zero", async () => {
  const key = await formKey(es);
  assert.equal((await es.post("/office/reports/new", report(key, { quantity: "100" }))).statusCode, 303);
  const before = await settledTotal();
  const url = `/office/reports/${key}/correct`;
  const correction = await formKey(es, url);

  const noReason = await es.post(url, { key: correction, quantity: "-20", reason: "" });
  assert.equal(noReason.statusCode, 422);
  assert.match(noReason.body, /Give the reason/);
  const zero = await es.post(url, { key: correction, quantity: "0", reason: "nothing" });
  assert.equal(zero.statusCode, 422);
  const belowZero = await es.post(url, { key: correction, quantity: "-101", reason: "too many" });
  assert.equal(belowZero.statusCode, 422);
  assert.match(belowZero.body, /below zero/);
  assert.equal(await count("SELECT count(*) AS n FROM reports WHERE corrects = $1", [key]), 0);

  const done = await es.post(url, { key: correction, quantity: "-20", reason: "Counted one box twice" });
  assert.equal(done.statusCode, 303, done.body);
  const again = await es.post(url, { key: correction, quantity: "-20", reason: "Counted one box twice" });
  assert.equal(again.statusCode, 303, "the same correction form sent twice counts once");
  const rows = await node.db.pool.query(
    "SELECT quantity, reason, corrects FROM reports WHERE corrects = $1",
    [key],
  );
  assert.deepEqual(rows.rows, [{ quantity: -20, reason: "Counted one box twice", corrects: key }]);
  const action = await node.db.pool.query("SELECT quantity, reason FROM actions WHERE idempotency_key = $1", [
    `report:${correction}`,
  ]);
  assert.deepEqual(action.rows, [{ quantity: -20, reason: "Counted one box twice" }]);
  // The counter falls by exactly 20: wait for the next report's 1 to arrive after it.
  assert.equal(
    (await es.post("/office/reports/new", report(await formKey(es), { quantity: "1" }))).statusCode,
    303,
  );
  await counterReaches(before - 20 + 1);

  // 80 are left; correcting the correction corrects the original.
  const second = await formKey(es, `/office/reports/${correction}/correct`);
  const tooMuch = await es.post(`/office/reports/${correction}/correct`, {
    key: second,
    quantity: "-81",
    reason: "x",
  });
  assert.equal(tooMuch.statusCode, 422);
  const all = await es.post(`/office/reports/${correction}/correct`, {
    key: second,
    quantity: "-80",
    reason: "Wrong case",
  });
  assert.equal(all.statusCode, 303);
  assert.equal(
    await count("SELECT sum(quantity) AS n FROM reports WHERE id = $1 OR corrects = $1", [key]),
    0,
  );

  const list = await es.get("/office/reports");
  assert.match(list.body, /Correction: Counted one box twice/);
  assert.equal((await fr.post(url, { key: randomUUID(), quantity: "5", reason: "mine" })).statusCode, 404);
  assert.equal((await es.get(`/office/reports/${randomUUID()}/correct`)).statusCode, 404);
  assert.equal((await es.get("/office/reports/nonsense/correct")).statusCode, 404);
});

test("a CSV with broken rows gets a preview listing every error, and nothing is written", async () => {
  const othersEvent = await makeEvent(frOrganizer, "ES");
  const csv = [
    "case,type,country,date,quantity,event,reason",
    `gao-zhisheng,letter,ES,${today()},10,,`,
    `gao-zhisheng,letter,XX,${today()},10,,`,
    `nobody,letter,ES,${today()},10,,`,
    "gao-zhisheng,letter,ES,12/01/2012,10,,",
    `gao-zhisheng,letter,ES,${today()},0,,`,
    `gao-zhisheng,letter,ES,${today()},abc,,`,
    `gao-zhisheng,letter,ES,${daysAfterStart(-2)},10,,`,
    `gao-zhisheng,letter,ES,${today()},10,${othersEvent},`,
    `gao-zhisheng,letter,FR,${today()},10,,`,
  ].join("\n");
  const before = {
    reports: await count("SELECT count(*) AS n FROM reports"),
    imports: await count("SELECT count(*) AS n FROM report_imports"),
    total: await settledTotal(),
  };
  const response = await es.postMultipart("/office/reports/import", {}, csvFile(csv));
  assert.equal(response.statusCode, 422);
  const body = response.body;
  assert.match(body, /8 rows have errors/);
  for (const expected of [
    /Line 3, country: &quot;XX&quot; is not a country code/,
    /Line 4, case: &quot;nobody&quot; is not a case of/,
    /Line 5, date: &quot;12\/01\/2012&quot; is not a date/,
    /Line 6, quantity: &quot;0&quot; must be a whole number/,
    /Line 7, quantity: &quot;abc&quot; must be a whole number/,
    /Line 8, date: The date is outside the campaign/,
    new RegExp(`Line 9, event: There is no event ${othersEvent} that you manage`),
    /Line 10, country: You may not report letters for FR/,
  ]) {
    assert.match(body, expected);
  }
  assert.match(body, /<td>2<\/td>(.|\n)*?OK/, "the valid row says OK");
  assert.doesNotMatch(body, /import\/confirm/, "no confirm button");
  assert.equal(await count("SELECT count(*) AS n FROM reports"), before.reports);
  assert.equal(await count("SELECT count(*) AS n FROM report_imports"), before.imports);
  assert.equal(total(), before.total);
});

test("a valid CSV is previewed, then confirmed into the ledger in one go, and only once", async () => {
  const event = await makeEvent(esOrganizer, "ES");
  const csv = [
    "Case;Country;Date;Quantity;Type;Event;Reason",
    `gao-zhisheng;ES;${today()};30;;${event};`,
    `ales-bialiatski;ES;${daysAfterStart(1)};12;solidarity;;"Cards, from the school"`,
    `gao-zhisheng;es;${today()};8;letter;;`,
    ";;;;;;",
    "",
  ].join("\r\n");
  const before = await settledTotal();
  const beforeCase = caseCount();
  const preview = await es.postMultipart("/office/reports/import", {}, csvFile(csv, true));
  assert.equal(preview.statusCode, 200, preview.body);
  assert.match(preview.body, /All 3 rows are valid: 50 actions/);
  assert.match(preview.body, /Import 3 rows/);
  const importId = /name="import" value="([^"]+)"/.exec(preview.body)?.[1] as string;
  assert.ok(importId);
  assert.equal(await count("SELECT count(*) AS n FROM reports WHERE import_id = $1", [importId]), 0);
  assert.equal(total(), before, "nothing counts before the confirmation");

  // Nobody else can confirm it.
  assert.equal((await fr.post("/office/reports/import/confirm", { import: importId })).statusCode, 404);

  const confirm = await es.post("/office/reports/import/confirm", { import: importId });
  assert.equal(confirm.statusCode, 303, confirm.body);
  assert.equal(confirm.headers.location, `/office/reports?imported=${importId}`);
  await counterReaches(before + 50);
  assert.equal(caseCount(), beforeCase + 38);
  const rows = await node.db.pool.query(
    "SELECT type, country, quantity, event_id, reason FROM reports WHERE import_id = $1 ORDER BY quantity",
    [importId],
  );
  assert.deepEqual(rows.rows, [
    { type: "letter", country: "ES", quantity: 8, event_id: null, reason: null },
    { type: "solidarity", country: "ES", quantity: 12, event_id: null, reason: "Cards, from the school" },
    { type: "letter", country: "ES", quantity: 30, event_id: event, reason: null },
  ]);
  assert.equal(
    await count(
      "SELECT count(*) AS n FROM actions a JOIN reports r ON a.idempotency_key = 'report:' || r.id WHERE r.import_id = $1",
      [importId],
    ),
    3,
  );
  assert.equal(
    await count("SELECT count(*) AS n FROM audit_log WHERE action = 'import' AND entity_id = $1", [importId]),
    1,
  );

  const twice = await es.post("/office/reports/import/confirm", { import: importId });
  assert.equal(twice.statusCode, 303);
  assert.match(String(twice.headers.location), /again=1/);
  assert.equal(await count("SELECT count(*) AS n FROM reports WHERE import_id = $1", [importId]), 3);
  const shown = await es.get(String(twice.headers.location));
  assert.match(shown.body, /already imported/);
  assert.equal((await es.post("/office/reports/import/confirm", { import: randomUUID() })).statusCode, 404);
});

test("a file of 5,000 rows imports in one transaction, and two confirms at once import it once", async () => {
  const slugs = [...campaign.cases.keys()];
  const types = ["letter", "solidarity", "petition"];
  const lines = ["case,type,country,date,quantity"];
  let sum = 0;
  for (let i = 0; i < 5000; i++) {
    const quantity = (i % 7) + 1;
    sum += quantity;
    lines.push(`${slugs[i % slugs.length]},${types[i % 3]},ES,${daysAfterStart(i % 12)},${quantity}`);
  }
  const before = await settledTotal();
  const preview = await es.postMultipart("/office/reports/import", {}, csvFile(lines.join("\n")));
  assert.equal(preview.statusCode, 200);
  const importId = /name="import" value="([^"]+)"/.exec(preview.body)?.[1] as string;
  const confirms = await Promise.all([
    es.post("/office/reports/import/confirm", { import: importId }),
    es.post("/office/reports/import/confirm", { import: importId }),
  ]);
  assert.deepEqual(
    confirms.map((c) => c.statusCode),
    [303, 303],
  );
  assert.equal(confirms.filter((c) => /again=1/.test(String(c.headers.location))).length, 1);
  assert.equal(await count("SELECT count(*) AS n FROM reports WHERE import_id = $1", [importId]), 5000);
  // Hundreds of rollup keys: the announcement arrives in several parts and is applied whole.
  await counterReaches(before + sum);
});

test("files too large, too long or not CSV are refused clearly", async () => {
  const header = "case,country,date,quantity\n";
  const row = `gao-zhisheng,ES,${today()},1\n`;
  const tooMany = await es.postMultipart("/office/reports/import", {}, csvFile(header + row.repeat(5001)));
  assert.equal(tooMany.statusCode, 422);
  assert.match(tooMany.body, /5,001 rows; import at most 5,000/);
  const tooBig = await es.postMultipart(
    "/office/reports/import",
    {},
    csvFile(header + `gao-zhisheng,ES,${today()},1,,${"x".repeat(80)}\n`.repeat(25_000)),
  );
  assert.equal(tooBig.statusCode, 413);
  assert.match(tooBig.body, /larger than 2 MB/);
  const notUtf8 = await es.postMultipart(
    "/office/reports/import",
    {},
    {
      ...csvFile(""),
      data: Buffer.from([0x63, 0x61, 0x73, 0x65, 0x0a, 0xe9, 0xff, 0x0a]),
    },
  );
  assert.equal(notUtf8.statusCode, 422);
  assert.match(notUtf8.body, /not UTF-8/);
  const noColumns = await es.postMultipart("/office/reports/import", {}, csvFile("foo,bar\n1,2\n"));
  assert.equal(noColumns.statusCode, 422);
  const none = await es.postMultipart("/office/reports/import", {});
  assert.equal(none.statusCode, 422);

  const template = await es.get("/office/reports/template.csv");
  assert.equal(template.statusCode, 200);
  assert.match(String(template.headers["content-type"]), /text\/csv/);
  assert.match(template.body, /^case,type,country,date,quantity,event,reason\r\ngao-zhisheng,letter,ES,/);
  const form = await es.get("/office/reports/import");
  assert.match(form.body, /enctype="multipart\/form-data"/);
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
