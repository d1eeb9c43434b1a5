import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { action, postAction, startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, type OfficeClient, officeClient } from "../../../test/support/office.js";
import { loadCampaignText } from "./index.js";

// Editions made in the back office: created and edited by admins only, seen at once by every
// node's catalog, counters and public pages, with cases carried over, compared with the
// previous edition, refused whole when anything is wrong, and translated.

let a: TestApp;
let b: TestApp;
let admin: OfficeClient;

before(async () => {
  a = await startTestApp();
  // A second node on the same database: what one node writes, the other must know unrestarted.
  b = await startTestApp({}, a.db.url);
  admin = await officeClient(a, await makeUser(a, "admin"));
});
after(async () => {
  await b.close();
  await a.close();
});

const DAY = 86_400_000;
/** A datetime-local value in UTC. */
const local = (date: Date) => date.toISOString().slice(0, 16);

const edition = (overrides: Record<string, string | string[]> = {}) => ({
  slug: "w4r-2030",
  title: "Write for Rights 2030",
  intro: "Write a letter, change a life.",
  event_kit: "Book a room. Bring paper and pens.",
  starts_at: "2030-11-25T09:00",
  ends_at: "2030-12-20T18:00",
  time_zone: "Europe/Madrid",
  goal: "2000000",
  previous: "w4r-2012",
  default_language: "en",
  late_report_days: "60",
  ...overrides,
});

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  // Generous: a NOTIFY and a catalog reload on a loaded machine.
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await sleep(50);
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Everything an edition write touches, to prove that a refused one touched nothing. */
async function snapshot() {
  const { pool } = a.db;
  const [campaigns, cases, texts, audits] = await Promise.all([
    pool.query(
      "SELECT slug, title, starts_at, ends_at, previous_id, goal, late_report_days FROM campaigns ORDER BY id",
    ),
    pool.query("SELECT campaign_id, case_id, position FROM campaign_cases ORDER BY 1, 2"),
    pool.query("SELECT campaign_id, language, field, text, revision FROM campaign_texts ORDER BY 1, 2, 3"),
    pool.query("SELECT count(*)::int AS n FROM audit_log WHERE entity = 'campaign'"),
  ]);
  return { campaigns: campaigns.rows, cases: cases.rows, texts: texts.rows, audits: audits.rows[0].n };
}

const caseIdOf = (slug: string) => {
  const id = a.runtime.catalog().campaigns.get("w4r-2012")?.cases.get(slug);
  assert.ok(id, slug);
  return String(id);
};

test("only admins open and post the editions; others get the office's 403", async () => {
  for (const role of ["coordinator", "translator", "organizer"] as const) {
    const client = await officeClient(
      a,
      await makeUser(a, role, role === "translator" ? { languages: ["es"] } : {}),
    );
    assert.equal((await client.get("/office/campaigns")).statusCode, 403, role);
    assert.equal((await client.get("/office/campaigns/new")).statusCode, 403, role);
    const before = await snapshot();
    const refused = await client.post("/office/campaigns/new", edition({ slug: `not-${role}` }));
    assert.equal(refused.statusCode, 403, role);
    assert.match(refused.body, /does not allow this: administering the back office/);
    assert.deepEqual(await snapshot(), before, "nothing written");
  }
  const anonymous = await officeClient(a);
  assert.equal((await anonymous.get("/office/campaigns")).statusCode, 303);
});

test("an admin creates an edition; both nodes' catalogs, counters and public pages know it at once", async () => {
  const form = await admin.get("/office/campaigns/new");
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /<option value="Europe\/Madrid"/, "time zones to choose from");

  const created = await admin.post("/office/campaigns/new", edition());
  assert.equal(created.statusCode, 303, created.body);
  assert.equal(created.headers.location, "/office/campaigns/w4r-2030?done=created");

  const row = await a.db.pool.query(
    "SELECT id, starts_at, ends_at, time_zone, goal, late_report_days, default_language FROM campaigns WHERE slug = 'w4r-2030'",
  );
  const stored = row.rows[0];
  // 09:00 in Madrid in November is 08:00 UTC (CET); 18:00 is 17:00 UTC.
  assert.equal(stored.starts_at.toISOString(), "2030-11-25T08:00:00.000Z");
  assert.equal(stored.ends_at.toISOString(), "2030-12-20T17:00:00.000Z");
  assert.equal(stored.time_zone, "Europe/Madrid");
  assert.equal(Number(stored.goal), 2_000_000);
  assert.equal(stored.late_report_days, 60);

  const audit = await a.db.pool.query(
    "SELECT action, after FROM audit_log WHERE entity = 'campaign' AND entity_id = $1",
    [String(stored.id)],
  );
  assert.equal(audit.rows.length, 1);
  assert.equal(audit.rows[0].action, "create");
  assert.equal(audit.rows[0].after.previous, "w4r-2012");
  assert.equal(audit.rows[0].after.intro, "Write a letter, change a life.");

  // This node reloaded before answering; the other one through NOTIFY, without a restart.
  assert.ok(a.runtime.catalog().campaigns.has("w4r-2030"));
  await until(() => b.runtime.catalog().campaigns.has("w4r-2030"), "the second node's catalog");
  for (const node of [a, b]) {
    const page = await node.app.inject({ url: "/en/c/w4r-2030" });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>Write for Rights 2030<\/h1>/);
    assert.match(page.body, /Write a letter, change a life\./);
    const list = JSON.parse((await node.app.inject({ url: "/api/v1/campaigns" })).body);
    const listed = list.campaigns.find((c: { slug: string }) => c.slug === "w4r-2030");
    assert.equal(listed?.status, "upcoming");
    assert.equal(listed?.previous, "w4r-2012");
    const counter = await node.app.inject({ url: "/api/v1/campaigns/w4r-2030/counter" });
    assert.equal(counter.statusCode, 200);
    const view = JSON.parse(counter.body);
    assert.equal(view.total, 0);
    assert.equal(
      view.previousTotal,
      a.runtime.counters.get(a.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0)?.total,
    );
  }
  const kit = await loadCampaignText(a.db.pool, stored.id, "es-MX", "event_kit");
  assert.deepEqual(kit, { text: "Book a room. Bring paper and pens.", language: "en", isFallback: true });
});

