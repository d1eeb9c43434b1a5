import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { type EventSpec, makeEvent as makeEventIn } from "../../../test/support/events.js";
import { makeUser } from "../../../test/support/office.js";
import { opened } from "../../../test/support/personal.js";
import { countRsvps, purgeOldRsvps, rsvpsOf } from "./queries.js";
import { confirmLink, pressConfirm } from "./rsvp.fixtures.js";

// RSVPs take a place only once confirmed from the email: pending ones hold none, expire after
// 24 hours, and a client posting made-up addresses fills nothing.

let t: TestApp;
let organizerId: number;
before(async () => {
  t = await startTestApp();
  organizerId = (await makeUser(t, "organizer")).id;
});
after(async () => t.close());

const makeEvent = (spec: Omit<EventSpec, "organizerId"> = {}) => makeEventIn(t, { organizerId, ...spec });
const get = (url: string) => t.app.inject({ method: "GET", url });
const post = (url: string, form: Record<string, string>) =>
  t.app.inject({
    method: "POST",
    url,
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
    payload: new URLSearchParams(form).toString(),
  });
const person = (email: string) => ({ name: "Someone", email, consent: "yes" });
const placesTaken = async (id: string) =>
  Number(
    (
      await t.db.pool.query(
        "SELECT count(*) AS n FROM event_rsvps WHERE event_id = $1 AND confirmed_at IS NOT NULL",
        [id],
      )
    ).rows[0].n,
  );

test("the link opens a private page with a button; only the button takes the place, once", async () => {
  const id = await makeEvent({ capacity: 3, title: "Cartas en Sevilla" });
  assert.equal((await post(`/es/events/${id}`, person("lola@example.org"))).statusCode, 303);
  const mail = (
    await opened(t.db, "SELECT subject_sealed, body_sealed FROM outbox WHERE recipient_key = $1", [
      t.db.privacy.emailKey("lola@example.org"),
    ])
  ).map((row) => ({ subject: String(row.subject), body: String(row.body) }));
  assert.equal(mail.length, 1, "one mail through the outbox");
  assert.equal(mail[0]?.subject, "Confirma tu plaza: Cartas en Sevilla", "in the language of the form");
  assert.match(mail[0]?.body ?? "", /en 24 horas como máximo/);
  const stored = await t.db.pool.query("SELECT token_hash FROM event_rsvps WHERE event_id = $1", [id]);
  const link = await confirmLink(t, "lola@example.org");
  assert.equal(link.path, `/es/events/${id}/confirm`);
  assert.ok(
    stored.rows[0].token_hash === createHash("sha256").update(link.token).digest("hex"),
    "only the token's sha-256 is stored",
  );

  // Opening the link (as a mail scanner would) takes nothing.
  const page = await get(`${link.path}?token=${link.token}`);
  assert.equal(page.statusCode, 200);
  assert.equal(page.headers["cache-control"], "private, no-store");
  assert.equal(page.headers["referrer-policy"], "no-referrer");
  assert.match(page.body, /<button type="submit">Confirmar mi plaza<\/button>/);
  assert.equal(await placesTaken(id), 0);

  const pressed = await pressConfirm(t, link);
  assert.equal(pressed.statusCode, 303);
  assert.equal(pressed.headers.location, `/es/events/${id}?done=confirmed#rsvp`);
  assert.equal(await placesTaken(id), 1);
  assert.match((await get(`/es/events/${id}`)).body, /Quedan 2 plazas/);
  // Again: on the list already, nothing more taken.
  assert.equal((await pressConfirm(t, link)).statusCode, 303);
  assert.equal((await get(`${link.path}?token=${link.token}`)).statusCode, 303);
  assert.equal(await placesTaken(id), 1);

  // A made-up token, or this token on another event, confirms nothing.
  const other = await makeEvent({ capacity: 3 });
  assert.equal((await pressConfirm(t, link, "made-up-token")).statusCode, 404);
  assert.equal(
    (await pressConfirm(t, { path: `/es/events/${other}/confirm`, token: link.token })).statusCode,
    404,
  );
  assert.match((await get(`${link.path}?token=nope`)).body, /Este enlace no es válido/);
  assert.equal(
    (await pressConfirm(t, { path: `/es/events/${randomUUID()}/confirm`, token: "x" })).statusCode,
    404,
  );
  assert.equal(await placesTaken(other), 0);
});

