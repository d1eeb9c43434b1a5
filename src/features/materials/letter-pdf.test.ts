import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as mupdf from "mupdf";
import { LETTER_BODY_MAX_CHARS, type LetterInput, LetterInputError, renderLetterPdf } from "./letter-pdf.js";

// The PDFs are read back with MuPDF: unlike pdf.js it honours the /ActualText spans that Typst
// writes for clusters whose glyphs do not map one to one to characters (Devanagari vowel signs
// drawn before their consonant, conjuncts), so the text layer is checked as a reader gets it.

interface Line {
  x0: number;
  x1: number;
  text: string;
  chars: { c: string; font: string; width: number; quad: number[] }[];
}

interface Read {
  text: string;
  width: number;
  height: number;
  lines: Line[];
  fonts: string[];
  /** Glyphs drawn as .notdef: the empty box of a character that no font had. */
  notdef: number;
  /** Visible characters under which the rendered page has no ink. */
  blank: string[];
}

const SCALE = 2;

/** Characters (with a width) whose box on the rendered page has no dark pixel. */
function blankChars(page: mupdf.Page, lines: Line[]): string[] {
  const pix = page.toPixmap(mupdf.Matrix.scale(SCALE, SCALE), mupdf.ColorSpace.DeviceGray, false);
  const [pixels, stride, w, h] = [pix.getPixels(), pix.getStride(), pix.getWidth(), pix.getHeight()];
  const inked = (q: number[]) => {
    const xs = [q[0], q[2], q[4], q[6]].map((v) => Math.round((v ?? 0) * SCALE));
    const ys = [q[1], q[3], q[5], q[7]].map((v) => Math.round((v ?? 0) * SCALE));
    for (let y = Math.max(0, Math.min(...ys)); y < Math.min(h, Math.max(...ys)); y++)
      for (let x = Math.max(0, Math.min(...xs)); x < Math.min(w, Math.max(...xs)); x++)
        if ((pixels[y * stride + x] ?? 255) < 128) return true;
    return false;
  };
  return lines.flatMap((l) =>
    l.chars.filter((c) => c.width > 0.5 && /\S/.test(c.c) && !inked(c.quad)).map((c) => c.c),
  );
}

function read(pdf: Uint8Array): Read {
  const doc = mupdf.Document.openDocument(pdf, "application/pdf");
  const page = doc.loadPage(0);
  const [x0, y0, x1, y1] = page.getBounds();
  const lines: Line[] = [];
  page.toStructuredText("preserve-whitespace").walk({
    beginLine: (bbox) => lines.push({ x0: bbox[0], x1: bbox[2], text: "", chars: [] }),
    onChar: (c, _origin, font, _size, quad) => {
      const line = lines.at(-1);
      line?.chars.push({ c, font: font.getName(), width: quad[2] - quad[0], quad });
      if (line) line.text += c;
    },
  });
  // The names of the fonts embedded for the page, without the subset tag ("ABCDEF+").
  const fonts: string[] = [];
  doc
    .asPDF()
    ?.findPage(0)
    .get("Resources", "Font")
    .forEach((font) => {
      fonts.push(
        font
          .get("BaseFont")
          .asName()
          .replace(/^[A-Z]{6}\+/, ""),
      );
      const descriptor = font.get("DescendantFonts").get(0).get("FontDescriptor");
      assert.ok(
        !descriptor.get("FontFile2").isNull() || !descriptor.get("FontFile3").isNull(),
        "font embedded",
      );
    });
  let notdef = 0;
  const device = new mupdf.Device({
    fillText: (text) =>
      text.walk({
        showGlyph: (_font, _trm, glyph) => {
          if (glyph === 0) notdef++;
        },
      }),
  });
  page.run(device, mupdf.Matrix.identity);
  device.close();
  const text = lines.map((l) => l.text).join("\n");
  return { text, width: x1 - x0, height: y1 - y0, lines, fonts, notdef, blank: blankChars(page, lines) };
}

/** Letters-and-marks words and digit runs, in order, after NFKC (which folds presentation forms). */
function words(text: string): string[] {
  return text.normalize("NFKC").match(/\p{L}[\p{L}\p{M}]*|\p{N}+/gu) ?? [];
}

const squash = (text: string) => text.normalize("NFKC").replace(/\s+/g, "");

function assertContainsRun(haystack: string[], needle: string[]): void {
  const at = ` ${haystack.join(" ")} `.indexOf(` ${needle.join(" ")} `);
  assert.ok(at >= 0, `expected the words\n  ${needle.join(" ")}\nin\n  ${haystack.join(" ")}`);
}

const target = (name: string, postalAddress: string) => ({
  name,
  title: "Minister of Justice",
  postalAddress,
});