test("a new open edition counts actions on every node", async () => {
  const now = Date.now();
  const created = await admin.post(
    "/office/campaigns/new",
    edition({
      slug: "pilot-open",
      title: "Pilot",
      starts_at: local(new Date(now - 3_600_000)),
      ends_at: local(new Date(now + 10 * DAY)),
      time_zone: "UTC",
      previous: "",
      cases: [caseIdOf("gao-zhisheng")],
    }),
  );
  assert.equal(created.statusCode, 303, created.body);
  await until(() => b.runtime.catalog().campaigns.has("pilot-open"), "the second node's catalog");
  assert.equal(a.runtime.catalog().campaigns.get("w4r-2012")?.slug, "w4r-2012");
  const posted = await postAction(a, action({ campaign: "pilot-open" }));
  assert.equal(posted.statusCode, 201, posted.body);
  await until(async () => {
    const view = JSON.parse((await b.app.inject({ url: "/api/v1/campaigns/pilot-open/counter" })).body);
    return view.total === 1;
  }, "the second node's counter of the new edition");
  // An edition that counted actions can still be moved (here years ahead).
  const moved = await admin.post(
    "/office/campaigns/pilot-open",
    edition({
      title: "Pilot",
      starts_at: "2040-01-01T00:00",
      ends_at: "2040-02-01T00:00",
      time_zone: "UTC",
      previous: "",
      cases: [caseIdOf("gao-zhisheng")],
    }),
  );
  assert.equal(moved.statusCode, 303, moved.body);
});

test("an edition carries two cases over from the previous one, with their translations", async () => {
  const two = [caseIdOf("rosa-franco"), caseIdOf("gao-zhisheng")];
  const pilot = await admin.post(
    "/office/campaigns/new",
    edition({
      slug: "pilot-2029",
      title: "Pilot 2029",
      starts_at: "2029-11-25T09:00",
      ends_at: "2029-12-20T18:00",
      previous: "",
      cases: two,
    }),
  );
  assert.equal(pilot.statusCode, 303, pilot.body);
  const next = await admin.post(
    "/office/campaigns/new",
    edition({
      slug: "w4r-2031",
      title: "Write for Rights 2031",
      starts_at: "2031-11-25T09:00",
      ends_at: "2031-12-20T18:00",
      previous: "pilot-2029",
      carry_over: "1",
    }),
  );
  assert.equal(next.statusCode, 303, next.body);
  await until(() => b.runtime.catalog().campaigns.has("w4r-2031"), "the second node's catalog");
  const detail = JSON.parse((await b.app.inject({ url: "/api/v1/campaigns/w4r-2031" })).body);
  assert.deepEqual(
    detail.cases.map((c: { slug: string }) => c.slug),
    ["rosa-franco", "gao-zhisheng"],
    "the previous edition's cases, in its order",
  );
  const gao = detail.cases.find((c: { slug: string }) => c.slug === "gao-zhisheng");
  assert.ok(Object.keys(gao.texts).includes("es"), "with the Spanish translation");
  assert.match(gao.texts.es.summary, /^Abogado de derechos humanos/);
  const rosa = detail.cases.find((c: { slug: string }) => c.slug === "rosa-franco");
  assert.ok(Object.keys(rosa.texts).length >= 2, "more than the source language");
  // Linked, not copied: one case, featured in both editions.
  const links = await a.db.pool.query("SELECT count(*)::int AS n FROM campaign_cases WHERE case_id = $1", [
    Number(caseIdOf("gao-zhisheng")),
  ]);
  assert.ok(links.rows[0].n >= 3, "w4r-2011 or w4r-2012, the pilot and 2031");
});

