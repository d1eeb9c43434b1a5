import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { type EventSpec, makeEvent as makeEventIn } from "../../../test/support/events.js";
import { makeUser } from "../../../test/support/office.js";
import { emailKey, opened } from "../../../test/support/personal.js";
import { confirmLink, pressConfirm } from "./rsvp.fixtures.js";

let t: TestApp;
let organizerId: number;
before(async () => {
  t = await startTestApp();
  organizerId = (await makeUser(t, "organizer")).id;
});
after(async () => t.close());

const DAY = 86_400_000;

/** An event of the test organizer: public, in Madrid, in ten days (see test/support/events.ts). */
const makeEvent = (spec: Omit<EventSpec, "organizerId"> = {}) => makeEventIn(t, { organizerId, ...spec });

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: "GET", url, headers });

/**
 * A visitor: opens the event page, then posts its form as a browser does from that page
 * (Sec-Fetch-Site: same-origin), or from elsewhere when `headers` say so.
 */
async function visitor(url: string) {
  const page = await get(url);
  assert.equal(page.statusCode, 200, url);
  assert.ok(page.body.includes('id="rsvp-form"'), "the page has a form");
  return (
    form: Record<string, string>,
    headers: Record<string, string> = { "sec-fetch-site": "same-origin" },
  ) =>
    t.app.inject({
      method: "POST",
      url,
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      payload: new URLSearchParams(form).toString(),
    });
}

const rsvp = (n: number | string) => ({
  name: `Person ${n}`,
  email: `person-${n}@example.org`,
  consent: "yes",
});
const rsvpCount = async (id: string) =>
  Number(
    (await t.db.pool.query("SELECT count(*) AS n FROM event_rsvps WHERE event_id = $1", [id])).rows[0].n,
  );
/** Places taken: confirmed RSVPs. */
const placesTaken = async (id: string) =>
  Number(
    (
      await t.db.pool.query(
        "SELECT count(*) AS n FROM event_rsvps WHERE event_id = $1 AND confirmed_at IS NOT NULL",
        [id],
      )
    ).rows[0].n,
  );
/** Follows the confirmation link mailed to `email` last, and presses its button. */
const confirmFor = (email: string) => confirmLink(t, email).then((link) => pressConfirm(t, link));

test("the list shows upcoming public events of the edition only, on a map and in a list", async () => {
  const shown = await makeEvent({ title: "Shown in Madrid" });
  const noMap = await makeEvent({ title: "Shown without coordinates", latitude: null, longitude: null });
  const hidden = [
    await makeEvent({ title: "Private one", public: false }),
    await makeEvent({ title: "Cancelled one", cancelled: true }),
    await makeEvent({ title: "Over already", startsAt: new Date(Date.now() - 2 * DAY) }),
    await makeEvent({ title: "Of last year", campaign: "w4r-2011" }),
  ];
  const response = await get("/en/events");
  assert.equal(response.statusCode, 200);
  const html = response.body;
  assert.match(html, /^<!doctype html><html lang="en" dir="ltr">/);
  assert.ok(html.includes("<h1>Letter-writing events</h1>"));
  assert.ok(html.includes(`<a href="/en/events/${shown}">Shown in Madrid</a>`));
  assert.ok(html.includes(`<a href="/en/events/${noMap}">Shown without coordinates</a>`));
  for (const id of hidden) assert.ok(!html.includes(id), `${id} is not listed`);
  for (const title of ["Private one", "Cancelled one", "Over already", "Of last year"])
    assert.ok(!html.includes(title), title);
  // One dot, a link named after its event; the event without coordinates is in the list only.
  const dots = [...html.matchAll(/<a href="([^"]+)" aria-label="([^"]+)"><title>/g)];
  assert.ok(
    dots.some(([, href, label]) => href === `/en/events/${shown}` && label?.startsWith("Shown in Madrid: ")),
  );
  assert.ok(!dots.some(([href]) => href === `/en/events/${noMap}`));
  assert.match(html, /<svg[^>]* aria-label="Map of events"/);
  assert.ok(html.includes("Spain"), "the country, named");
  // Without a language prefix, the reader's language.
  const negotiated = await get("/events", { "accept-language": "fr-FR,fr;q=0.9" });
  assert.match(negotiated.body, /<html lang="fr" dir="ltr">/);
});

