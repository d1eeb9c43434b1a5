import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import sharp from "sharp";
import { decodeQr, type PdfPage, readPdf, squash, words } from "../../../test/support/pdf.js";
import {
  CASE_SHEET_MAX_PAGES,
  renderAppealLetters,
  renderCaseSheet,
  renderEventKit,
  renderPoster,
  renderSolidarityCards,
} from "./documents.js";
import { eventKit, FIXTURE_LANGUAGES, materialCase } from "./fixtures.js";
import { layoutPath, typeset } from "./typeset.js";
import { appealLetter, appealLetterText, readdressed, salutationFor, wordingFor } from "./wording.js";

// Each material rendered in six languages and read back with MuPDF: the text a reader gets is
// the source's, every glyph came from a bundled font, and the QR code a phone would scan opens
// the case page in that language.

const BUNDLED = new Set([
  "NotoSans-Regular",
  "NotoNaskhArabic-Regular",
  "NotoSansHebrew-Regular",
  "NotoSansDevanagari-Regular",
  "NotoSansCJKsc-Regular",
]);
const SIZE = { a4: [595.28, 841.89], letter: [612, 792], a3: [841.89, 1190.55] } as const;

/** The salutations the catalogs' templates give (or the targets' own, in hi), as a writer expects them. */
const SALUTATIONS: Record<string, [string, string]> = {
  en: ["Dear Ms Helen Carter,", "Dear Paul Reyes,"],
  es: ["Estimada señora Elena Martínez:", "Estimado señor Pablo Reyes:"],
  ar: ["السيدة هدى كامل المحترمة،", "حضرة باسم رياض،"],
  "zh-Hans": ["尊敬的王丽华女士：", "尊敬的李明："],
  hi: ["आदरणीय महान्यायवादी महोदया,", "माननीय गृह मंत्री जी,"],
  ru: ["Уважаемая госпожа Елена Смирнова!", "Уважаемый господин Павел Орлов!"],
};
// Hindi has no interface catalog: the words around its texts follow the chain to English.
const CLOSINGS: Record<string, string> = {
  en: "Yours sincerely,",
  es: "Atentamente,",
  ar: "مع فائق الاحترام،",
  "zh-Hans": "此致敬礼",
  hi: "Yours sincerely,",
  ru: "С уважением,",
};

const paras = (text: string) => text.split(/\n\s*\n/);

/**
 * Every expected text is on the page. Right-to-left text is compared word by word in logical
 * order (MuPDF gives it so), since extractors place neutral punctuation around right-to-left
 * runs by guesswork; everything else with whitespace ignored.
 */
function assertShows(page: PdfPage | string, expected: string[], rtl: boolean): void {
  const text = typeof page === "string" ? page : page.text;
  for (const e of expected.filter((x) => x.trim() !== "")) {
    if (rtl && /\p{Script=Arabic}/u.test(e)) {
      const found = ` ${words(text).join(" ")} `.includes(` ${words(e).join(" ")} `);
      assert.ok(found, `expected the words\n  ${words(e).join(" ")}\nin\n  ${words(text).join(" ")}`);
    } else {
      assert.ok(squash(text).includes(squash(e)), `expected\n  ${e}\nin\n${text}`);
    }
  }
}

function assertGlyphs(pages: PdfPage[]): void {
  for (const page of pages) {
    assert.equal(page.notdef, 0, "no character is missing from the bundled fonts");
    for (const font of page.fonts) assert.ok(BUNDLED.has(font), `${font} is a bundled font`);
  }
}

function assertSize(page: PdfPage | undefined, paper: keyof typeof SIZE): void {
  assert.ok(page);
  assert.ok(Math.abs(page.width - SIZE[paper][0]) < 0.5, `width ${page.width} for ${paper}`);
  assert.ok(Math.abs(page.height - SIZE[paper][1]) < 0.5, `height ${page.height} for ${paper}`);
}

/** The quadrants (0–3) of the page whose lines show `text`. */
function quadrants(page: PdfPage, text: string, rtl: boolean): number[] {
  const shows = (line: string) =>
    rtl
      ? ` ${words(line).join(" ")} `.includes(` ${words(text).join(" ")} `)
      : squash(line).includes(squash(text));
  return page.lines
    .filter((l) => shows(l.text))
    .map((l) => {
      const [x0, y0, x1, y1] = l.box;
      return ((x0 + x1) / 2 > page.width / 2 ? 1 : 0) + ((y0 + y1) / 2 > page.height / 2 ? 2 : 0);
    })
    .sort();
}

