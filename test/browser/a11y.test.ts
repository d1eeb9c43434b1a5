import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { action, listen, postAction, startTestApp, type TestApp } from "../support/app.js";
import { assertAccessible, startBrowserApp, withPage } from "../support/browser.js";
import { roomInWindow } from "../support/limits.js";

// axe-core on every public page, in the states a visitor can reach: WCAG 2.1 A and AA, no
// violation allowed and no rule turned off.

let t: TestApp;
let base: string;
let browser: Browser;
let close: () => Promise<void>;
before(async () => {
  ({ t, base, browser, close } = await startBrowserApp());
});
after(() => close());

for (const path of ["/en/", "/ar/"]) {
  test(`the home page ${path} has no violations, its map table open`, () =>
    withPage(browser, async (page) => {
      assert.equal((await page.goto(`${base}${path}`))?.status(), 200);
      await page.click(".map summary");
      await assertAccessible(page, path);
    }));
}

for (const path of ["/en/cases/gao-zhisheng", "/zh-Hans/cases/coastei-street", "/pl/s/PL"]) {
  test(`${path} has no violations`, () =>
    withPage(browser, async (page) => {
      assert.equal((await page.goto(`${base}${path}`))?.status(), 200);
      await assertAccessible(page, path);
    }));
}

test("a case page showing a form's errors (422) has no violations", () =>
  withPage(browser, async (page) => {
    await page.goto(`${base}/en/cases/gao-zhisheng`);
    // The browser's own checks would stop the post; the server's answer is what is tested.
    await page.$eval("#act-sign", (form) => {
      (form as HTMLFormElement).noValidate = true;
    });
    await page.fill("#sign-email", "not an address");
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/sign")),
      page.click("#act-sign button[type=submit]"),
    ]);
    assert.equal(response.status(), 422);
    await page.waitForSelector("#act-sign .form-error");
    await assertAccessible(page, "422");
  }));

test("the thank-you state has no violations", () =>
  withPage(browser, async (page) => {
    await page.goto(`${base}/en/cases/gao-zhisheng?done=sign#act-sign`);
    await page.waitForSelector("#act-sign .done");
    await assertAccessible(page, "done=sign");
  }));

test("the embedded counter has no violations", () =>
  withPage(browser, async (page) => {
    assert.equal((await page.goto(`${base}/embed/counter?lang=en`))?.status(), 200);
    await assertAccessible(page, "embed");
  }));

test("the 404 page has no violations", () =>
  withPage(browser, async (page) => {
    assert.equal((await page.goto(`${base}/en/no-such-page`))?.status(), 404);
    await assertAccessible(page, "404");
  }));

test("the 'please wait' page (429) has no violations", async () => {
  // The browser comes through a declared proxy with an address of its own; without a proof of
  // work (CHALLENGE_WORK=0) the page stays the one that says how long to wait, rather than
  // solving the challenge and sending the form again by itself.
  const limited = await startTestApp({ ACTION_RATE_LIMIT: "1", TRUST_PROXY: "1", CHALLENGE_WORK: "0" });
  try {
    await roomInWindow(60, 20);
    const limitedBase = await listen(limited);
    await withPage(
      browser,
      async (page) => {
        const send = async () => {
          await page.goto(`${limitedBase}/en/cases/gao-zhisheng`);
          const [response] = await Promise.all([
            page.waitForResponse((r) => r.url().endsWith("/letter")),
            page.click("#act-letter > button[type=submit]"),
          ]);
          return response.status();
        };
        assert.equal(await send(), 303);
        assert.equal(await send(), 429);
        await page.waitForLoadState();
        await assertAccessible(page, "429");
      },
      { extraHTTPHeaders: { "x-forwarded-for": "198.51.100.7" } },
    );
  } finally {
    await limited.close();
  }
});

test("the live counter is announced politely, once for several actions", () =>
  withPage(browser, async (page) => {
    // A fake clock, so the minute live.js waits between announcements can pass at once.
    await page.clock.install();
    await page.goto(`${base}/en/`);
    const regions = page.locator('[aria-live], [role="status"], [role="alert"], output');
    assert.equal(await regions.count(), 1, "one live region on the page");
    assert.equal(await page.getAttribute(".counter [data-live-announce]", "aria-live"), "polite");
    await page.waitForSelector("[data-stream][data-connected]", { timeout: 5000 });
    await page.evaluate(() => {
      const changes: string[] = [];
      (window as unknown as { changes: string[] }).changes = changes;
      const announcer = document.querySelector("[data-live-announce]") as HTMLElement;
      new MutationObserver(() => changes.push(announcer.textContent ?? "")).observe(announcer, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    await page.clock.fastForward("01:01");
    const total = t.runtime.counters.of(t.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0).total;
    for (const country of ["KE", "BR"]) {
      assert.equal((await postAction(t, action({ country }))).statusCode, 201);
    }
    await page.waitForFunction(
      (expected) => document.querySelector('[data-live="total"]')?.textContent === expected,
      new Intl.NumberFormat("en").format(total + 2),
      { timeout: 5000 },
    );
    const changes = await page.evaluate(() => (window as unknown as { changes: string[] }).changes);
    assert.ok(changes.length <= 1, `announced at most once: ${JSON.stringify(changes)}`);
    // Both actions may reach the page in one stream message or in two.
    const said = [1, 2].map((n) => `${new Intl.NumberFormat("en").format(total + n)} actions taken`);
    assert.ok(said.includes(changes[0] ?? ""), `it says the total: ${changes[0]}`);
  }));