test("times are shown in the event's time zone, in the reader's language", async () => {
  const startsAt = new Date(Date.now() + 20 * DAY);
  const id = await makeEvent({
    title: "In Mexico City",
    country: "MX",
    timeZone: "America/Mexico_City",
    startsAt,
  });
  const when = (locale: string) =>
    new Intl.DateTimeFormat(locale, {
      dateStyle: "full",
      timeStyle: "short",
      timeZone: "America/Mexico_City",
    })
      .formatRange(startsAt, new Date(startsAt.getTime() + 3 * 3_600_000))
      .replaceAll("&", "&amp;");
  const en = (await get(`/en/events/${id}`)).body;
  assert.ok(en.includes(`<time datetime="${startsAt.toISOString()}">${when("en")}</time>`));
  assert.match(en, /local time: [^<]+ \(America\/Mexico_City\)/);
  assert.ok(en.includes("Mexico</dd>"));
  const es = (await get(`/es/events/${id}`)).body;
  assert.ok(es.includes(when("es")));
  assert.match(es, /hora local: [^<]+ \(America\/Mexico_City\)/);
  assert.ok(es.includes("México</dd>"), "the country in Spanish");
});

test("the list can be filtered by country", async () => {
  const inFrance = await makeEvent({ title: "Paris letters", country: "FR", timeZone: "Europe/Paris" });
  const inSpain = await makeEvent({ title: "Madrid letters" });
  const french = (await get("/en/events?country=fr")).body;
  assert.ok(french.includes(inFrance));
  assert.ok(!french.includes(inSpain));
  assert.ok(french.includes("Events in France"));
  assert.match(french, /<option value="FR" selected[^>]*>France<\/option>/);
  const unknown = await get("/en/events?country=ZZZ");
  assert.equal(unknown.statusCode, 200, "an unknown country is no filter");
  assert.ok(unknown.body.includes(inFrance) && unknown.body.includes(inSpain));
});

test("private, cancelled and unknown events are not found; past ones have no form", async () => {
  for (const id of [
    await makeEvent({ public: false }),
    await makeEvent({ cancelled: true }),
    randomUUID(),
    "not-an-id",
  ]) {
    assert.equal((await get(`/en/events/${id}`)).statusCode, 404, id);
  }
  assert.equal((await get(`/xx/events/${await makeEvent()}`)).statusCode, 404, "an unknown language");
  const past = await makeEvent({ startsAt: new Date(Date.now() - 3 * DAY) });
  const page = await get(`/en/events/${past}`);
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.includes("This event has already taken place."));
  assert.ok(!page.body.includes('id="rsvp-form"'));
});

test("an RSVP is stored pending, answered 'check your email', and takes its place from the email's link", async () => {
  const id = await makeEvent({ capacity: 10 });
  const page = await get(`/en/events/${id}`);
  assert.equal(
    page.headers["cache-control"],
    "public, max-age=1, stale-while-revalidate=5",
    "the page holds nothing per visitor: caches may share it",
  );
  assert.equal(page.headers["set-cookie"], undefined);
  assert.ok(!page.body.includes('name="_csrf"'), "no token in the form");
  assert.ok(page.body.includes("10 places left"));
  assert.ok(
    page.body.includes('<input id="rsvp-consent" name="consent" type="checkbox" value="yes" required'),
  );
  assert.ok(!/id="rsvp-consent"[^>]*checked/.test(page.body), "consent is not ticked for them");
  assert.ok(page.body.includes("deleted 30 days after the event"), "the privacy notice says how long");
  const post = await visitor(`/en/events/${id}`);
  const response = await post({ name: "Ana", email: "Ana@Example.org", consent: "yes" });
  assert.equal(response.statusCode, 303);
  assert.equal(response.headers.location, `/en/events/${id}?done=rsvp#rsvp`);
  const [row] = await opened(
    t.db,
    "SELECT name_sealed, email_sealed, name AS clear, confirmed_at FROM event_rsvps WHERE event_id = $1",
    [id],
  );
  assert.deepEqual(
    { name: row?.name, email: row?.email, clear: row?.clear, confirmed_at: row?.confirmed_at },
    { name: "Ana", email: "ana@example.org", clear: null, confirmed_at: null },
  );
  const [consent] = await opened(
    t.db,
    "SELECT email_sealed, purpose, source FROM consents WHERE email_key = $1",
    [emailKey(t.db, "ana@example.org")],
  );
  assert.deepEqual(
    { ...consent },
    { email_sealed: consent?.email_sealed, email: "ana@example.org", purpose: `rsvp:${id}`, source: "form" },
  );
  const sent = await get(`/en/events/${id}?done=rsvp`);
  assert.match(sent.body, /<p class="done" role="status">Almost there! We have sent you an email/);
  assert.ok(!sent.body.includes('id="rsvp-form"'));
  assert.ok((await get(`/en/events/${id}`)).body.includes("10 places left"), "pending holds no place");

  const confirmed = await confirmFor("ana@example.org");
  assert.equal(confirmed.statusCode, 303);
  assert.equal(confirmed.headers.location, `/en/events/${id}?done=confirmed#rsvp`);
  assert.equal(await placesTaken(id), 1);
  const thanks = await get(`/en/events/${id}?done=confirmed`);
  assert.match(thanks.body, /<p class="done" role="status">Thank you! You are on the list/);
  assert.ok((await get(`/en/events/${id}`)).body.includes("9 places left"), "a confirmed RSVP takes a place");
});

