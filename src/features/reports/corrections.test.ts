import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { verifyCounters } from "../../core/ledger/verify.js";
import {
  count,
  counterReaches,
  csvFile,
  es,
  esOrganizer,
  formKey,
  fr,
  makeEvent,
  node,
  report,
  settledTotal,
  setUp,
  tearDown,
  today,
} from "./reports.fixtures.js";

// Corrections ask for a report's new total and record the difference; the report's page shows
// the original, each correction and the net total; a correction against a stale total is
// refused; a report far above its event's places asks "are you sure?" first.

before(setUp);
after(tearDown);

/** A report of `quantity` letters by the Spanish organizer; its id. */
async function reported(quantity: number, extra: Record<string, string> = {}): Promise<string> {
  const key = await formKey(es);
  const response = await es.post(
    "/office/reports/new",
    report(key, { quantity: String(quantity), ...extra }),
  );
  assert.equal(response.statusCode, 303, response.body);
  return key;
}

/** The correction form of a report, opened: its key and the total it corrects. */
async function openCorrection(id: string) {
  const page = await es.get(`/office/reports/${id}/correct`);
  assert.equal(page.statusCode, 200, page.body);
  const key = /name="key" value="([^"]+)"/.exec(page.body)?.[1] ?? "";
  const counted = /name="counted" value="([^"]+)"/.exec(page.body)?.[1] ?? "";
  assert.ok(key && counted, "the form carries its key and the total it corrects");
  return { key, counted, body: page.body };
}

const net = (id: string) =>
  count("SELECT coalesce(sum(quantity), 0) AS n FROM reports WHERE id = $1 OR corrects = $1", [id]);
const ledger = (id: string) =>
  count(
    `SELECT coalesce(sum(quantity), 0) AS n FROM actions
      WHERE idempotency_key = 'report:' || $1::text
         OR idempotency_key IN (SELECT 'report:' || id FROM reports WHERE corrects = $1::uuid)`,
    [id],
  );

test("typing 200 into the correction of a 2,000 report counts 200, and every page says so", async () => {
  const event = await makeEvent(esOrganizer, "ES");
  const id = await reported(2000, { event });
  const before = await settledTotal();
  const form = await openCorrection(id);
  assert.match(form.body, /New total/);
  assert.equal(form.counted, "2000");

  const saved = await es.post(`/office/reports/${id}/correct`, {
    key: form.key,
    counted: form.counted,
    total: "200",
    reason: "One zero too many",
  });
  assert.equal(saved.statusCode, 303, saved.body);
  assert.equal(saved.headers.location, `/office/reports/${id}?corrected=${form.key}#net`);
  assert.equal(await net(id), 200);
  assert.equal(await ledger(id), 200, "the ledger holds 2,000 and −1,800");
  const row = await node.db.pool.query("SELECT quantity, reason, reported_by FROM reports WHERE id = $1", [
    form.key,
  ]);
  assert.deepEqual(row.rows[0], {
    quantity: -1800,
    reason: "One zero too many",
    reported_by: esOrganizer.id,
  });
  await counterReaches(before - 1800);

  const page = await es.get(`/office/reports/${id}?corrected=${form.key}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Corrected: the report now counts 200 letters \(it counted 2,000; −1,800\)/);
  assert.match(page.body, /<dt>Reported<\/dt><dd>2,000<\/dd>/);
  assert.match(page.body, /<strong id="net">200<\/strong>/);
  const history = page.body.slice(page.body.indexOf("<caption>The report and its corrections"));
  const name = esOrganizer.name || esOrganizer.email;
  assert.match(
    history,
    new RegExp(`<td>${name}</td><td class="number">Reported: 2,000</td><td class="number">2,000</td>`),
  );
  assert.match(
    history,
    new RegExp(
      `<td>${name}</td><td class="number">−1,800</td><td class="number">200</td><td>One zero too many</td>`,
    ),
  );
  assert.match(
    history,
    /<tr id="r-[^"]+"><td>[A-Z][a-z]{2} \d+, \d{4}, \d+:\d{2} [AP]M UTC<\/td>/,
    "with the time of each",
  );

  // Every list shows the net total: the reports list, the dashboard, the event's page.
  const list = (await es.get("/office/reports")).body;
  assert.match(
    list,
    new RegExp(
      `<a href="/office/reports/${id}">200</a><span class="hint"> \\(reported 2,000, corrected once\\)`,
    ),
  );
  assert.doesNotMatch(
    list,
    new RegExp(`/office/reports/${form.key}"`),
    "a correction is no report of its own in the list",
  );
  assert.match((await es.get(`/office/events/${event}`)).body, /<dt>Letters reported<\/dt><dd>200<\/dd>/);
  assert.match((await es.get("/office")).body, new RegExp(`<a href="/office/reports/${id}">200</a>`));

  // The same form sent again counts once.
  const again = await es.post(`/office/reports/${id}/correct`, {
    key: form.key,
    counted: form.counted,
    total: "200",
    reason: "One zero too many",
  });
  assert.equal(again.statusCode, 303);
  assert.equal(await net(id), 200);

  // The old links keep working: a correction's own address corrects its original.
  const viaCorrection = await es.get(`/office/reports/${form.key}/correct`);
  assert.equal(viaCorrection.statusCode, 200);
  assert.match(viaCorrection.body, new RegExp(`action="/office/reports/${id}/correct"`));
  assert.match(viaCorrection.body, /name="counted" value="200"/);
  assert.equal((await es.get(`/office/reports/${form.key}`)).statusCode, 200);
  // Up again, and down to zero: each is the new total.
  const up = await openCorrection(form.key);
  const raised = await es.post(`/office/reports/${form.key}/correct`, {
    key: up.key,
    counted: up.counted,
    total: "250",
    reason: "A late box",
  });
  assert.equal(raised.statusCode, 303);
  assert.equal(await net(id), 250);
  const zero = await openCorrection(id);
  assert.equal(
    (
      await es.post(`/office/reports/${id}/correct`, {
        key: zero.key,
        counted: zero.counted,
        total: "0",
        reason: "Wrong case",
      })
    ).statusCode,
    303,
  );
  assert.equal(await net(id), 0);
  assert.equal(await ledger(id), 0);
  const verified = await verifyCounters(node.db.pool);
  assert.deepEqual(verified.differences, [], "verify is clean");
  assert.equal(verified.orphans, 0);
});

