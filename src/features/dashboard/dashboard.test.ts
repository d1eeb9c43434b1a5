import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { parse } from "csv-parse/sync";
import { action, listen, postAction, startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, officeClient } from "../../../test/support/office.js";
import type { UserRow } from "../office/index.js";

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

const en = new Intl.NumberFormat("en");
const percent = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 0 });
const campaign = () => {
  const c = t.runtime.catalog().campaigns.get("w4r-2012");
  assert.ok(c);
  return c;
};
const counter = () => t.runtime.counters.of(campaign().id);

test("the dashboard renders for every role, with the counter's numbers", async () => {
  for (const role of ["admin", "coordinator", "translator", "organizer"] as const) {
    const user = await makeUser(t, role, {
      countries: role === "translator" ? [] : ["PL"],
      languages: ["es"],
    });
    const client = await officeClient(t, user);
    const response = await client.get("/office");
    assert.equal(response.statusCode, 200, role);
    const html = response.body;
    const c = counter();
    assert.ok(
      html.includes(`data-live="total" id="dash-total">${en.format(c.total)}<`),
      `${role}: the total`,
    );
    assert.ok(html.includes('data-stream="/api/v1/campaigns/w4r-2012/counter/stream"'), "live through SSE");
    assert.ok(html.includes('<script src="/assets/live.js" defer>'));
    assert.ok(html.includes('class="wmap"'), "the map");
    assert.ok(html.includes('<table class="country-table">'), "and its table");
    assert.ok(html.includes('<figure class="timeline">'), "the timeline");
    assert.ok(html.includes('<polyline points="') && html.includes('class="previous"'), "against last year");
    // The sections' leaderboard: each section's country count against its own goal.
    const pl = c.byCountry.get("PL") ?? 0;
    assert.ok(pl > 0);
    assert.ok(html.includes(`<td class="number" data-live-country="PL">${en.format(pl)}</td>`), role);
    assert.ok(html.includes(`data-live-country="PL" data-of="265000">${percent.format(pl / 265000)}<`), role);
    // Each case's count.
    const gao = c.byCase.get(campaign().cases.get("gao-zhisheng") ?? 0) ?? 0;
    assert.ok(html.includes(`data-live-case="gao-zhisheng">${en.format(gao)}<`), `${role}: case count`);
    assert.ok(html.includes('id="translations-title"'), "translation progress");
    assert.ok(html.includes('id="reports-title"'), "latest reports");
    assert.equal(
      html.includes('action="/office/export.csv"'),
      role === "admin" || role === "coordinator",
      role,
    );
    if (role === "coordinator") assert.ok(html.includes("<strong> · yours</strong>"), "their section marked");
  }
});

test("the dashboard moves with the counter, and shows other editions on request", async () => {
  const client = await officeClient(t, await makeUser(t, "admin"));
  const before = counter().total;
  assert.equal((await postAction(t, action({ country: "PL" }))).statusCode, 201);
  const html = (await client.get("/office")).body;
  assert.equal(counter().total, before + 1);
  assert.ok(html.includes(`id="dash-total">${en.format(before + 1)}<`));
  const previous = t.runtime.catalog().campaigns.get("w4r-2011");
  assert.ok(previous);
  const old = await client.get("/office?campaign=w4r-2011");
  assert.equal(old.statusCode, 200);
  assert.ok(old.body.includes(`id="dash-total">${en.format(t.runtime.counters.of(previous.id).total)}<`));
  assert.equal((await client.get("/office?campaign=nope")).statusCode, 404);
  const translations = (await client.get("/office")).body;
  assert.ok(translations.includes('<th scope="col" lang="es">es</th>'), "a column per language");
});

async function report(
  by: UserRow,
  o: { country: string; quantity?: number; late?: boolean; reason?: string },
) {
  const id = randomUUID();
  await t.db.pool.query(
    `INSERT INTO reports (id, campaign_id, case_id, type, country, quantity, occurred_on, reported_by, late, reason)
     VALUES ($1, $2, $3, 'letter', $4, $5, current_date, $6, $7, $8)`,
    [
      id,
      campaign().id,
      campaign().cases.get("gao-zhisheng"),
      o.country,
      o.quantity ?? 10,
      by.id,
      o.late ?? false,
      o.reason ?? null,
    ],
  );
  return id;
}