test("the editions side by side, compared with the previous one", async () => {
  const page = await admin.get("/office/campaigns");
  assert.equal(page.statusCode, 200);
  const catalog = a.runtime.catalog();
  const current = catalog.campaigns.get("w4r-2012");
  const previous = catalog.campaigns.get("w4r-2011");
  assert.ok(current && previous);
  const fmt = (n: number) => n.toLocaleString("en");
  const total2012 = a.runtime.counters.get(current.id)?.total ?? 0;
  assert.ok(total2012 > 0, "the demo counted something");
  // An upcoming edition shows the total it has to beat: its previous edition's.
  const row2030 =
    /<tr><th scope="row"><a href="\/office\/campaigns\/w4r-2030">[\s\S]*?<\/tr>/.exec(page.body)?.[0] ?? "";
  assert.match(row2030, /upcoming/);
  assert.ok(row2030.includes(`w4r-2012: ${fmt(total2012)} to beat`), row2030);
  // The open one: the previous edition at the same point of its run, fewer than its final total.
  const row2012 =
    /<tr><th scope="row"><a href="\/office\/campaigns\/w4r-2012">[\s\S]*?<\/tr>/.exec(page.body)?.[0] ?? "";
  const same = /w4r-2011: ([\d,]+) at the same point/.exec(row2012)?.[1];
  assert.ok(same, row2012);
  const final2011 = a.runtime.counters.get(previous.id)?.total ?? 0;
  const atSamePoint = Number(same.replaceAll(",", ""));
  assert.ok(atSamePoint > 0 && atSamePoint < final2011, `${atSamePoint} of ${final2011}`);
  assert.ok(row2012.includes(`>${fmt(total2012)}<`), "its own total");
});

test("invalid editions get a 422 naming the problem, and nothing is written", async () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ["bad slug", { slug: "W4R 2032!" }, /A slug is 1 to 63 lower-case letters/],
    ["duplicate slug", { slug: "w4r-2012" }, /There is already a campaign “w4r-2012”/],
    ["ends before it starts", { slug: "w4r-2032", ends_at: "2030-11-01T09:00" }, /must end after it starts/],
    [
      "unknown time zone",
      { slug: "w4r-2032", time_zone: "Mars/Olympus_Mons" },
      /Choose a time zone from the list/,
    ],
    [
      "a time the clocks skip",
      { slug: "w4r-2032", starts_at: "2030-03-31T02:30" },
      /does not exist in Europe\/Madrid/,
    ],
    [
      "unknown previous",
      { slug: "w4r-2032", previous: "w4r-1999" },
      /Choose the previous campaign from the list/,
    ],
    ["bad language", { slug: "w4r-2032", default_language: "not a tag" }, /default language as a BCP 47 tag/],
    ["late reports", { slug: "w4r-2032", late_report_days: "99999" }, /from 0 to 3650/],
  ];
  for (const [what, overrides, message] of cases) {
    const before = await snapshot();
    const response = await admin.post("/office/campaigns/new", edition(overrides));
    assert.equal(response.statusCode, 422, what);
    assert.match(response.body, message, what);
    assert.deepEqual(await snapshot(), before, `${what}: nothing written`);
  }
  const before = await snapshot();
  const itself = await admin.post("/office/campaigns/w4r-2030", edition({ previous: "w4r-2030" }));
  assert.equal(itself.statusCode, 422);
  assert.match(itself.body, /cannot be compared with itself/);
  // w4r-2031 follows pilot-2029; making the pilot follow 2031 would close a circle.
  const pilot = await admin.get("/office/campaigns/pilot-2029");
  assert.equal(pilot.statusCode, 200);
  const circle = await admin.post(
    "/office/campaigns/pilot-2029",
    edition({
      title: "Pilot 2029",
      starts_at: "2029-11-25T09:00",
      ends_at: "2029-12-20T18:00",
      previous: "w4r-2031",
    }),
  );
  assert.equal(circle.statusCode, 422);
  assert.match(circle.body, /would be a circle/);
  assert.deepEqual(await snapshot(), before, "nothing written");
});

test("an admin edits an edition: audited, reloaded, and saving it unchanged records nothing", async () => {
  const changed = await admin.post(
    "/office/campaigns/w4r-2030",
    edition({ goal: "2500000", title: "Write for Rights 2030!" }),
  );
  assert.equal(changed.statusCode, 303, changed.body);
  await until(() => b.runtime.catalog().campaigns.get("w4r-2030")?.goal === 2_500_000, "the second node");
  const audits = () =>
    a.db.pool.query(
      "SELECT before, after FROM audit_log WHERE entity = 'campaign' AND action = 'update' ORDER BY id",
    );
  const rows = (await audits()).rows;
  assert.equal(rows.at(-1)?.before.goal, 2_000_000);
  assert.equal(rows.at(-1)?.after.goal, 2_500_000);
  const again = await admin.post(
    "/office/campaigns/w4r-2030",
    edition({ goal: "2500000", title: "Write for Rights 2030!" }),
  );
  assert.equal(again.statusCode, 303);
  assert.equal((await audits()).rows.length, rows.length, "no record of an unchanged save");
});
