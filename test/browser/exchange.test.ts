import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { createSession, SESSION_COOKIE } from "../../src/features/office/sessions.js";
import { fillXliff } from "../../src/features/translations/exchange/exchange.fixtures.js";
import { listen, startTestApp, type TestApp } from "../support/app.js";
import { assertAccessible, launchBrowser, withPage } from "../support/browser.js";
import { makeUser } from "../support/office.js";

// The Export / Import panel in a browser: a Spanish translator downloads an XLIFF file of one
// case, a script fills it as her tool would, she uploads it, and the result page lists it.

let t: TestApp;
let base: string;
let browser: Browser;
let closeBrowser: () => Promise<void>;
before(async () => {
  t = await startTestApp();
  base = await listen(t);
  ({ browser, close: closeBrowser } = await launchBrowser());
});
after(async () => {
  await closeBrowser();
  await t.close();
});

test("a translator exports a case as XLIFF, fills it, and imports it from the translations page", () =>
  withPage(
    browser,
    async (page, context) => {
      const spanish = await makeUser(t, "translator", { languages: ["es"] });
      await context.addCookies([
        { name: SESSION_COOKIE, value: await createSession(t.db.pool, spanish.id), url: base },
      ]);
      assert.equal((await page.goto(`${base}/office/translations`))?.status(), 200);
      await assertAccessible(page, "the translations page with its Export / Import panel");
      await page.selectOption("#x-export-language", "es");
      await page.selectOption("#x-export-format", "xliff2");
      await page.selectOption("#x-export-case", "rosa-franco");
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("button[type=submit]:text('Export')"),
      ]);
      assert.equal(download.suggestedFilename(), "rosa-franco.es.xlf");
      const exported = await readFile(await download.path(), "utf8");
      const filled = fillXliff(exported, (id) =>
        id === "case/rosa-franco/ask" ? "Hagan justicia por María Isabel." : undefined,
      );
      await page.setInputFiles("#x-import-file", {
        name: "rosa-franco.es.xlf",
        mimeType: "application/xliff+xml",
        buffer: Buffer.from(filled),
      });
      await Promise.all([
        page.waitForURL(`${base}/office/translations/import`),
        page.click("button[type=submit]:text('Import')"),
      ]);
      const notice = await page.textContent("main");
      assert.match(notice ?? "", /1 unit imported into es/);
      assert.match(notice ?? "", /case\/rosa-franco\/ask: needs review/);
      await assertAccessible(page, "the import's result page");
      const row = await t.db.pool.query(
        `SELECT f.status, t.ask FROM case_text_fields f JOIN case_texts t USING (case_id, language)
          JOIN cases c ON c.id = f.case_id WHERE c.slug = 'rosa-franco' AND f.language = 'es' AND f.field = 'ask'`,
      );
      assert.deepEqual(row.rows, [{ status: "needs_review", ask: "Hagan justicia por María Isabel." }]);
    },
    { acceptDownloads: true },
  ));