const SAMPLES: Record<string, { input: Omit<LetterInput, "paper">; font: string }> = {
  ar: {
    font: "NotoNaskhArabic-Regular",
    input: {
      language: "ar",
      target: target("وزير العدل", "وزارة العدل\nشارع النيل\nالقاهرة\nمصر"),
      date: "العاشر من ديسمبر",
      sender: { name: "ليلى أحمد" },
      body: "سيادة الوزير،\n\nأكتب إليكم بشأن الطالبة المحتجزة منذ عامين. أطالبكم بالإفراج عنها دون تأخير وضمان حمايتها من التعذيب.\n\nمع الاحترام",
    },
  },
  "zh-Hans": {
    font: "NotoSansCJKsc-Regular",
    input: {
      language: "zh-Hans",
      target: target("司法部长", "司法部\n朝阳门南大街10号\n北京市 100020\n中国"),
      date: "2024年12月10日",
      sender: { name: "王小明" },
      body: "尊敬的部长：\n\n我写信是为了关注一位自2019年以来被拘留的学生。我敦促您立即无条件释放她，并确保她不受酷刑和其他虐待。\n\n此致敬礼",
    },
  },
  hi: {
    font: "NotoSansDevanagari-Regular",
    input: {
      language: "hi",
      target: target("गृह मंत्री", "गृह मंत्रालय\nनॉर्थ ब्लॉक\nनई दिल्ली 110001\nभारत"),
      date: "10 दिसंबर 2024",
      sender: { name: "अनन्या शर्मा" },
      body: "माननीय मंत्री जी,\n\nमैं आपको उस छात्रा के बारे में लिख रहा हूँ जो 2019 से हिरासत में है। मैं आग्रह करता हूँ कि उसे तुरंत रिहा करें। क्षमा, श्रद्धा, द्वार, प्रश्न, स्वतंत्रता।\n\nसादर,",
    },
  },
  ru: {
    font: "NotoSans-Regular",
    input: {
      language: "ru",
      target: target("Министр юстиции", "Министерство юстиции\nул. Житная, 14\nМосква, 119991\nРоссия"),
      date: "10 декабря 2024 г.",
      sender: { name: "Анна Иванова", address: "ул. Ленина, 1\nКазань" },
      body: "Уважаемый господин министр!\n\nЯ пишу вам по поводу студентки, которая находится под стражей с 2019 года. Призываю вас немедленно освободить её.\n\nС уважением,",
    },
  },
};

function sample(language: string): LetterInput {
  const found = SAMPLES[language];
  assert.ok(found, language);
  return { ...found.input, paper: "a4" };
}

const BUNDLED = new Set([
  "NotoSans-Regular",
  "NotoNaskhArabic-Regular",
  "NotoSansHebrew-Regular",
  "NotoSansDevanagari-Regular",
  "NotoSansCJKsc-Regular",
]);
const PAGE = { a4: [595.28, 841.89], letter: [612, 792] } as const;
const MARGIN = 56.69; // 20 mm

