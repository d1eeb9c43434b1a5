import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as mupdf from "mupdf";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { TestApp } from "../support/app.js";
import { startBrowserApp } from "../support/browser.js";
import { emailKey } from "../support/personal.js";

// Acting on a case page as people do: with the keyboard alone, with scripts off and on, and
// printing a letter in a right-to-left script and in Chinese.

let t: TestApp;
let base: string;
let browser: Browser;
let close: () => Promise<void>;
before(async () => {
  ({ t, base, browser, close } = await startBrowserApp());
});
after(() => close());

async function withContext(fn: (page: Page, context: BrowserContext) => Promise<void>, options = {}) {
  const context = await browser.newContext(options);
  try {
    await fn(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

async function petitions(): Promise<number> {
  const response = await fetch(`${base}/api/v1/campaigns/w4r-2012/counter`);
  return ((await response.json()) as { byType: Record<string, number> }).byType.petition ?? 0;
}

/** What has keyboard focus, and whether it shows (an outline or a shadow, not "none"). */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const style = el ? getComputedStyle(el) : null;
    const outline =
      style !== null && style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) > 0;
    const shadow = style !== null && style.boxShadow !== "none";
    return {
      id: el?.id ?? "",
      tag: el?.tagName.toLowerCase() ?? "",
      text: el?.textContent?.trim().slice(0, 40) ?? "",
      visible: outline || shadow,
      inView: el ? el.getBoundingClientRect().right > 0 && el.getBoundingClientRect().left >= 0 : false,
    };
  });
}

/** Presses Tab until the element with this id has focus, checking every stop shows its focus. */
async function tabTo(page: Page, id: string) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const now = await focused(page);
    assert.ok(now.visible, `focus is visible on ${now.tag}#${now.id} "${now.text}"`);
    if (now.id === id) return;
  }
  assert.fail(`#${id} was not reached with Tab`);
}

test("a supporter signs with the keyboard alone, and sees where the focus is all along", () =>
  withContext(async (page) => {
    await page.goto(`${base}/en/cases/gao-zhisheng`);
    const before = await petitions();

    await page.keyboard.press("Tab");
    const skip = await focused(page);
    assert.equal(skip.text, await page.textContent("a.skip"), "the skip link comes first");
    assert.ok(skip.visible && skip.inView, "and shows on screen when focused");
    await page.keyboard.press("Enter");
    assert.equal((await focused(page)).id, "main", "the skip link moves focus to the content");

    await tabTo(page, "sign-name");
    await page.keyboard.type("Ada Keyboard");
    await tabTo(page, "sign-email");
    await page.keyboard.type("ada@example.org");
    await tabTo(page, "sign-country");
    // A closed select picks the option whose name is typed.
    await page.keyboard.type("Kenya");
    assert.equal(await page.inputValue("#sign-country"), "KE");
    await tabTo(page, "sign-consent");
    await page.keyboard.press("Space");
    assert.equal(await page.isChecked("#sign-consent"), true);
    await page.keyboard.press("Tab");
    assert.equal((await focused(page)).tag, "button");
    await Promise.all([page.waitForURL(/done=sign/), page.keyboard.press("Enter")]);

    assert.equal(
      await page.textContent("#act-sign [role=status]"),
      "Thank you! Your signature has been counted.",
    );
    assert.equal(await petitions(), before + 1);
  }));

for (const javaScriptEnabled of [false, true]) {
  test(`signing with scripts ${javaScriptEnabled ? "on" : "off"} counts one petition`, () =>
    withContext(
      async (page) => {
        await page.goto(`${base}/en/cases/coastei-street`);
        const before = await petitions();
        await page.fill("#sign-name", javaScriptEnabled ? "Script On" : "Script Off");
        const email = `script-${javaScriptEnabled ? "on" : "off"}@example.org`;
        await page.fill("#sign-email", email);
        await page.selectOption("#sign-country", "PL");
        await page.check("#sign-consent");
        await Promise.all([page.waitForURL(/done=sign/), page.click("#act-sign button[type=submit]")]);
        assert.ok(await page.isVisible("#act-sign .done[role=status]"), "the thank-you is shown");
        assert.equal(await petitions(), before + 1);
        const stored = await t.db.pool.query("SELECT count(*)::int AS n FROM consents WHERE email_key = $1", [
          emailKey(t.db, email),
        ]);
        assert.equal(stored.rows[0].n, 1, "one consent stored");
      },
      { javaScriptEnabled },
    ));
}

/** The PDF's text, in reading order as MuPDF gives it, NFKC-folded (Arabic presentation forms). */
function pdfText(pdf: Uint8Array): string {
  const doc = mupdf.Document.openDocument(pdf, "application/pdf");
  const pages: string[] = [];
  for (let i = 0; i < doc.countPages(); i++)
    pages.push(doc.loadPage(i).toStructuredText("preserve-whitespace").asText());
  return pages.join("\n").normalize("NFKC");
}

/** Letters-and-marks words and digit runs, in order (see src/materials/letter-pdf.test.ts). */
const words = (text: string) => (text.normalize("NFKC").match(/\p{L}[\p{L}\p{M}]*|\p{N}+/gu) ?? []).join(" ");

const LETTERS = {
  ar: "أطالبكم بالإفراج الفوري عن المدافع عن حقوق الإنسان دون قيد أو شرط",
  "zh-Hans": "我敦促您立即无条件释放这位人权捍卫者并确保他免受酷刑",
} as const;

for (const [lang, sentence] of Object.entries(LETTERS)) {
  test(`the A4 letter button gives a PDF with the ${lang} letter as typed`, () =>
    withContext(async (page, context) => {
      await page.goto(`${base}/${lang}/cases/gao-zhisheng`);
      await page.fill("#letter-text", sentence);
      // The button opens the PDF in a new tab (formtarget=_blank). That tab's response, as the
      // browser reports it, is the PDF viewer's page, so the request is passed through a route
      // that keeps the bytes the server sent.
      const caught = new Promise<{ status: number; type: string | undefined; body: Buffer }>((resolve) =>
        context.route("**/letter.pdf?*", async (route) => {
          const response = await route.fetch();
          resolve({
            status: response.status(),
            type: response.headers()["content-type"],
            body: await response.body(),
          });
          await route.fulfill({ response });
        }),
      );
      const [tab] = await Promise.all([
        context.waitForEvent("page"),
        page.click("#act-letter button[formaction$='paper=a4']"),
      ]);
      const pdf = await caught;
      assert.equal(pdf.status, 200);
      assert.equal(pdf.type, "application/pdf");
      assert.equal(new URL(tab.url()).pathname, `/${lang}/cases/gao-zhisheng/letter.pdf`);
      const text = pdfText(pdf.body);
      // Words in logical order: extractors guess where neutral characters go around RTL runs.
      assert.ok(words(text).includes(words(sentence)), `"${sentence}" in\n${text}`);
    }));
}
