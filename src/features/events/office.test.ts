import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeEvent } from "../../../test/support/events.js";
import { makeUser, type OfficeClient, officeClient } from "../../../test/support/office.js";
import { purgeOldRsvps } from "./queries.js";

let node: TestApp;
before(async () => {
  node = await startTestApp();
});
after(async () => node.close());

const form = (overrides: Record<string, string> = {}): Record<string, string> => ({
  title: "Write for Rights at the library",
  description: "Bring a pen.",
  address: "Calle Mayor 1, Madrid",
  country: "ES",
  latitude: "40.4168",
  longitude: "-3.7038",
  starts: "2031-12-06T18:00",
  ends: "2031-12-06T21:00",
  time_zone: "Europe/Madrid",
  capacity: "30",
  public: "1",
  ...overrides,
});

async function create(client: OfficeClient, overrides: Record<string, string> = {}): Promise<string> {
  const response = await client.post("/office/events/new", form(overrides));
  assert.equal(response.statusCode, 303, response.body);
  const match = /^\/office\/events\/([0-9a-f-]{36})\?done=created$/.exec(String(response.headers.location));
  assert.ok(match?.[1], String(response.headers.location));
  return match[1];
}

const eventRow = async (id: string) =>
  (await node.db.pool.query("SELECT * FROM events WHERE id = $1", [id])).rows[0];
const countOf = async (sql: string, values: unknown[] = []) =>
  Number((await node.db.pool.query(sql, values)).rows[0].n);

test("an organizer registers an event: local time and zone become an instant, audited", async () => {
  const organizer = await makeUser(node, "organizer");
  const client = await officeClient(node, organizer);
  const form = await client.get("/office/events/new");
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /<option value="Europe\/Madrid">Europe\/Madrid<\/option>/);
  assert.match(form.body, /<option value="FR">France<\/option>/, "a volunteer of no section: any country");
  const id = await create(client);
  const row = await eventRow(id);
  assert.equal(row.starts_at.toISOString(), "2031-12-06T17:00:00.000Z", "18:00 in Madrid in winter");
  assert.equal(row.ends_at.toISOString(), "2031-12-06T20:00:00.000Z");
  assert.equal(row.time_zone, "Europe/Madrid");
  assert.equal(row.organizer_id, organizer.id);
  assert.equal(row.capacity, 30);
  assert.equal(row.latitude, 40.4168);
  assert.equal(row.campaign_id, node.runtime.catalog().campaigns.get("w4r-2012")?.id, "the edition open now");
  const audit = await node.db.pool.query(
    "SELECT actor, action, after FROM audit_log WHERE entity = 'event' AND entity_id = $1",
    [id],
  );
  assert.equal(audit.rowCount, 1);
  assert.equal(audit.rows[0].action, "create");
  assert.equal(audit.rows[0].actor, organizer.email);
  assert.equal(audit.rows[0].after.title, "Write for Rights at the library");

  const page = await client.get(`/office/events/${id}`);
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.includes("2031-12-06 18:00 (Europe/Madrid)"), "shown back in the event's zone");
  assert.ok(page.body.includes('value="2031-12-06T18:00"'), "the form holds the local time");
  assert.ok(page.body.includes(`href="/office/reports/new?event=${id}"`), "a link to report its letters");
  const list = await client.get("/office/events");
  assert.ok(list.body.includes(`href="/office/events/${id}"`));
});

test("bad input is refused with 422 beside its field, and nothing is written", async () => {
  const organizer = await makeUser(node, "organizer");
  const client = await officeClient(node, organizer);
  const bad: [Record<string, string>, string, RegExp][] = [
    [{ time_zone: "Mars/Olympus" }, "time_zone", /Choose a time zone/],
    [{ ends: "2031-12-06T17:00" }, "ends", /end must be after the start/],
    [{ longitude: "" }, "longitude", /longitude too/],
    [{ latitude: "123" }, "latitude", /between -90 and 90/],
    [{ capacity: "0" }, "capacity", /whole number from 1/],
    [{ country: "ZZ" }, "country", /Choose a country/],
    [{ title: "" }, "title", /Enter a title/],
    [{ starts: "next tuesday" }, "starts", /Enter a date and time/],
  ];
  for (const [change, field, message] of bad) {
    const response = await client.post("/office/events/new", form(change));
    assert.equal(response.statusCode, 422, JSON.stringify(change));
    const beside = new RegExp(`<p class="error" id="f-${field}-error">([^<]*)</p>`).exec(response.body);
    assert.match(beside?.[1] ?? "", message, JSON.stringify(change));
    assert.ok(response.body.includes('aria-invalid="true"'));
    // What was typed stays in the form.
    if (field !== "title")
      assert.ok(response.body.includes('value="Write for Rights at the library"'), "the typed title is kept");
  }
  assert.equal(await countOf("SELECT count(*) AS n FROM events WHERE organizer_id = $1", [organizer.id]), 0);
  assert.equal(
    await countOf("SELECT count(*) AS n FROM audit_log WHERE user_id = $1 AND entity = 'event'", [
      organizer.id,
    ]),
    0,
  );
});