test("bad totals are answered beside the field and write nothing", async () => {
  const id = await reported(100);
  const form = await openCorrection(id);
  const url = `/office/reports/${id}/correct`;
  for (const [fields, message] of [
    [{ total: "200", reason: "" }, /Give the reason/],
    [{ total: "100", reason: "same" }, /already counts 100: there is nothing to correct/],
    [{ total: "-20", reason: "a change, not a total" }, /Enter the new total/],
    [{ total: "1000001", reason: "too many" }, /Enter the new total/],
    [{ total: "", reason: "none" }, /Enter the new total/],
  ] as const) {
    const response = await es.post(url, { key: form.key, counted: form.counted, ...fields });
    assert.equal(response.statusCode, 422, JSON.stringify(fields));
    assert.match(response.body, message);
  }
  // A form from before totals (a change in `quantity`) is not read as one.
  const old = await es.post(url, { key: form.key, quantity: "-20", reason: "old form" });
  assert.equal(old.statusCode, 422);
  assert.equal(await count("SELECT count(*) AS n FROM reports WHERE corrects = $1", [id]), 0);
  assert.equal(
    (await fr.post(url, { key: randomUUID(), counted: "100", total: "5", reason: "mine" })).statusCode,
    404,
  );
  assert.equal((await es.get(`/office/reports/${randomUUID()}`)).statusCode, 404);
  assert.equal((await es.get("/office/reports/nonsense/correct")).statusCode, 404);
  assert.equal((await fr.get(`/office/reports/${id}`)).statusCode, 404, "another organizer's report");
});

