import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { UserRow } from "../../src/features/office/users.js";
import type { TestApp } from "../support/app.js";
import { axeViolations, startBrowserApp } from "../support/browser.js";
import { makeUser, TEST_PASSWORD } from "../support/office.js";

// The whole story, each person in their own browser: an admin creates a case; a translator
// puts it into Spanish; the coordinator of Spain features it; an organizer registers an event
// and reports 120 letters; the public counter, open in another window, rises by exactly 120.

let t: TestApp;
let base: string;
let browser: Browser;
let close: () => Promise<void>;
before(async () => {
  ({ t, base, browser, close } = await startBrowserApp({ LOGIN_RATE_LIMIT: "0" }));
});
after(() => close());

const digits = (text: string | null) => Number((text ?? "").replace(/\D/g, ""));

/** A fresh browser context (its own cookies) logged in through the login form. */
async function logIn(user: UserRow): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/office/login`);
  await page.fill("#f-email", user.email);
  await page.fill("#f-password", TEST_PASSWORD);
  await Promise.all([page.waitForURL(`${base}/office`), page.click("button[type=submit]:text('Log in')")]);
  return page;
}

async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForLoadState("load"), page.click(`button[type=submit]:text("${button}")`)]);
}

test("admin, translator, coordinator and organizer run a case; the public counter rises by exactly 120", async () => {
  const admin = await makeUser(t, "admin");
  const translator = await makeUser(t, "translator", { languages: ["es"] });
  const coordinator = await makeUser(t, "coordinator", { countries: ["ES"] });
  const organizer = await makeUser(t, "organizer", { countries: ["ES"] });

  // 1. The admin creates and publishes a case.
  const a = await logIn(admin);
  await a.goto(`${base}/office/cases/new`);
  await a.fill("#f-slug", "nasrin-example");
  await a.fill("#f-country", "IR");
  await a.fill("#f-title", "Nasrin Example");
  await a.fill("#f-summary", "A lawyer imprisoned for defending women's rights.");
  await a.fill("#f-story", "Nasrin defended women who protested peacefully.\n\nShe was sentenced to prison.");
  await a.fill("#f-ask", "Release Nasrin Example immediately and unconditionally.");
  await a.fill("#f-cards_address", "Nasrin Example\nc/o Inkwell\nLondon");
  await a.fill("#f-target-0-name", "Head of the Judiciary");
  await a.fill("#f-target-0-title", "Head of the Judiciary");
  await a.fill("#f-target-0-address", "Office of the Head of the Judiciary\nTehran");
  await a.check("#f-published");
  await submit(a, "Create the case");
  const created = /\/office\/cases\/(\d+)/.exec(a.url());
  assert.ok(created, `the case page after creating: ${a.url()}`);
  const caseId = Number(created[1]);
  const english = await fetch(`${base}/en/cases/nasrin-example`);
  assert.equal(english.status, 200, "the published case is on the public site");

  // 2. The translator translates it into Spanish and approves it.
  const tr = await logIn(translator);
  await tr.goto(`${base}/office/translations`);
  await tr.click(`a[href="/office/translations/${caseId}/es"]`);
  await tr.fill("#f-text-title", "Nasrin Ejemplo");
  await tr.fill("#f-text-summary", "Una abogada encarcelada por defender los derechos de las mujeres.");
  await tr.fill(
    "#f-text-story",
    "Nasrin defendió a mujeres que protestaban pacíficamente.\n\nFue condenada a prisión.",
  );
  await tr.fill("#f-text-ask", "Liberen a Nasrin Ejemplo de inmediato y sin condiciones.");
  for (const field of ["title", "summary", "story", "ask"])
    await tr.selectOption(`#f-status-${field}`, "approved");
  await submit(tr, "Save");
  const spanish = await (await fetch(`${base}/es/cases/nasrin-example`)).text();
  assert.match(spanish, /Nasrin Ejemplo/, "the approved Spanish text is public");

  // 3. The coordinator of Spain features it in her section.
  const co = await logIn(coordinator);
  const sectionId = t.runtime.sectionOf("ES");
  await co.goto(`${base}/office/sections/${sectionId}`);
  await co.check(`#f-featured-${caseId}`);
  await submit(co, "Save the section");
  const section = await (await fetch(`${base}/es/s/es`)).text();
  assert.ok(
    section.indexOf("Nasrin Ejemplo") >= 0 &&
      section.indexOf("Nasrin Ejemplo") < section.indexOf("Gao Zhisheng"),
    "the section page shows the featured case first",
  );

  // The public counter, open in a visitor's window before the report.
  const visitor = await browser.newPage();
  await visitor.goto(`${base}/en/`);
  await visitor.waitForSelector("[data-stream][data-connected]", { timeout: 5000 });
  const before = digits(await visitor.locator('[data-live="total"]').textContent());

  // 4. The organizer registers an event, then reports the 120 letters written there.
  const or = await logIn(organizer);
  await or.goto(`${base}/office/events/new`);
  const now = new Date();
  const local = (d: Date) => d.toISOString().slice(0, 16);
  await or.fill("#f-title", "Letters at the Biblioteca Central");
  await or.fill("#f-address", "Carrer de l'Hospital 56, Barcelona");
  await or.selectOption("#f-country", "ES");
  await or.selectOption("#f-time_zone", "UTC");
  await or.fill("#f-starts", local(new Date(now.getTime() - 3600_000)));
  await or.fill("#f-ends", local(new Date(now.getTime() + 3600_000)));
  await submit(or, "Register the event");
  const event = /\/office\/events\/([0-9a-f-]{36})/.exec(or.url());
  assert.ok(event, `the event page after creating: ${or.url()}`);
  await or.click(`a[href="/office/reports/new?event=${event[1]}"]`);
  await or.selectOption("#f-case", "nasrin-example");
  await or.fill("#f-quantity", "120");
  await submit(or, "Report");

  await visitor.waitForFunction(
    (expected) =>
      Number(document.querySelector('[data-live="total"]')?.textContent?.replace(/\D/g, "")) === expected,
    before + 120,
    { timeout: 5000 },
  );
  const counter = (await (await fetch(`${base}/api/v1/campaigns/w4r-2012/counter`)).json()) as {
    total: number;
    byCase: Record<string, number>;
  };
  assert.equal(counter.total, before + 120, "exactly 120 more");
  assert.equal(counter.byCase["nasrin-example"], 120);
});

test("back-office pages have no accessibility violations (axe-core)", async () => {
  const page = await logIn(await makeUser(t, "admin"));
  const found: string[] = [];
  for (const url of [
    "/office",
    "/office/login",
    "/office/cases",
    "/office/cases/new",
    "/office/translations",
    "/office/translations/1/pl",
    "/office/sections",
    `/office/sections/${t.runtime.sectionOf("ES")}`,
    "/office/events",
    "/office/events/new",
    "/office/reports",
    "/office/reports/new",
    "/office/reports/import",
    "/office/moderation",
    "/office/users",
    "/office/users/new",
    "/office/audit",
    "/office/outbox",
  ]) {
    await page.goto(`${base}${url}`);
    for (const v of await axeViolations(page))
      found.push(`${url}: ${v.id} (${v.nodes.map((n) => n.target).join(" | ")})`);
  }
  assert.deepEqual(found, []);
});