test("the latest reports: each person sees only the reports they may see, late ones marked", async () => {
  const organizer = await makeUser(t, "organizer", { countries: ["ES"] });
  const other = await makeUser(t, "organizer", { countries: ["FR"] });
  const coordinator = await makeUser(t, "coordinator", { countries: ["ES"] });
  const own = await report(organizer, { country: "ES", quantity: 120, late: true });
  const french = await report(other, { country: "FR", quantity: 33 });
  const correction = await report(coordinator, { country: "ES", quantity: -7, reason: "counted twice" });
  const seen = async (user: UserRow | undefined) => {
    const html = (await (await officeClient(t, user)).get("/office")).body;
    const table = html.slice(html.indexOf('id="reports-title"'));
    return {
      own: table.includes(organizer.email),
      french: table.includes(other.email),
      correction: table.includes("counted twice"),
      late: table.includes('<span class="late">late</span>'),
      html: table,
    };
  };
  assert.ok(own && french && correction);
  const byOrganizer = await seen(organizer);
  assert.deepEqual([byOrganizer.own, byOrganizer.french, byOrganizer.correction], [true, false, false]);
  assert.ok(byOrganizer.late, "a late report is marked");
  assert.ok(byOrganizer.html.includes(">120<"));
  const byCoordinator = await seen(coordinator);
  assert.deepEqual([byCoordinator.own, byCoordinator.french, byCoordinator.correction], [true, false, true]);
  assert.ok(
    byCoordinator.html.includes("−7") || byCoordinator.html.includes("-7"),
    "a correction is negative",
  );
  const byAdmin = await seen(await makeUser(t, "admin"));
  assert.deepEqual([byAdmin.own, byAdmin.french, byAdmin.correction], [true, true, true]);
  const byTranslator = await seen(await makeUser(t, "translator", { languages: ["fr"] }));
  assert.deepEqual([byTranslator.own, byTranslator.french, byTranslator.correction], [false, false, false]);
});

/** The export as the rollups say it should be: per UTC day, without days that sum to zero. */
async function expected(campaignId: number): Promise<string[][]> {
  const result = await t.db.pool.query(
    `SELECT to_char(r.hour AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, r.country, c.slug, r.type,
            sum(r.count)::text AS count
       FROM rollups r JOIN cases c ON c.id = r.case_id WHERE r.campaign_id = $1
      GROUP BY 1, 2, 3, 4 HAVING sum(r.count) <> 0`,
    [campaignId],
  );
  return result.rows.map((r) => [r.day, r.country, r.slug, r.type, r.count]);
}
const sorted = (rows: string[][]) => [...rows].sort((a, b) => a.join(",").localeCompare(b.join(",")));

