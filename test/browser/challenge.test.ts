import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { TestApp } from "../support/app.js";
import { startBrowserApp } from "../support/browser.js";
import { roomInWindow } from "../support/limits.js";

// A form over its address's budget, in Chromium under the pages' Content-Security-Policy: with
// scripts the page solves the proof of work in ALTCHA's worker and sends the form again by
// itself, with no policy violation; without scripts it says how long to wait.

let t: TestApp;
let base: string;
let browser: Browser;
let close: () => Promise<void>;
before(async () => {
  ({ t, base, browser, close } = await startBrowserApp({
    ACTION_RATE_LIMIT: "1000",
    ACTION_RATE_LIMIT_CASE: "1000",
    ACTION_RATE_LIMIT_HOUR: "1",
    ACTION_RATE_LIMIT_CASE_HOUR: "1000",
    CHALLENGE_WORK: "2000",
  }));
});
after(() => close());

async function letters(): Promise<number> {
  const result = await t.db.pool.query<{ n: number }>(
    "SELECT coalesce(sum(quantity), 0)::int AS n FROM action_origins WHERE address = '127.0.0.1'",
  );
  return result.rows[0]?.n ?? 0;
}

async function sendLetters(page: Page, quantity: string) {
  await page.fill("#letter-quantity", quantity);
  await page.selectOption("#letter-country", "DE");
  await page.click("#act-letter > button[type=submit]");
  await page.waitForLoadState("domcontentloaded");
}

test("over the limit, the page solves the challenge and sends the letter again, under the CSP", async () => {
  await roomInWindow(3600, 180);
  const context = await browser.newContext();
  const violations: string[] = [];
  await context.exposeFunction("reportViolation", (v: string) => violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener(
      "securitypolicyviolation",
      (e) =>
        (window as unknown as { reportViolation(v: string): void }).reportViolation(
          `${e.violatedDirective} ${e.blockedURI}`,
        ),
      true,
    );
  });
  context.on("console", (message) => {
    if (/refused|content security policy/i.test(message.text())) violations.push(message.text());
  });
  try {
    const page = await context.newPage();
    await page.goto(`${base}/en/cases/gao-zhisheng`);
    await sendLetters(page, "1");
    assert.match(page.url(), /done=letter/);
    assert.equal(await letters(), 1);

    // Over the hourly budget of one: the answer carries a challenge, which the page solves and
    // sends with the form; the thanks come back with the letters counted.
    await page.goto(`${base}/en/cases/gao-zhisheng`);
    await page.fill("#letter-quantity", "2");
    await page.selectOption("#letter-country", "DE");
    await page.click("#act-letter > button[type=submit]");
    await page.waitForURL(/done=letter/, { timeout: 60_000 });
    assert.equal(await letters(), 3, "both letters of the second post are counted");
    assert.deepEqual(violations, []);
  } finally {
    await context.close();
  }
});

test("without scripts, the page over the limit says how long to wait", async () => {
  await roomInWindow(3600, 120);
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(`${base}/en/cases/gao-zhisheng`);
    // Over the budget of one an hour (the first post may still fit it, when this test runs alone).
    await sendLetters(page, "1");
    if (page.url().includes("done=letter")) await sendLetters(page, "1");
    const before = await letters();
    await sendLetters(page, "1");
    const notice = await page.textContent("#act-letter [role=alert]");
    assert.match(notice ?? "", /Please wait \d+ minutes? and send this form again\./);
    assert.equal(await page.isVisible("[data-limit-solving]"), false, "the puzzle's text stays hidden");
    assert.equal(await letters(), before, "nothing counted");
  } finally {
    await context.close();
  }
});
