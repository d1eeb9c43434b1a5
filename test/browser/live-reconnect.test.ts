import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { action, postAction, type TestApp } from "../support/app.js";
import { startBrowserApp } from "../support/browser.js";

// A node that holds its last viewer refuses the next stream with 503. The browser's EventSource
// gives up after an HTTP error, so the page's script tries again later: once a place is free, the
// refused page goes live and shows the numbers that moved meanwhile.

let t: TestApp;
let base: string;
let browser: Browser;
let close: () => Promise<void>;
before(async () => {
  ({ t, base, browser, close } = await startBrowserApp({ MAX_STREAMS: "1" }));
});
after(() => close());

test("a page refused a stream by a full node goes live once a place is free", {
  timeout: 90_000,
}, async () => {
  const context = await browser.newContext();
  try {
    const first = await context.newPage();
    await first.goto(`${base}/en/`);
    await first.waitForSelector("[data-stream][data-connected]", { timeout: 5000 });

    const second = await context.newPage();
    const refused = second.waitForResponse((r) => r.url().includes("/counter/stream"));
    await second.goto(`${base}/en/`);
    assert.equal((await refused).status(), 503, "the node holds one viewer");
    await second.waitForTimeout(500);
    assert.equal(await second.$("[data-stream][data-connected]"), null, "not live while refused");

    await first.close();
    const before = Number(
      await second.$eval('[data-live="total"]', (el) => el.textContent?.replace(/\D/g, "")),
    );
    const posted = await postAction(t, action(), { "idempotency-key": crypto.randomUUID() });
    assert.equal(posted.statusCode, 201);
    // Retries come 2–4 s after the refusal, then 4–8 s after that (the closed page's place may
    // not be free at the first).
    await second.waitForSelector("[data-stream][data-connected]", { timeout: 40_000 });
    await second.waitForFunction(
      (n) => Number(document.querySelector('[data-live="total"]')?.textContent?.replace(/\D/g, "")) === n,
      before + 1,
      { timeout: 5000 },
    );
  } finally {
    await context.close();
  }
});