test("a time skipped by daylight saving is refused; a repeated one is read as the first", async () => {
  const client = await officeClient(node, await makeUser(node, "organizer"));
  // Madrid, 30 March 2031: clocks go from 02:00 to 03:00.
  const gap = await client.post(
    "/office/events/new",
    form({ starts: "2031-03-30T02:30", ends: "2031-03-30T05:00" }),
  );
  assert.equal(gap.statusCode, 422);
  assert.match(gap.body, /id="f-starts-error">This time does not exist in that time zone/);
  // Madrid, 26 October 2031: 02:30 happens twice; the first is summer time (UTC+2).
  const id = await create(client, { starts: "2031-10-26T02:30", ends: "2031-10-26T04:00" });
  const row = await eventRow(id);
  assert.equal(row.starts_at.toISOString(), "2031-10-26T00:30:00.000Z");
  assert.equal(row.ends_at.toISOString(), "2031-10-26T03:00:00.000Z", "04:00 winter time");
});

test("organizer A cannot see, edit or cancel organizer B's event: 404", async () => {
  const a = await officeClient(node, await makeUser(node, "organizer"));
  const b = await officeClient(node, await makeUser(node, "organizer"));
  const id = await create(b, { title: "B's event" });
  assert.equal((await a.get(`/office/events/${id}`)).statusCode, 404);
  assert.equal((await a.post(`/office/events/${id}`, form({ title: "Taken over" }))).statusCode, 404);
  assert.equal((await a.post(`/office/events/${id}/cancel`)).statusCode, 404);
  assert.equal((await a.get(`/office/events/${randomUUID()}`)).statusCode, 404, "unknown: the same answer");
  assert.equal((await a.get("/office/events/not-a-uuid")).statusCode, 404);
  const list = await a.get("/office/events");
  assert.equal(list.statusCode, 200);
  assert.ok(!list.body.includes(id), "not in A's list");
  const row = await eventRow(id);
  assert.equal(row.title, "B's event");
  assert.equal(row.cancelled_at, null);
});

test("a coordinator manages the events in their section's country, and only there", async () => {
  const organizer = await officeClient(node, await makeUser(node, "organizer"));
  const inSpain = await create(organizer, { title: "Madrid" });
  const inFrance = await create(organizer, { title: "Paris", country: "FR", time_zone: "Europe/Paris" });
  const coordinator = await makeUser(node, "coordinator", { countries: ["ES"] });
  const client = await officeClient(node, coordinator);

  const list = await client.get("/office/events");
  assert.ok(list.body.includes(inSpain), "sees the Spanish event");
  assert.ok(!list.body.includes(inFrance), "not the French one");
  assert.equal((await client.get(`/office/events/${inFrance}`)).statusCode, 404);

  assert.equal((await client.get(`/office/events/${inSpain}`)).statusCode, 200);
  const saved = await client.post(
    `/office/events/${inSpain}`,
    form({ title: "Madrid, new room", capacity: "" }),
  );
  assert.equal(saved.statusCode, 303);
  const row = await eventRow(inSpain);
  assert.equal(row.title, "Madrid, new room");
  assert.equal(row.capacity, null);
  const audit = await node.db.pool.query(
    "SELECT before, after FROM audit_log WHERE entity = 'event' AND entity_id = $1 AND action = 'update'",
    [inSpain],
  );
  assert.equal(audit.rows[0].before.title, "Madrid");
  assert.equal(audit.rows[0].after.title, "Madrid, new room");

  // Not into another section's country, neither by creating nor by moving.
  const elsewhere = await client.post(
    "/office/events/new",
    form({ country: "FR", time_zone: "Europe/Paris" }),
  );
  assert.equal(elsewhere.statusCode, 422);
  assert.match(elsewhere.body, /only in the countries of your sections/);
  const moved = await client.post(`/office/events/${inSpain}`, form({ country: "FR" }));
  assert.equal(moved.statusCode, 422);
  assert.equal((await eventRow(inSpain)).country, "ES");
  const newForm = await client.get("/office/events/new");
  assert.ok(!newForm.body.includes('<option value="FR">'), "the form offers only its countries");
  assert.ok(newForm.body.includes('<option value="ES" selected'), "its one country is chosen already");
});

test("an organizer of a section holds events in its country only; a translator may not", async () => {
  const organizer = await officeClient(node, await makeUser(node, "organizer", { countries: ["ES"] }));
  const refused = await organizer.post(
    "/office/events/new",
    form({ country: "FR", time_zone: "Europe/Paris" }),
  );
  assert.equal(refused.statusCode, 422);
  await create(organizer);
  const translator = await officeClient(node, await makeUser(node, "translator", { languages: ["es"] }));
  assert.equal((await translator.get("/office/events")).statusCode, 403);
  assert.equal((await translator.post("/office/events/new", form())).statusCode, 403);
  const anonymous = await officeClient(node);
  const login = await anonymous.get("/office/events");
  assert.equal(login.statusCode, 303);
  assert.match(String(login.headers.location), /^\/office\/login/);
  assert.equal((await anonymous.post("/office/events/new", form())).statusCode, 401);
});

