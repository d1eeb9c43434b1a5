import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import {
  campaign,
  caseCount,
  count,
  counterReaches,
  csvFile,
  daysAfterStart,
  es,
  esOrganizer,
  fr,
  frOrganizer,
  makeEvent,
  node,
  settledTotal,
  setUp,
  tearDown,
  today,
  total,
} from "./reports.fixtures.js";

// Offline reports by CSV over HTTP: preview, every bad row named, all or nothing, once only.

before(setUp);
after(tearDown);

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
