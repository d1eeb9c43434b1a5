import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { action, listen, postAction, startTestApp, type TestApp } from "../support/app.js";
import { launchBrowser } from "../support/browser.js";
import { makeEvent } from "../support/events.js";
import { makeUser, TEST_PASSWORD } from "../support/office.js";

// Every page kind with scripts or forms, in Chromium, under the Content-Security-Policy the
// server sends: no violation is reported (neither as a securitypolicyviolation event nor as a
// "Refused to …" console message), and the pages' own scripts and forms still work.

let t: TestApp;
let base: string;
let host: Server;
let partner: string;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let eventId: string;

before(async () => {
  t = await startTestApp({ LOGIN_RATE_LIMIT: "0" });
  base = await listen(t);
  eventId = await makeEvent(t, { organizerId: (await makeUser(t, "organizer")).id });
  // A partner's page on another origin ("localhost" instead of "127.0.0.1", another port).
  host = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(`<!doctype html><html><head><title>A partner</title></head><body>
      <iframe id="world" src="${base}/embed/counter?lang=en" width="320" height="180"></iframe></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  partner = `http://localhost:${(host.address() as { port: number }).port}/`;
  ({ browser, close: closeBrowser } = await launchBrowser());
});
after(async () => {
  await closeBrowser();
  await new Promise((resolve) => host.close(resolve));
  await t.close();
});

interface Violation {
  page: string;
  directive: string;
  blocked: string;
}

/**
 * A fresh context whose every page and frame reports CSP violations to the test as they happen
 * (so a violation just before a form's navigation is not lost), and "Refused to …" messages.
 */
async function watchedContext(): Promise<{
  context: BrowserContext;
  violations: Violation[];
  refused: string[];
}> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const violations: Violation[] = [];
  const refused: string[] = [];
  await context.exposeFunction("reportViolation", (v: Violation) => violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener(
      "securitypolicyviolation",
      (e) => {
        const report = (window as unknown as { reportViolation(v: unknown): void }).reportViolation;
        report({ page: document.URL, directive: e.violatedDirective, blocked: e.blockedURI });
      },
      true,
    );
  });
  context.on("console", (message) => {
    if (/refused|content security policy/i.test(message.text())) refused.push(message.text());
  });
  return { context, violations, refused };
}

async function withWatchedPage(
  fn: (page: Page, seen: { violations: Violation[]; refused: string[] }) => Promise<void>,
): Promise<void> {
  const { context, violations, refused } = await watchedContext();
  try {
    await fn(await context.newPage(), { violations, refused });
    // Reports are delivered as tasks: give the last page a moment to deliver them.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(violations, [], "no CSP violation");
    assert.deepEqual(refused, [], "nothing refused");
  } finally {
    await context.close();
  }
}

const digits = (text: string | null) => Number((text ?? "").replace(/\D/g, ""));

/** Posts an action and waits (2 s at most) for the page's live total in `selector` to show it. */
async function movesLive(page: Page, selector: string) {
  await page.waitForSelector("[data-stream][data-connected]", { timeout: 5000 });
  const before = digits(await page.textContent(selector));
  assert.equal((await postAction(t, action({ country: "KE" }))).statusCode, 201);
  await page.waitForFunction(
    ([sel, expected]) =>
      Number(document.querySelector(sel as string)?.textContent?.replace(/\D/g, "")) === expected,
    [selector, before + 1] as const,
    { timeout: 2000 },
  );
}

const fillOf = (page: Page, selector: string) => page.$eval(selector, (el) => getComputedStyle(el).fill);
/** The map's linked image, decoded by the browser as the page shows it: its width in pixels. */
const imageWidthOf = (page: Page, selector: string) =>
  page.$eval(selector, async (el) => {
    const image = new Image();
    image.src = el.getAttribute("href") ?? "";
    await image.decode();
    return image.naturalWidth;
  });

test("the watcher sees violations, and the policy is enforced (inline script and style refused)", () =>
  withWatchedPage(async (page, seen) => {
    await page.goto(`${base}/en/`);
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true";
      document.body.append(script);
      document.body.setAttribute("style", "background: red");
    });
    await page.waitForFunction(() => true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(
      await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan),
      undefined,
    );
    assert.notEqual(
      await page.evaluate(() => getComputedStyle(document.body).backgroundColor),
      "rgb(255, 0, 0)",
    );
    assert.deepEqual([...new Set(seen.violations.map((v) => v.directive))].sort(), [
      "script-src-elem",
      "style-src-attr",
    ]);
    // This test's own violations were wanted; the check after it is for the pages'.
    seen.violations.length = 0;
    seen.refused.length = 0;
  }));

test("home: the live counter moves, and the map is coloured by the stylesheet", () =>
  withWatchedPage(async (page) => {
    await page.goto(`${base}/en/`);
    await movesLive(page, '[data-live="total"]');
    assert.equal(await fillOf(page, ".wmap .m0"), "rgb(217, 217, 217)", "the legend's rules apply");
    assert.equal(await imageWidthOf(page, ".wmap image"), 1000, "the countries' image is drawn");
  }));