test("capacity 2: once two have confirmed, the third person gets the 'full' page, and nothing is stored for them", async () => {
  const id = await makeEvent({ capacity: 2 });
  const post = await visitor(`/en/events/${id}`);
  assert.equal((await post(rsvp("a1"))).statusCode, 303);
  assert.equal((await post(rsvp("a2"))).statusCode, 303);
  assert.equal((await confirmFor(rsvp("a1").email)).statusCode, 303);
  assert.equal((await confirmFor(rsvp("a2").email)).statusCode, 303);
  const third = await post(rsvp("a3"));
  assert.equal(third.statusCode, 409);
  assert.match(third.body, /This event is full\. Thank you for your interest!/);
  assert.ok(!third.body.includes('id="rsvp-form"'));
  assert.equal(await rsvpCount(id), 2);
  const later = await get(`/en/events/${id}`);
  assert.ok(later.body.includes("This event is full."), "the page says so before anyone types");
  const list = (await get("/en/events")).body;
  assert.match(list, new RegExp(`${id}">[^<]+</a></h3>.*?<strong>Full</strong>`, "s"));
});

test("confirmations racing for the last places: the capacity holds", async () => {
  const id = await makeEvent({ capacity: 2 });
  const post = await visitor(`/en/events/${id}`);
  const people = [1, 2, 3, 4, 5, 6].map((n) => rsvp(`race-${n}`));
  for (const answer of await Promise.all(people.map((p) => post(p)))) assert.equal(answer.statusCode, 303);
  assert.equal(await placesTaken(id), 0, "six pending RSVPs take no place");
  const links = await Promise.all(people.map((p) => confirmLink(t, p.email)));
  const answers = await Promise.all(links.map((link) => pressConfirm(t, link)));
  const statuses = answers.map((a) => a.statusCode).sort();
  assert.deepEqual(statuses, [303, 303, 409, 409, 409, 409]);
  assert.equal(await placesTaken(id), 2);
  assert.match(answers.find((a) => a.statusCode === 409)?.body ?? "", /This event is full/);
});

test("the same email twice is counted once, and answered as a success", async () => {
  const id = await makeEvent({ capacity: 1 });
  const post = await visitor(`/en/events/${id}`);
  assert.equal((await post({ name: "Ben", email: "ben@example.org", consent: "yes" })).statusCode, 303);
  assert.equal((await confirmFor("ben@example.org")).statusCode, 303);
  const again = await post({ name: "Benjamin", email: " BEN@example.org ", consent: "yes" });
  assert.equal(again.statusCode, 303, "already on the list: success, even though the event is now full");
  assert.equal(await rsvpCount(id), 1);
  const [row] = await opened(t.db, "SELECT name_sealed FROM event_rsvps WHERE event_id = $1", [id]);
  assert.equal(row?.name, "Ben", "the first answer is kept");
});