test("a pending RSVP expires after 24 hours without ever taking a place, and is deleted", async () => {
  const id = await makeEvent({ capacity: 1 });
  assert.equal((await post(`/en/events/${id}`, person("slow@example.org"))).statusCode, 303);
  const link = await confirmLink(t, "slow@example.org");
  const expires = await t.db.pool.query<{ hours: number }>(
    "SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM event_rsvps WHERE event_id = $1",
    [id],
  );
  assert.equal(Math.round(Number(expires.rows[0]?.hours)), 24);
  // A day later:
  await t.db.pool.query(
    "UPDATE event_rsvps SET created_at = created_at - interval '25 hours', expires_at = expires_at - interval '25 hours' WHERE event_id = $1",
    [id],
  );
  const page = await get(`${link.path}?token=${link.token}`);
  assert.equal(page.statusCode, 410);
  assert.match(page.body, /This link has expired: links are valid for 24 hours/);
  assert.ok(!page.body.includes("<button"), "nothing to press");
  const pressed = await pressConfirm(t, link);
  assert.equal(pressed.statusCode, 410);
  assert.equal(await placesTaken(id), 0);
  assert.match((await get(`/en/events/${id}`)).body, /1 place left/);

  assert.ok((await purgeOldRsvps(t.db.pool)) >= 1);
  assert.equal(
    Number(
      (await t.db.pool.query("SELECT count(*) AS n FROM event_rsvps WHERE event_id = $1", [id])).rows[0].n,
    ),
    0,
    "the expired RSVP's name and email are gone",
  );
  // Registering again sends a fresh link that works.
  assert.equal((await post(`/en/events/${id}`, person("slow@example.org"))).statusCode, 303);
  assert.equal((await pressConfirm(t, await confirmLink(t, "slow@example.org"))).statusCode, 303);
  assert.equal(await placesTaken(id), 1);
});

test("one client posting 60 RSVPs with made-up emails to a 10-place event fills nothing", async () => {
  const id = await makeEvent({ capacity: 10 });
  const answers = await Promise.all(
    Array.from({ length: 60 }, (_, n) =>
      post(`/en/events/${id}`, person(`fake-${n}-${randomUUID()}@example.invalid`)),
    ),
  );
  for (const answer of answers) assert.equal(answer.statusCode, 303);
  assert.equal(await placesTaken(id), 0);
  const page = await get(`/en/events/${id}`);
  assert.match(page.body, /10 places left/);
  assert.ok(page.body.includes('id="rsvp-form"'), "the event is still open to real people");
  const office = await t.db.pool.query(
    "SELECT count(*) AS n FROM event_rsvps WHERE event_id = $1 AND confirmed_at IS NULL",
    [id],
  );
  assert.equal(Number(office.rows[0].n), 60, "they wait, pending, to expire");
  // Someone who reads their mail still gets a place.
  assert.equal((await post(`/en/events/${id}`, person("real@example.org"))).statusCode, 303);
  assert.equal((await pressConfirm(t, await confirmLink(t, "real@example.org"))).statusCode, 303);
  assert.match((await get(`/en/events/${id}`)).body, /9 places left/);
});

test("the office lists only the people who confirmed", async () => {
  const id = await makeEvent({ capacity: 5 });
  await post(`/en/events/${id}`, person("confirmed@example.org"));
  await post(`/en/events/${id}`, person("pending@example.org"));
  await pressConfirm(t, await confirmLink(t, "confirmed@example.org"));
  assert.deepEqual(
    (await rsvpsOf(t.db.pool, t.db.privacy, id)).map((r) => r.email),
    ["confirmed@example.org"],
  );
  assert.equal(await countRsvps(t.db.pool, id), 1);
});