test("a forged CSRF token writes nothing", async () => {
  const user = await makeUser(node, "organizer");
  const client = await officeClient(node, user);
  const response = await client.post("/office/events/new", form({ _csrf: "forged" }));
  assert.equal(response.statusCode, 403);
  assert.equal(await countOf("SELECT count(*) AS n FROM events WHERE organizer_id = $1", [user.id]), 0);
});

test("managers see RSVPs and reported letters; capacity cannot drop below the RSVPs", async () => {
  const client = await officeClient(node, await makeUser(node, "organizer"));
  const id = await create(client, { capacity: "5" });
  for (const [name, email] of [
    ["Ana", "ana@example.org"],
    ["Ben", "ben@example.org"],
  ])
    await node.db.pool.query(
      "INSERT INTO event_rsvps (id, event_id, name, email, confirmed_at) VALUES ($1, $2, $3, $4, now())",
      [randomUUID(), id, name, email],
    );
  // Someone who has not confirmed from the email takes no place and is not on the list.
  await node.db.pool.query(
    `INSERT INTO event_rsvps (id, event_id, name, email, token_hash, expires_at)
     VALUES ($1, $2, 'Pending Person', 'pending@example.org', 'x', now() + interval '1 day')`,
    [randomUUID(), id],
  );
  const row = await eventRow(id);
  const caseId = node.runtime.catalog().campaigns.get("w4r-2012")?.cases.get("gao-zhisheng");
  await node.db.pool.query(
    `INSERT INTO reports (id, campaign_id, case_id, type, country, quantity, occurred_on, event_id, reported_by)
     VALUES ($1, $2, $3, 'letter', 'ES', 120, '2031-12-06', $4, $5)`,
    [randomUUID(), row.campaign_id, caseId, id, row.organizer_id],
  );
  const page = await client.get(`/office/events/${id}`);
  assert.ok(page.body.includes("ana@example.org") && page.body.includes("Ben"));
  assert.match(page.body, /RSVPs: 2 of 5/);
  assert.ok(!page.body.includes("pending@example.org"));
  assert.match(page.body, /<dt>Letters reported<\/dt><dd>120<\/dd>/);
  const list = await client.get("/office/events");
  assert.match(list.body, /<td class="number">2 \/ 5<\/td><td class="number">120<\/td>/);

  const lower = await client.post(`/office/events/${id}`, form({ capacity: "1" }));
  assert.equal(lower.statusCode, 422);
  assert.match(lower.body, /2 people have already said they are coming/);
  assert.equal((await eventRow(id)).capacity, 5);
});

test("cancelling an event is audited; a cancelled event can no longer be edited", async () => {
  const client = await officeClient(node, await makeUser(node, "organizer"));
  const id = await create(client);
  const cancelled = await client.post(`/office/events/${id}/cancel`);
  assert.equal(cancelled.statusCode, 303);
  assert.ok((await eventRow(id)).cancelled_at instanceof Date);
  assert.equal(
    await countOf(
      "SELECT count(*) AS n FROM audit_log WHERE entity = 'event' AND entity_id = $1 AND action = 'cancel'",
      [id],
    ),
    1,
  );
  assert.equal((await client.post(`/office/events/${id}/cancel`)).statusCode, 303, "twice is the same");
  assert.equal(
    await countOf(
      "SELECT count(*) AS n FROM audit_log WHERE entity = 'event' AND entity_id = $1 AND action = 'cancel'",
      [id],
    ),
    1,
  );
  assert.equal((await client.post(`/office/events/${id}`, form({ title: "Back on" }))).statusCode, 409);
  const page = await client.get(`/office/events/${id}`);
  assert.match(page.body, /Cancelled/);
  assert.ok(!page.body.includes(`action="/office/events/${id}"`), "no edit form");
});

test("RSVPs are deleted 30 days after their event ends, not before", async () => {
  const organizer = await makeUser(node, "organizer");
  const insert = async (daysAgo: number) => {
    const id = await makeEvent(node, {
      organizerId: organizer.id,
      title: "Old",
      startsAt: new Date(Date.now() - daysAgo * 86_400_000 - 3 * 3_600_000),
      hours: 3,
    });
    await node.db.pool.query(
      "INSERT INTO event_rsvps (id, event_id, name, email, confirmed_at) VALUES ($1, $2, 'Ana', 'ana@example.org', now())",
      [randomUUID(), id],
    );
    return id;
  };
  const old = await insert(31);
  const recent = await insert(29);
  assert.ok((await purgeOldRsvps(node.db.pool)) >= 1);
  assert.equal(await countOf("SELECT count(*) AS n FROM event_rsvps WHERE event_id = $1", [old]), 0);
  assert.equal(await countOf("SELECT count(*) AS n FROM event_rsvps WHERE event_id = $1", [recent]), 1);
});