test("bad input is answered 422 with messages beside the fields, in the reader's language", async () => {
  const id = await makeEvent();
  const post = await visitor(`/es/events/${id}`);
  const response = await post({ name: "", email: "not an address" });
  assert.equal(response.statusCode, 422);
  const html = response.body;
  assert.match(html, /<html lang="es" dir="ltr">/);
  assert.match(html, /<p class="form-error" role="alert">[^<]+<\/p>/);
  assert.ok(html.includes('<p class="field-error" id="rsvp-name-error">Completa este campo.</p>'));
  assert.match(html, /id="rsvp-email-error">Escribe una dirección de correo electrónico válida/);
  assert.match(html, /id="rsvp-consent-error">Marca esta casilla/);
  assert.match(
    html,
    /id="rsvp-email"[^>]*value="not an address"[^>]*aria-invalid="true" aria-describedby="rsvp-email-error"/,
  );
  assert.equal(await rsvpCount(id), 0);
  const noConsent = await post({ name: "Ana", email: "ana@example.org" });
  assert.equal(noConsent.statusCode, 422, "consent is required, never assumed");
  assert.equal(await rsvpCount(id), 0);
});

test("an RSVP from another site is refused with 403 and stores nothing; one without any origin passes", async () => {
  const id = await makeEvent();
  const post = await visitor(`/en/events/${id}`);
  const crossSite = await post(rsvp("cross-site"), {
    "sec-fetch-site": "cross-site",
    origin: "https://evil.example",
  });
  assert.equal(crossSite.statusCode, 403);
  assert.match(crossSite.body, /This form was sent from another website/);
  assert.ok(crossSite.body.includes(`href="/en/events/${id}"`), "the way back is the event");
  const oldBrowser = await post(rsvp("old-browser"), { origin: "https://evil.example" });
  assert.equal(oldBrowser.statusCode, 403, "an Origin of another site, without Fetch Metadata");
  assert.equal(await rsvpCount(id), 0);
  // Not a browser (no Sec-Fetch-Site, no Origin): as Go's CrossOriginProtection, let through.
  assert.equal((await post(rsvp("curl"), {})).statusCode, 303);
  assert.equal(await rsvpCount(id), 1);
});

test("an RSVP sent twice registers once", async () => {
  const id = await makeEvent({ capacity: 5 });
  const post = await visitor(`/en/events/${id}`);
  const [first, second] = await Promise.all([post(rsvp("twice")), post(rsvp("twice"))]);
  assert.equal(first.statusCode, 303);
  assert.equal(second.statusCode, 303);
  assert.equal(await rsvpCount(id), 1);
});

test("posting to a past event is refused; to a private one, not found", async () => {
  const id = await makeEvent({ startsAt: new Date(Date.now() + DAY) });
  const post = await visitor(`/en/events/${id}`);
  await t.db.pool.query(
    "UPDATE events SET starts_at = now() - interval '3 hours', ends_at = now() - interval '1 hour' WHERE id = $1",
    [id],
  );
  const late = await post(rsvp("late"));
  assert.equal(late.statusCode, 409);
  assert.ok(late.body.includes("This event has already taken place."));
  await t.db.pool.query("UPDATE events SET public = false WHERE id = $1", [id]);
  assert.equal((await post(rsvp("private"))).statusCode, 404);
  assert.equal(await rsvpCount(id), 0);
});

test("the pages speak Spanish and Arabic (right to left)", async () => {
  const id = await makeEvent({ title: "Cartas en Madrid", capacity: 5 });
  const es = (await get("/es/events")).body;
  assert.match(es, /^<!doctype html><html lang="es" dir="ltr">/);
  assert.ok(es.includes("<h1>Maratones de cartas</h1>"));
  assert.ok(es.includes("España"));
  const ar = await get(`/ar/events/${id}`);
  assert.equal(ar.statusCode, 200);
  assert.match(ar.body, /^<!doctype html><html lang="ar" dir="rtl">/);
  assert.ok(ar.body.includes("هل ستحضر؟"));
  assert.ok(ar.body.includes("إسبانيا"), "the country in Arabic");
  assert.ok(
    ar.body.includes('<h1 dir="auto">Cartas en Madrid</h1>'),
    "the organizer's text keeps its own direction",
  );
  const arList = (await get("/ar/events")).body;
  assert.match(arList, /<html lang="ar" dir="rtl">/);
  assert.ok(arList.includes("فعاليات كتابة الرسائل"));
});