let photo: Uint8Array;
before(async () => {
  // A photo with detail, as a case photo is stored (WebP).
  const noise = Buffer.alloc(320 * 240 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
  photo = new Uint8Array(
    await sharp(noise, { raw: { width: 320, height: 240, channels: 3 } })
      .webp()
      .toBuffer(),
  );
});

for (const language of FIXTURE_LANGUAGES) {
  const rtl = language === "ar";
  describe(`materials in ${language}`, () => {
    it("case sheet: at most two pages with the story, the ask, each target, how to send and a QR code", async () => {
      const c = materialCase(language, photo);
      const m = wordingFor(language);
      for (const paper of ["a4", "letter"] as const) {
        const pdf = await renderCaseSheet(c, paper);
        const pages = readPdf(pdf);
        assert.ok(pages.length >= 1 && pages.length <= CASE_SHEET_MAX_PAGES, `${pages.length} pages`);
        assertSize(pages[0], paper);
        assertGlyphs(pages);
        const text = pages.map((p) => p.text).join("\n");
        assertShows(text, [c.title, c.summary, ...paras(c.story), c.ask, ...c.cardsAddress], rtl);
        assertShows(text, SALUTATIONS[language] ?? [], rtl);
        for (const t of c.targets) assertShows(text, [t.title, t.name, ...t.addressLines], rtl);
        assertShows(
          text,
          ["story", "ask", "targets", "howToSend", "sendLetters", "sendCards", "qr"].map((k) =>
            m.t(`materials.sheet.${k}`.replace("sheet.qr", "qr.case")),
          ),
          rtl,
        );
        assert.equal(
          decodeQr(pdf, pages.length - 1, 150),
          `http://inkwell.test/${language}/cases/rosa-franco`,
        );
      }
    });

    it("appeal letters: one page per target, its salutation and address, the date, the closing, a sender block", async () => {
      const c = materialCase(language);
      const m = wordingFor(language);
      const now = new Date("2024-12-10T12:00:00Z");
      const pdf = await renderAppealLetters(c, "a4", now);
      const pages = readPdf(pdf);
      assert.equal(pages.length, c.targets.length);
      assertGlyphs(pages);
      const date = new Intl.DateTimeFormat(language, { dateStyle: "long", timeZone: "UTC" }).format(now);
      c.targets.forEach((t, i) => {
        const page = pages[i];
        assert.ok(page);
        assertSize(page, "a4");
        const salutation = SALUTATIONS[language]?.[i] ?? "";
        const other = SALUTATIONS[language]?.[1 - i] ?? "";
        assertShows(page, [salutation, t.title, t.name, ...t.addressLines, date], rtl);
        assertShows(
          page,
          [m.t("materials.letter.intro", { name: c.title }), c.ask, CLOSINGS[language] ?? ""],
          rtl,
        );
        assertShows(
          page,
          ["senderName", "senderAddress", "signature"].map((k) => m.t(`materials.letter.${k}`)),
          rtl,
        );
        assert.ok(
          !squash(page.text).includes(squash(other)),
          "the other target's salutation is not on this page",
        );
      });
      const letter = readPdf(await renderAppealLetters(c, "letter", now));
      assertSize(letter[0], "letter");
    });

    it("solidarity cards: four cards a sheet, the message side then the address side", async () => {
      const c = materialCase(language, photo);
      const m = wordingFor(language);
      const pages = readPdf(await renderSolidarityCards(c, "a4"));
      assert.equal(pages.length, 2);
      assertGlyphs(pages);
      const [front, back] = pages;
      assert.ok(front && back);
      assertSize(front, "a4");
      assertSize(back, "a4");
      // Four A6 cards: 105 × 148.5 mm is a quarter of A4.
      const label = m.t("materials.cards.message", { name: c.title });
      assert.deepEqual(quadrants(front, label, rtl), [0, 1, 2, 3], `"${label}" on each card`);
      assertShows(front, [m.t("materials.cards.hint")], rtl);
      const firstLine = c.cardsAddress[0] ?? "";
      assert.deepEqual(quadrants(back, firstLine, rtl), [0, 1, 2, 3], `"${firstLine}" on each card's back`);
      assertShows(back, [...c.cardsAddress, m.t("materials.cards.stamp")], rtl);
      assertSize(readPdf(await renderSolidarityCards(c, "letter"))[0], "letter");
    });

    it("poster on A3 and A4: the name, the ask on one line, a QR code to the case page", async () => {
      const c = materialCase(language, photo);
      const m = wordingFor(language);
      for (const paper of ["a3", "a4"] as const) {
        const pdf = await renderPoster(c, paper);
        const pages = readPdf(pdf);
        assert.equal(pages.length, 1);
        assertSize(pages[0], paper);
        assertGlyphs(pages);
        const page = pages[0] as PdfPage;
        assertShows(page, [c.title, c.ask, m.t("materials.poster.act")], rtl);
        // One line: the ask's first and last words of its own (not the name's) sit at one height.
        const own = words(c.ask).filter((w) => !words(c.title).includes(w));
        const heightOf = (word: string | undefined) => {
          const line = page.lines.find((l) => word !== undefined && words(l.text).includes(word));
          assert.ok(line, `${word} on the poster`);
          return (line.box[1] + line.box[3]) / 2;
        };
        assert.ok(Math.abs(heightOf(own[0]) - heightOf(own.at(-1))) < 3, "the ask is on one line");
        assert.equal(
          decodeQr(pdf, 0, paper === "a3" ? 90 : 120),
          `http://inkwell.test/${language}/cases/rosa-franco`,
        );
      }
    });

    it("event kit: the how-to and a QR code to the report page", async () => {
      const kit = eventKit(language);
      const m = wordingFor(language);
      const pdf = await renderEventKit(kit, "a4");
      const pages = readPdf(pdf);
      assertGlyphs(pages);
      assertSize(pages[0], "a4");
      const text = pages.map((p) => p.text).join("\n");
      assertShows(text, [...paras(kit.text), m.t("materials.kit.title"), m.t("materials.kit.report")], rtl);
      assert.equal(decodeQr(pdf, pages.length - 1, 150), "http://inkwell.test/office/reports/new");
    });
  });
}

describe("materials", () => {
  it("a Typst warning (here an unknown font) fails the rendering instead of giving a PDF", () => {
    // A layout of its own for the test, in the layouts' folder (Typst reads inside its workspace).
    const file = layoutPath(`test-${process.pid}.typ`);
    writeFileSync(file, '#set text(font: ("No Such Sans",), fallback: false)\nHello');
    try {
      assert.throws(() => typeset(path.basename(file), {}), /unknown font family/);
    } finally {
      rmSync(file);
    }
  });

  it("the glyph check can fail: a character no bundled font has is drawn as .notdef", async () => {
    const c = { ...materialCase("en"), summary: "Hieroglyph 𓀀 here" };
    const pages = readPdf(await renderCaseSheet(c, "a4"));
    assert.ok(pages.some((p) => p.notdef > 0));
  });

  it("a long story still fits the case sheet's two pages", async () => {
    const c = {
      ...materialCase("ru"),
      story: Array(30).fill("Роза организовала сидячую забастовку. ".repeat(8)).join("\n\n"),
    };
    const pages = readPdf(await renderCaseSheet(c, "a4"));
    assert.ok(pages.length <= CASE_SHEET_MAX_PAGES, `${pages.length} pages`);
  });

  it("a case's own sample letter keeps its words; its greeting becomes each target's salutation", () => {
    const m = wordingFor("es");
    const c = {
      ...materialCase("es"),
      sampleLetter: "Estimado/a señor/a:\n\nLiberen a Rosa.\n\nAtentamente,",
    };
    const [first, second] = c.targets;
    assert.ok(first && second);
    assert.deepEqual(appealLetter(m, c, second), {
      salutation: "Estimado señor Pablo Reyes:",
      body: ["Liberen a Rosa.", "Atentamente,"],
    });
    // The case page's form greets the first target; the PDF for the second greets the second.
    const typed = appealLetterText(m, c, first).replace(/\n/g, "\r\n");
    assert.equal(
      readdressed(typed, salutationFor(m, first), salutationFor(m, second)),
      "Estimado señor Pablo Reyes:\n\nLiberen a Rosa.\n\nAtentamente,",
    );
    // A letter whose greeting the writer changed is left as written.
    assert.equal(
      readdressed("Querida Elena:\n\nHola", salutationFor(m, first), "X"),
      "Querida Elena:\n\nHola",
    );
    // A target's own salutation wins over the template.
    assert.equal(
      salutationFor(m, { ...first, salutation: "Señora Fiscal General:" }),
      "Señora Fiscal General:",
    );
  });
});
