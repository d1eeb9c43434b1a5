import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { confirmLink } from "../../src/features/events/rsvp.fixtures.js";
import { listen, startTestApp, type TestApp } from "../support/app.js";
import { assertAccessible, launchBrowser, withPage } from "../support/browser.js";
import { makeEvent as makeTestEvent } from "../support/events.js";
import { makeUser } from "../support/office.js";
import { emailKey, opened } from "../support/personal.js";

// The public events pages in a real browser: axe-core (WCAG 2.1 A and AA, no rule turned off)
// on the list and on an event in English and Arabic, in each state of the RSVP form, and an
// RSVP sent with scripts switched off.

let t: TestApp;
let base: string;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let eventId: string;

async function makeEvent(o: { title: string; capacity?: number; latitude?: number; longitude?: number }) {
  const organizer = await makeUser(t, "organizer");
  return makeTestEvent(t, {
    organizerId: organizer.id,
    title: o.title,
    description: "Bring a pen.\n\nWe provide paper, envelopes and stamps.",
    address: "Calle Mayor 1, 28013 Madrid",
    latitude: o.latitude ?? null,
    longitude: o.longitude ?? null,
    capacity: o.capacity ?? null,
  });
}

before(async () => {
  t = await startTestApp();
  base = await listen(t);
  ({ browser, close: closeBrowser } = await launchBrowser());
  eventId = await makeEvent({
    title: "Write for Rights in Madrid",
    capacity: 20,
    latitude: 40.4168,
    longitude: -3.7038,
  });
  await makeEvent({ title: "Letters in Paris", latitude: 48.8566, longitude: 2.3522 });
  await makeEvent({ title: "Letters somewhere without coordinates" });
});
after(async () => {
  await closeBrowser();
  await t.close();
});

for (const lang of ["en", "ar"]) {
  test(`/${lang}/events has no violations`, () =>
    withPage(browser, async (page) => {
      assert.equal((await page.goto(`${base}/${lang}/events`))?.status(), 200);
      assert.equal(await page.locator(".emap a").count(), 2, "two events on the map");
      await assertAccessible(page, `/${lang}/events`);
    }));

  test(`/${lang}/events/:id has no violations, nor its form with errors`, () =>
    withPage(browser, async (page) => {
      assert.equal((await page.goto(`${base}/${lang}/events/${eventId}`))?.status(), 200);
      await assertAccessible(page, `/${lang}/events/:id`);
      // The browser's own checks would stop the post; the server's answer is what is tested.
      await page.$eval("#rsvp-form", (form) => {
        (form as HTMLFormElement).noValidate = true;
      });
      await page.fill("#rsvp-email", "not an address");
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST"),
        page.click("#rsvp-form button[type=submit]"),
      ]);
      assert.equal(response.status(), 422);
      await page.waitForSelector("#rsvp-form .form-error");
      await assertAccessible(page, `/${lang}/events/:id (422)`);
    }));
}

test("a full event's page has no violations", async () => {
  const full = await makeEvent({ title: "A small event", capacity: 1 });
  await t.db.pool.query(
    "INSERT INTO event_rsvps (id, event_id, name, email, confirmed_at) VALUES ($1, $2, 'Ana', 'ana@example.org', now())",
    [randomUUID(), full],
  );
  await withPage(browser, async (page) => {
    assert.equal((await page.goto(`${base}/ar/events/${full}`))?.status(), 200);
    assert.equal(await page.locator("#rsvp-form").count(), 0);
    await assertAccessible(page, "full");
  });
});

test("an RSVP and its confirmation from the email work with scripts switched off, and their pages have no violations", () =>
  withPage(
    browser,
    async (page) => {
      await page.goto(`${base}/en/events`);
      await page.click(`a[href="/en/events/${eventId}"] >> nth=-1`);
      await page.waitForURL(`${base}/en/events/${eventId}`);
      await page.fill("#rsvp-name", "Nadia");
      await page.fill("#rsvp-email", "nadia@example.org");
      await page.check("#rsvp-consent");
      await Promise.all([page.waitForURL(/done=rsvp/), page.click("#rsvp-form button[type=submit]")]);
      assert.equal(await page.locator(".done[role=status]").count(), 1);
      const rows = await opened(
        t.db,
        "SELECT name_sealed, confirmed_at FROM event_rsvps WHERE event_id = $1 AND email_key = $2",
        [eventId, emailKey(t.db, "nadia@example.org")],
      );
      assert.deepEqual(
        rows.map((r) => [r.name, r.confirmed_at]),
        [["Nadia", null]],
      );
      // The link in the email, then its button.
      const link = await confirmLink(t, "nadia@example.org");
      await page.goto(`${base}${link.path}?token=${link.token}`);
      await Promise.all([page.waitForURL(/done=confirmed/), page.click("button[type=submit]")]);
      assert.match((await page.locator(".done[role=status]").textContent()) ?? "", /You are on the list/);
      const confirmed = await t.db.pool.query(
        "SELECT count(*)::int AS n FROM event_rsvps WHERE event_id = $1 AND confirmed_at IS NOT NULL",
        [eventId],
      );
      assert.equal(confirmed.rows[0].n, 1);
    },
    { javaScriptEnabled: false },
  ).then(() =>
    // axe runs as a script, so the states are checked in a page that runs scripts.
    withPage(browser, async (page) => {
      await page.goto(`${base}/en/events/${eventId}?done=rsvp#rsvp`);
      await assertAccessible(page, "check your email");
      await page.goto(`${base}/en/events/${eventId}?done=confirmed#rsvp`);
      await assertAccessible(page, "thank you");
      await t.db.pool.query(
        `INSERT INTO event_rsvps (id, event_id, name, email, token_hash, expires_at)
         VALUES ($1, $2, 'Omar', 'omar@example.org', $3, now() + interval '1 day')`,
        [randomUUID(), eventId, createHash("sha256").update("browser-token").digest("hex")],
      );
      for (const lang of ["en", "ar"]) {
        assert.equal(
          (await page.goto(`${base}/${lang}/events/${eventId}/confirm?token=browser-token`))?.status(),
          200,
        );
        await assertAccessible(page, `/${lang}/events/:id/confirm`);
      }
    }),
  ));