describe("renderLetterPdf", () => {
  for (const [language, { input, font }] of Object.entries(SAMPLES)) {
    for (const paper of ["a4", "letter"] as const) {
      it(`${language} on ${paper}: page size, bundled fonts, text in reading order`, async () => {
        const pdf = read(await renderLetterPdf({ ...input, paper }));
        assert.ok(Math.abs(pdf.width - PAGE[paper][0]) < 0.1, `width ${pdf.width}`);
        assert.ok(Math.abs(pdf.height - PAGE[paper][1]) < 0.1, `height ${pdf.height}`);
        const fonts = pdf.fonts.map((f) => f.replace(/-Identity-H$/, ""));
        assert.ok(fonts.includes(font), `${font} in ${fonts.join(", ")}`);
        for (const f of fonts) assert.ok(BUNDLED.has(f), `${f} is a bundled font`);
        assert.equal(pdf.notdef, 0, "no character is missing from the fonts");
        assert.deepEqual(pdf.blank, [], "every character leaves ink on the page");

        const paragraphs = input.body.split("\n\n");
        if (language === "ar") {
          // Extractors place neutral punctuation around right-to-left runs by guesswork, so
          // Arabic is compared word by word, in logical order.
          for (const p of paragraphs) assertContainsRun(words(pdf.text), words(p));
          assertContainsRun(words(pdf.text), words(input.target.postalAddress));
        } else {
          for (const p of paragraphs)
            assert.ok(squash(pdf.text).includes(squash(p)), `"${p}" in\n${pdf.text}`);
          assert.ok(squash(pdf.text).includes(squash(input.target.postalAddress)));
        }
        assert.ok(squash(pdf.text).includes(squash(input.date)));
        for (const line of (input.sender?.address ?? "").split("\n"))
          assert.ok(squash(pdf.text).includes(squash(line)));
        assert.ok(squash(pdf.text).endsWith(squash(input.sender?.name ?? "")), "sender's name at the bottom");
      });
    }
  }

  it("aligns right-to-left letters to the right margin, others to the left", async () => {
    for (const language of ["ar", "ru"]) {
      const pdf = read(await renderLetterPdf(sample(language)));
      const last = pdf.lines.at(-1); // the sender's name
      assert.ok(last);
      if (language === "ar")
        assert.ok(Math.abs(last.x1 - (PAGE.a4[0] - MARGIN)) < 1, `right edge ${last.x1}`);
      else assert.ok(Math.abs(last.x0 - MARGIN) < 1, `left edge ${last.x0}`);
    }
  });

  it("joins Arabic letters: the same letter takes narrower connected forms inside a word", async () => {
    const body = "بببب\n\nب";
    const pdf = read(await renderLetterPdf({ ...sample("ar"), body }));
    const joined = pdf.lines.find((l) => l.text === "بببب");
    const alone = pdf.lines.find((l) => l.text === "ب");
    assert.ok(joined && alone, pdf.text);
    const isolated = alone.chars[0]?.width ?? 0;
    // Unshaped text would repeat the isolated form four times; the initial and medial forms
    // are a short tooth on the baseline.
    for (const c of joined.chars.slice(0, 3)) assert.ok(c.width < isolated / 2, `${c.width} vs ${isolated}`);
    for (const c of joined.chars) assert.match(c.font, /NotoNaskhArabic/);
  });

  it("forms Devanagari conjuncts: क्ष is one glyph narrower than क and ष side by side", async () => {
    const body = "क्ष\n\nक\n\nष";
    const pdf = read(await renderLetterPdf({ ...sample("hi"), body }));
    const width = (text: string) => {
      const line = pdf.lines.find((l) => l.text === text);
      assert.ok(line, `${text} in ${pdf.text}`);
      return line.x1 - line.x0;
    };
    assert.ok(width("क्ष") < width("क") + width("ष") - 2);
  });

  it("shows markup, escapes and JSON syntax in the body as plain text", async () => {
    const hostile = [
      '#panic("boom") #read("/etc/passwd") #import "@preview/x:0.1.0": *',
      "*bold* _em_ $x^2$ `raw` \\ \\u{41} ] [ } { @ref <label> ~ -- ... \"quoted\" 'single'",
      "// not a comment /* nor this */ = not a heading",
      '\\"}, "paragraphs": ["injected"], "x": "',
      "- not a list\n+ not an enum\n/ not: terms",
    ].join("\n\n");
    const pdf = read(await renderLetterPdf({ ...sample("ru"), language: "en", body: hostile }));
    for (const p of hostile.split("\n\n"))
      assert.ok(squash(pdf.text).includes(squash(p)), `"${p}" in\n${pdf.text}`);
    assert.ok(!pdf.text.includes("root:"));
  });

  it("drops control characters and lone surrogates instead of failing", async () => {
    const body = "Hello\u0000 world\u0007 \uD800 end";
    const pdf = read(await renderLetterPdf({ ...sample("ru"), language: "en", body }));
    assert.match(pdf.text, /Hello world \uFFFD end/);
  });

  it(`refuses a body longer than ${LETTER_BODY_MAX_CHARS} characters with a typed error`, async () => {
    const input = sample("ru");
    // 10,000 characters of words in paragraphs: several pages, numbered.
    const phrase = "Свободу узникам совести! ".repeat(LETTER_BODY_MAX_CHARS / 25);
    const longest = [phrase.slice(0, 4000), phrase.slice(4000, 10000 - 2)].join("\n\n");
    assert.equal(longest.length, LETTER_BODY_MAX_CHARS);
    const doc = mupdf.Document.openDocument(
      await renderLetterPdf({ ...input, body: longest }),
      "application/pdf",
    );
    assert.ok(doc.countPages() >= 3, `${doc.countPages()} pages`);
    assert.match(doc.loadPage(0).toStructuredText("").asText(), new RegExp(`1 / ${doc.countPages()}`));
    await assert.rejects(renderLetterPdf({ ...input, body: "я".repeat(LETTER_BODY_MAX_CHARS + 1) }), (e) => {
      assert.ok(e instanceof LetterInputError);
      assert.equal(e.code, "letter_too_long");
      assert.equal(e.status, 422);
      assert.equal(e.field, "body");
      assert.equal(e.limit, LETTER_BODY_MAX_CHARS);
      return true;
    });
  });

  it("refuses an empty body, an overlong field and a malformed language", async () => {
    const input = sample("ru");
    const code = (e: unknown) => (e instanceof LetterInputError ? e.code : String(e));
    await assert.rejects(
      renderLetterPdf({ ...input, body: " \n\n \r\n" }),
      (e) => code(e) === "letter_empty",
    );
    await assert.rejects(
      renderLetterPdf({ ...input, date: "x".repeat(101) }),
      (e) => code(e) === "letter_too_long",
    );
    await assert.rejects(
      renderLetterPdf({ ...input, language: "not a tag!" }),
      (e) => code(e) === "letter_language_invalid",
    );
  });
});