test("the CSV export holds the rollups' sums by UTC day, country, case and type, corrections included", async () => {
  const c = campaign();
  const gao = c.cases.get("gao-zhisheng");
  const rollup = (type: string, hour: string, count: number) =>
    t.db.pool.query(
      `INSERT INTO rollups (campaign_id, country, case_id, type, hour, count) VALUES ($1, 'AQ', $2, $3, $4, $5)
       ON CONFLICT (campaign_id, country, case_id, type, hour) DO UPDATE SET count = rollups.count + excluded.count`,
      [c.id, gao, type, hour, count],
    );
  await rollup("letter", "2012-11-20T10:00:00Z", 7);
  await rollup("letter", "2012-11-20T23:00:00Z", -2); // a correction, the same UTC day
  await rollup("letter", "2012-11-21T00:00:00Z", 4); // the next UTC day
  await rollup("petition", "2012-11-22T01:00:00Z", 3);
  await rollup("petition", "2012-11-22T05:00:00Z", -3); // corrected away entirely

  const client = await officeClient(t, await makeUser(t, "admin"));
  const response = await client.get("/office/export.csv?campaign=w4r-2012");
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers["content-type"]), /^text\/csv; charset=utf-8/);
  assert.equal(response.headers["content-disposition"], 'attachment; filename="inkwell-w4r-2012-counts.csv"');
  const rows = parse(response.body) as string[][];
  assert.deepEqual(rows[0], ["day", "country", "case", "type", "count"]);
  const body = rows.slice(1);
  assert.ok(body.length > 100, "the demo's counts are there");
  assert.deepEqual(sorted(body), sorted(await expected(c.id)), "exactly the rollups' sums");
  const aq = body.filter((r) => r[1] === "AQ");
  assert.deepEqual(aq, [
    ["2012-11-20", "AQ", "gao-zhisheng", "letter", "5"],
    ["2012-11-21", "AQ", "gao-zhisheng", "letter", "4"],
  ]);
  // The live counter was built from the same rollups (before these rows): the totals agree.
  const total = body.filter((r) => r[1] !== "AQ").reduce((sum, r) => sum + Number(r[4]), 0);
  assert.equal(total, counter().total);

  const current = await client.get("/office/export.csv");
  assert.equal(current.statusCode, 200, "without ?campaign, the current edition");
  assert.equal(current.body, response.body);
  const previous = t.runtime.catalog().campaigns.get("w4r-2011");
  assert.ok(previous);
  const old = parse((await client.get("/office/export.csv?campaign=w4r-2011")).body) as string[][];
  assert.deepEqual(sorted(old.slice(1)), sorted(await expected(previous.id)));
  assert.equal((await client.get("/office/export.csv?campaign=nope")).statusCode, 404);
});

test("only admins and coordinators export: translators and organizers get 403", async () => {
  for (const role of ["translator", "organizer"] as const) {
    const client = await officeClient(t, await makeUser(t, role, { countries: ["FR"], languages: ["fr"] }));
    const response = await client.get("/office/export.csv?campaign=w4r-2012");
    assert.equal(response.statusCode, 403, role);
    assert.ok(!response.body.includes("day,country"), role);
  }
  const coordinator = await officeClient(t, await makeUser(t, "coordinator", { countries: ["FR"] }));
  assert.equal((await coordinator.get("/office/export.csv?campaign=w4r-2012")).statusCode, 200);
  const anonymous = await officeClient(t);
  assert.equal((await anonymous.get("/office/export.csv")).statusCode, 303, "to the login page");
});

test("a download dropped half way closes the cursor and gives the connection back", async () => {
  const previous = t.runtime.catalog().campaigns.get("w4r-2011");
  assert.ok(previous);
  // Enough rows that the export cannot fit in the socket's buffers before the reader leaves.
  await t.db.pool.query(
    `INSERT INTO rollups (campaign_id, country, case_id, type, hour, count)
     SELECT $1, chr(65 + co / 25) || chr(66 + co % 25), $2, 'letter', timestamptz '2030-01-01' + h * interval '1 day', 1
       FROM generate_series(0, 99) AS co, generate_series(0, 999) AS h`,
    [previous.id, previous.cases.get("gao-zhisheng")],
  );
  const admin = await makeUser(t, "admin");
  const client = await officeClient(t, admin);
  const base = await listen(t);
  const cookie = Object.entries(client.cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
  const abort = new AbortController();
  const response = await fetch(`${base}/office/export.csv?campaign=w4r-2011`, {
    headers: { cookie, "accept-encoding": "identity" },
    signal: abort.signal,
  });
  assert.equal(response.status, 200);
  const reader = response.body?.getReader();
  assert.ok(reader);
  const first = await reader.read();
  assert.ok(first.value && first.value.length > 0);
  abort.abort();
  await reader.read().catch(() => {});
  const busy = async () => {
    const active = await t.db.pool.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%FROM rollups%GROUP BY%' AND pid <> pg_backend_pid()",
    );
    return { checkedOut: t.db.pool.totalCount - t.db.pool.idleCount, queries: active.rows[0].n as number };
  };
  let state = await busy();
  for (let i = 0; i < 50 && (state.checkedOut > 0 || state.queries > 0); i++) {
    await new Promise((r) => setTimeout(r, 100));
    state = await busy();
  }
  assert.deepEqual(state, { checkedOut: 0, queries: 0 }, "no connection held, no query left running");
  // And the next export works.
  assert.equal((await client.get("/office/export.csv?campaign=w4r-2011")).statusCode, 200);
});
