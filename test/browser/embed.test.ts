import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, test } from "node:test";
import type { Browser, Frame, Page } from "playwright-core";
import { action, listen, postAction, startTestApp, type TestApp } from "../support/app.js";
import { launchBrowser } from "../support/browser.js";

// A partner's website on another origin puts the counter in an <iframe>. The host page is
// served by a second server, on another port and under "localhost" instead of "127.0.0.1",
// so the browser applies every cross-origin rule it would on a real partner's site.

let t: TestApp;
let base: string;
let host: Server;
let hostUrl: string;
let browser: Browser;
let closeBrowser: () => Promise<void>;

before(async () => {
  t = await startTestApp();
  base = await listen(t);
  host = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(`<!doctype html><html><head><title>A partner</title></head><body>
      <h1>Our local group</h1>
      <iframe id="world" src="${base}/embed/counter?lang=en" width="320" height="180"></iframe>
      <iframe id="country" src="${base}/embed/counter?country=KE&lang=ar" width="320" height="180"></iframe>
      </body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  hostUrl = `http://localhost:${(host.address() as { port: number }).port}/`;
  ({ browser, close: closeBrowser } = await launchBrowser());
});
after(async () => {
  await closeBrowser();
  await new Promise((resolve) => host.close(resolve));
  await t.close();
});

const digits = (text: string | null) => Number((text ?? "").replace(/\D/g, ""));

async function frameOf(page: Page, id: string): Promise<Frame> {
  const frame = await (await page.waitForSelector(`iframe#${id}`)).contentFrame();
  assert.ok(frame, `the ${id} frame loaded`);
  return frame;
}

test("the embed works inside an iframe on another origin and moves within 2 s of an action", async () => {
  const page = await browser.newPage();
  const refused: string[] = [];
  page.on("console", (message) => {
    if (/refused|blocked|violates/i.test(message.text())) refused.push(message.text());
  });
  try {
    await page.goto(hostUrl);
    const world = await frameOf(page, "world");
    const country = await frameOf(page, "country");
    // Both frames render and connect to the stream (live.js marks the root when connected).
    await world.waitForSelector("[data-stream][data-connected]", { timeout: 5000 });
    await country.waitForSelector("[data-stream][data-connected]", { timeout: 5000 });
    assert.notEqual(
      await world.evaluate(() => location.origin),
      await page.evaluate(() => location.origin),
      "the frame is on another origin",
    );
    assert.equal(await country.evaluate(() => document.documentElement.dir), "rtl");

    const total = digits(await world.textContent('[data-live="total"]'));
    const counter = t.runtime.counters.of(t.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0);
    assert.equal(total, counter.total, "the total is shown");
    const kenya = counter.byCountry.get("KE") ?? 0;
    assert.equal(
      await country.textContent('.n[data-live-country="KE"]'),
      await country.evaluate((n) => new Intl.NumberFormat("ar").format(n), kenya),
      "the country's count is shown, in Arabic digits where the browser writes them",
    );

    const posted = Date.now();
    assert.equal((await postAction(t, action({ country: "KE" }))).statusCode, 201);
    await world.waitForFunction(
      (expected) =>
        Number(document.querySelector('[data-live="total"]')?.textContent?.replace(/\D/g, "")) === expected,
      total + 1,
      { timeout: 2000 },
    );
    await country.waitForFunction(
      (expected) =>
        document.querySelector('.n[data-live-country="KE"]')?.textContent ===
        new Intl.NumberFormat("ar").format(expected),
      kenya + 1,
      { timeout: 2000 },
    );
    assert.ok(Date.now() - posted <= 2000, "within 2 s");
    assert.deepEqual(refused, [], "nothing was blocked");
  } finally {
    await page.close();
  }
});

test("the section page's country count, goal bar and share of the world move live too", async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${base}/en/s/PL`);
    await page.waitForSelector("[data-stream][data-connected]", { timeout: 5000 });
    const counter = t.runtime.counters.of(t.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0);
    const count = counter.byCountry.get("PL") ?? 0;
    assert.equal((await postAction(t, action({ country: "PL" }))).statusCode, 201);
    await page.waitForFunction(
      (expected) =>
        document.querySelector('.number[data-live-country="PL"]')?.textContent ===
        new Intl.NumberFormat("en").format(expected),
      count + 1,
      { timeout: 2000 },
    );
    assert.equal(
      await page.$eval('progress[data-live-country="PL"]', (el) => (el as HTMLProgressElement).value),
      count + 1,
    );
    const share = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 }).format(
      (count + 1) / counter.total,
    );
    await page.waitForFunction(
      (expected) =>
        document.querySelector('[data-live-country="PL"][data-of="total"]')?.textContent === expected,
      share,
      { timeout: 2000 },
    );
  } finally {
    await page.close();
  }
});
