import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { action, postAction, type TestApp } from "../support/app.js";
import { startBrowserApp } from "../support/browser.js";

let t: TestApp;
let base: string;
let browser: Browser;
let close: () => Promise<void>;
before(async () => {
  ({ t, base, browser, close } = await startBrowserApp());
});
after(() => close());

const digits = (text: string | null) => Number((text ?? "").replace(/\D/g, ""));

test("the home counter moves within 2 s of an action, without a reload", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  try {
    await page.goto(`${base}/en/`);
    await page.evaluate(() => {
      (window as unknown as { marker: boolean }).marker = true;
    });
    const total = page.locator('[data-live="total"]');
    const before = digits(await total.textContent());
    // Let the stream connect before acting.
    await page.waitForSelector("[data-stream][data-connected]", { timeout: 5000 });
    const posted = Date.now();
    assert.equal((await postAction(t, action({ country: "KE" }))).statusCode, 201);
    await page.waitForFunction(
      (expected) =>
        Number(document.querySelector('[data-live="total"]')?.textContent?.replace(/\D/g, "")) === expected,
      before + 1,
      { timeout: 2000 },
    );
    assert.ok(Date.now() - posted <= 2000);
    assert.equal(
      await page.evaluate(() => (window as unknown as { marker?: boolean }).marker),
      true,
      "no reload",
    );
  } finally {
    await page.close();
  }
});

test("Arabic pages are laid out right to left", async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${base}/ar/`);
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).direction), "rtl");
    assert.equal(await page.getAttribute("html", "lang"), "ar");
  } finally {
    await page.close();
  }
});

test("the language switcher changes the language of the page", async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${base}/en/cases/coastei-street`);
    await page.click('nav.languages a[lang="es"]');
    await page.waitForURL(`${base}/es/cases/coastei-street`);
    assert.equal(await page.getAttribute("html", "lang"), "es");
    assert.equal(await page.textContent("nav.languages a[aria-current]"), "Español");
  } finally {
    await page.close();
  }
});