test("two corrections at once: one applies, the other is refused as stale and shows the new total", async () => {
  const id = await reported(2000);
  const [a, b] = [await openCorrection(id), await openCorrection(id)];
  const [first, second] = await Promise.all([
    es.post(`/office/reports/${id}/correct`, { key: a.key, counted: a.counted, total: "200", reason: "A" }),
    es.post(`/office/reports/${id}/correct`, { key: b.key, counted: b.counted, total: "300", reason: "B" }),
  ]);
  const statuses = [first.statusCode, second.statusCode].sort();
  assert.deepEqual(statuses, [303, 409]);
  const winner = first.statusCode === 303 ? 200 : 300;
  const refused = first.statusCode === 409 ? first : second;
  assert.equal(await net(id), winner, "the total one person typed, not 2,000 − 1,800 − 1,700");
  assert.equal(await count("SELECT count(*) AS n FROM reports WHERE corrects = $1", [id]), 1);
  assert.match(
    refused.body,
    new RegExp(`Someone corrected this report while you were editing it: it counts ${winner} now`),
  );
  assert.match(
    refused.body,
    new RegExp(`name="counted" value="${winner}"`),
    "the form now corrects the new total",
  );

  // Sent again from the refused page, it applies against the total it now shows.
  const key = first.statusCode === 409 ? a.key : b.key;
  const retried = await es.post(`/office/reports/${id}/correct`, {
    key,
    counted: String(winner),
    total: "250",
    reason: "Agreed",
  });
  assert.equal(retried.statusCode, 303);
  assert.equal(await net(id), 250);
  assert.equal(await ledger(id), 250);
});

test("a report above 20 letters a place of its event asks 'are you sure?' first; at 20 it does not", async () => {
  const event = await makeEvent(esOrganizer, "ES", undefined, 60);
  const before = await count("SELECT count(*) AS n FROM reports WHERE event_id = $1", [event]);
  const atLimit = await es.post(
    "/office/reports/new",
    report(await formKey(es), { event, quantity: "1200" }),
  );
  assert.equal(atLimit.statusCode, 303, "1,200 for 60 places is 20 a place: no question");

  const key = await formKey(es);
  const asked = await es.post("/office/reports/new", report(key, { event, quantity: "2000" }));
  assert.equal(asked.statusCode, 422);
  assert.match(asked.body, /<h2>Are you sure\?<\/h2>/);
  assert.match(asked.body, /2,000 is more than 20 for each of the 60 places of/);
  assert.match(asked.body, /name="sure" value="2000"/);
  assert.match(asked.body, /<button type="submit">Yes, 2,000 is right<\/button>/);
  assert.match(asked.body, /name="quantity"[^>]*value="2000"/, "what was typed stays");
  assert.equal(await count("SELECT count(*) AS n FROM reports WHERE event_id = $1", [event]), before + 1);

  // Another number after the question asks again; the confirmed number counts.
  const changed = await es.post(
    "/office/reports/new",
    report(key, { event, quantity: "1500", sure: "2000" }),
  );
  assert.equal(changed.statusCode, 422);
  assert.match(changed.body, /name="sure" value="1500"/);
  const sure = await es.post("/office/reports/new", report(key, { event, quantity: "1500", sure: "1500" }));
  assert.equal(sure.statusCode, 303);
  assert.equal(await count("SELECT quantity AS n FROM reports WHERE id = $1", [key]), 1500);

  // A correction's new total asks too; an event without a capacity never does.
  const form = await openCorrection(key);
  const correction = { key: form.key, counted: form.counted, total: "3000", reason: "Recounted" };
  const askedAgain = await es.post(`/office/reports/${key}/correct`, correction);
  assert.equal(askedAgain.statusCode, 422);
  assert.match(askedAgain.body, /Are you sure\?/);
  assert.equal(await net(key), 1500);
  assert.equal(
    (await es.post(`/office/reports/${key}/correct`, { ...correction, sure: "3000" })).statusCode,
    303,
  );
  assert.equal(await net(key), 3000);
  const open = await makeEvent(esOrganizer, "ES");
  assert.equal(
    (await es.post("/office/reports/new", report(await formKey(es), { event: open, quantity: "50000" })))
      .statusCode,
    303,
  );
  // A CSV file's preview, its own "are you sure?" step, names the rows above 20 a place.
  const csv = `case,country,date,quantity,event\ngao-zhisheng,ES,${today()},1200,${event}\ngao-zhisheng,ES,${today()},5000,${event}\n`;
  const preview = await es.postMultipart("/office/reports/import", {}, csvFile(csv));
  assert.equal(preview.statusCode, 200, preview.body);
  assert.match(
    preview.body,
    /<h2>Are you sure\?<\/h2><p>1 row reports more than 20 letters for each place of its event/,
  );
  assert.match(preview.body, /<li>Line 3: 5,000 for the 60 places of “[^”]+”<\/li>/);
  assert.doesNotMatch(preview.body, /Line 2: 1,200/);
});