test("a case page: the live counter moves and the sign form posts", () =>
  withWatchedPage(async (page) => {
    await page.goto(`${base}/en/cases/gao-zhisheng`);
    await page.waitForSelector("[data-stream][data-connected]", { timeout: 5000 });
    await page.fill("#sign-name", "Under a policy");
    await page.fill("#sign-email", "csp@example.org");
    await page.selectOption("#sign-country", "PL");
    await page.check("#sign-consent");
    await Promise.all([page.waitForURL(/done=sign/), page.click("#act-sign button[type=submit]")]);
    assert.ok(await page.isVisible("#act-sign .done[role=status]"), "the thank-you is shown");
    // The letter form opens the PDF in a new tab, in the browser's viewer.
    await page.fill("#letter-text", "Release Gao Zhisheng now.");
    const [tab] = await Promise.all([
      page.context().waitForEvent("page"),
      page.click("#act-letter button[formaction$='paper=a4']"),
    ]);
    await tab.waitForLoadState("load");
    assert.equal(new URL(tab.url()).pathname, "/en/cases/gao-zhisheng/letter.pdf");
  }));

test("a section page, the events list and an event's RSVP form", () =>
  withWatchedPage(async (page) => {
    await page.goto(`${base}/en/s/PL`);
    await page.waitForSelector("[data-stream][data-connected]", { timeout: 5000 });
    await page.goto(`${base}/en/events`);
    assert.equal(await fillOf(page, ".emap circle"), "rgb(164, 0, 15)", "the events map's rules apply");
    assert.equal(await imageWidthOf(page, ".emap image"), 1000, "the land's image is drawn");
    await page.goto(`${base}/en/events/${eventId}`);
    await page.fill("#rsvp-name", "Nadia");
    await page.fill("#rsvp-email", "nadia-csp@example.org");
    await page.check("#rsvp-consent");
    await Promise.all([page.waitForURL(/done=rsvp/), page.click("#rsvp-form button[type=submit]")]);
    await page.goto(`${base}/en/no-such-page`);
  }));

test("the embed in a partner's page moves live; the partner reads the API and the stream", () =>
  withWatchedPage(async (page) => {
    await page.goto(partner);
    const frame = await (await page.waitForSelector("iframe#world")).contentFrame();
    assert.ok(frame, "the frame loaded");
    await frame.waitForSelector("[data-stream][data-connected]", { timeout: 5000 });
    const before = digits(await frame.textContent('[data-live="total"]'));
    assert.equal((await postAction(t, action())).statusCode, 201);
    await frame.waitForFunction(
      (expected) =>
        Number(document.querySelector('[data-live="total"]')?.textContent?.replace(/\D/g, "")) === expected,
      before + 1,
      { timeout: 2000 },
    );
    // Cross-Origin-Resource-Policy: same-origin does not stand in the way of CORS reads.
    const read = await page.evaluate(async (api) => {
      const counter = (await (await fetch(`${api}/counter`)).json()) as { total: number };
      const streamed = await new Promise<number>((resolve, reject) => {
        const source = new EventSource(`${api}/counter/stream`);
        source.addEventListener("counter", (e) => {
          source.close();
          resolve((JSON.parse((e as MessageEvent).data) as { total: number }).total);
        });
        source.onerror = () => reject(new Error("the stream failed"));
      });
      return { counter: counter.total, streamed };
    }, `${base}/api/v1/campaigns/w4r-2012`);
    assert.ok(read.counter >= before + 1 && read.streamed >= before + 1, JSON.stringify(read));
  }));

test("the back office: login form, the live dashboard, and a form that posts", () =>
  withWatchedPage(async (page) => {
    const admin = await makeUser(t, "admin");
    await page.goto(`${base}/office/login`);
    await page.fill("#f-email", admin.email);
    await page.fill("#f-password", TEST_PASSWORD);
    await Promise.all([page.waitForURL(`${base}/office`), page.click("button[type=submit]:text('Log in')")]);
    await movesLive(page, "#dash-total");
    assert.equal(await fillOf(page, ".wmap .m0"), "rgb(217, 217, 217)", "the dashboard map's rules apply");

    const caseId = t.runtime.catalog().campaigns.get("w4r-2012")?.cases.get("gao-zhisheng");
    await page.goto(`${base}/office/translations/${caseId}/es`);
    assert.equal(
      await page.$eval(".source-text", (el) => getComputedStyle(el).whiteSpace),
      "pre-wrap",
      "the source text keeps its line breaks (a class, no inline style)",
    );
    await page.fill("#f-text-title", "Gao Zhisheng (revisado)");
    await Promise.all([page.waitForLoadState("load"), page.click('button[type=submit]:text("Save")')]);
    assert.match((await page.textContent("body")) ?? "", /Saved\./);
    assert.equal(await page.inputValue("#f-text-title"), "Gao Zhisheng (revisado)");
    await page.goto(`${base}/office/no-such-page`);
  }));

test("the API reference (swagger-ui) renders under its own policy", () =>
  withWatchedPage(async (page) => {
    await page.goto(`${base}/api/docs`);
    await page.waitForSelector(".swagger-ui .info .title", { timeout: 10_000 });
    await page.waitForSelector(".opblock", { timeout: 10_000 });
  }));
