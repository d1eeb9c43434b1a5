import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { TestApp } from "../support/app.js";
import { startBrowserApp } from "../support/browser.js";

// The share links as a visitor meets them: arriving through a shared link (?source=whatsapp) and
// acting records that source, with scripts on (the page's script puts it in the form) and off (the
// browser's Referer says it); the copy button appears only with scripts.

let t: TestApp;
let base: string;
let browser: Browser;
let close: () => Promise<void>;
before(async () => {
  ({ t, base, browser, close } = await startBrowserApp());
});
after(() => close());

async function withPage(javaScriptEnabled: boolean, fn: (page: Page) => Promise<void>) {
  const context = await browser.newContext({ javaScriptEnabled });
  try {
    await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

const sourced = async (source: string) =>
  (
    await t.db.pool.query<{ n: number }>(
      "SELECT coalesce(sum(quantity), 0)::int AS n FROM actions WHERE source = $1",
      [source],
    )
  ).rows[0]?.n ?? 0;

for (const scripts of [true, false]) {
  test(`an action after a shared link records its source, scripts ${scripts ? "on" : "off"}`, async () => {
    const source = scripts ? "whatsapp" : "telegram";
    const before = await sourced(source);
    await withPage(scripts, async (page) => {
      await page.goto(`${base}/en/cases/rosa-franco?source=${source}`);
      const copy = page.locator('button[data-copy="share-url"]');
      assert.equal(await copy.isVisible(), scripts, "the copy button needs script");
      assert.equal(
        await page.locator("#share-url").inputValue(),
        `${t.config.publicUrl}/en/cases/rosa-franco?source=link`,
      );
      await page.selectOption("#letter-country", "PT");
      await page.click('#act-letter button[type="submit"]:not([formaction])');
      await page.waitForURL(/done=letter/);
      assert.match(page.url(), new RegExp(`source=${source}`));
      assert.ok(await page.locator("#share-done").isVisible(), "the thanks offer the share links");
    });
    assert.equal(await sourced(source), before + 1);
  });
}
