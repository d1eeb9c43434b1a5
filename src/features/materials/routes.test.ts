import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { decodeQr, readPdf, squash } from "../../../test/support/pdf.js";

// The public routes of the materials: what they answer for the demo edition, their caching
// (ETag, 304, a new PDF once the content changes) and the answers to what names no material.

const PUBLIC_URL = "https://w4r.example.org";
let t: TestApp;

before(async () => {
  t = await startTestApp({ PUBLIC_URL });
});
after(() => t.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: "GET", url, headers });
const bytes = (response: { rawPayload: Buffer }) => new Uint8Array(response.rawPayload);

describe("materials over HTTP", () => {
  it("case sheet: a PDF in the language asked, its QR code the case page in that language, cached with an ETag", async () => {
    const first = await get("/es/cases/gao-zhisheng/case-sheet.pdf");
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers["content-type"], "application/pdf");
    assert.match(String(first.headers["cache-control"]), /^public, max-age=\d+$/);
    assert.equal(first.headers["content-security-policy"], undefined, "no page policy on a PDF");
    const etag = String(first.headers.etag);
    assert.match(etag, /^"[\w-]{27}"$/);
    const pages = readPdf(bytes(first));
    assert.ok(pages.length <= 2);
    const text = squash(pages.map((p) => p.text).join("\n"));
    assert.ok(
      text.includes(squash("Liberen a Gao Zhisheng de inmediato y sin condiciones")),
      "the Spanish ask",
    );
    assert.ok(text.includes(squash("Estimado/a Wen Jiabao:")), "the Spanish salutation");
    assert.ok(text.includes(squash("Ministry of Justice")), "the second target's address");
    assert.equal(decodeQr(bytes(first), pages.length - 1, 150), `${PUBLIC_URL}/es/cases/gao-zhisheng`);

    const again = await get("/es/cases/gao-zhisheng/case-sheet.pdf");
    assert.equal(again.headers.etag, etag, "the same PDF from the cache");
    const notModified = await get("/es/cases/gao-zhisheng/case-sheet.pdf", { "if-none-match": etag });
    assert.equal(notModified.statusCode, 304);
    assert.equal(notModified.body, "");
    const letter = await get("/es/cases/gao-zhisheng/case-sheet.pdf?paper=letter");
    assert.equal(letter.statusCode, 200);
    assert.notEqual(letter.headers.etag, etag);
    assert.equal(Math.round(readPdf(bytes(letter))[0]?.height ?? 0), 792);
  });

  it("a change to the case makes a new PDF", async () => {
    const before = await get("/en/cases/gao-zhisheng/case-sheet.pdf");
    await t.db.pool.query(
      `UPDATE case_texts SET ask = 'Free Gao Zhisheng today.' WHERE language = 'en'
          AND case_id = (SELECT id FROM cases WHERE slug = 'gao-zhisheng')`,
    );
    await t.runtime.catalogChanged();
    const after = await get("/en/cases/gao-zhisheng/case-sheet.pdf");
    assert.notEqual(after.headers.etag, before.headers.etag);
    assert.ok(squash(readPdf(bytes(after))[0]?.text ?? "").includes(squash("Free Gao Zhisheng today.")));
  });

  it("the case's photo (as JPEG) and where its solidarity cards go are on its materials", async () => {
    const webp = await sharp({ create: { width: 400, height: 300, channels: 3, background: "#3a6" } })
      .webp()
      .toBuffer();
    const set = randomUUID();
    await t.db.pool.query(
      `INSERT INTO case_photos (id, set_id, case_id, width, height, content_type, bytes)
       SELECT $1, $1, id, 400, 300, 'image/webp', $2 FROM cases WHERE slug = 'coastei-street'`,
      [set, webp],
    );
    await t.db.pool.query("UPDATE cases SET photo_id = $1 WHERE slug = 'coastei-street'", [set]);
    // Where cards go is a text of the case, written in its source language.
    await t.db.pool.query(
      `UPDATE case_texts t SET cards_address = $1 FROM cases c
        WHERE c.slug = 'coastei-street' AND t.case_id = c.id AND t.language = c.source_language`,
      ["Coastei Street residents\nc/o Amnesty Romania\nCluj-Napoca"],
    );
    await t.runtime.catalogChanged();
    const sheet = await get("/en/cases/coastei-street/case-sheet.pdf");
    assert.equal(sheet.statusCode, 200);
    assert.ok(sheet.rawPayload.includes("/DCTDecode"), "the photo, embedded as JPEG");
    const cards = readPdf(bytes(await get("/en/cases/coastei-street/solidarity-cards.pdf")));
    assert.ok(squash(cards[1]?.text ?? "").includes(squash("c/o Amnesty Romania")));
    const poster = await get("/en/cases/coastei-street/poster.pdf");
    assert.ok(poster.rawPayload.includes("/DCTDecode"));
  });

  it("a language without an interface catalog: the case's own texts, the words around them in English", async () => {
    await t.db.pool.query(
      `INSERT INTO case_texts (case_id, language, title, summary, story, ask, public)
       SELECT id, 'hi', 'गाओ झिशेंग', 'एक मानवाधिकार वकील।', 'गाओ झिशेंग जेल में हैं।', 'गाओ झिशेंग को तुरंत रिहा करें।', true
         FROM cases WHERE slug = 'gao-zhisheng'`,
    );
    await t.runtime.catalogChanged();
    const sheet = await get("/hi/cases/gao-zhisheng/case-sheet.pdf");
    assert.equal(sheet.statusCode, 200);
    const pages = readPdf(bytes(sheet));
    const text = squash(pages.map((p) => p.text).join("\n"));
    for (const expected of ["गाओ झिशेंग को तुरंत रिहा करें।", "What we ask", "How to send"])
      assert.ok(text.includes(squash(expected)), expected);
    assert.ok(pages.every((p) => p.notdef === 0));
    assert.equal(decodeQr(bytes(sheet), pages.length - 1, 150), `${PUBLIC_URL}/hi/cases/gao-zhisheng`);
    // Languages the case is not published in still name no material.
    assert.equal((await get("/de/cases/gao-zhisheng/case-sheet.pdf")).statusCode, 404);
  });

  it("letters: one page per target; solidarity cards: two A4 pages; poster on A3", async () => {
    const targets = await t.db.pool.query(
      "SELECT count(*)::int AS n FROM targets WHERE case_id = (SELECT id FROM cases WHERE slug = 'gao-zhisheng')",
    );
    const letters = await get("/fr/cases/gao-zhisheng/letters.pdf");
    assert.equal(letters.statusCode, 200);
    assert.equal(readPdf(bytes(letters)).length, targets.rows[0].n);
    assert.ok(squash(readPdf(bytes(letters))[1]?.text ?? "").includes(squash("Madame, Monsieur,")));
    const cards = readPdf(bytes(await get("/en/cases/gao-zhisheng/solidarity-cards.pdf")));
    assert.equal(cards.length, 2);
    assert.equal(Math.round(cards[0]?.width ?? 0), 595);
    const poster = await get("/ru/cases/gao-zhisheng/poster.pdf?paper=a3");
    assert.equal(poster.statusCode, 200);
    assert.equal(Math.round(readPdf(bytes(poster))[0]?.height ?? 0), 1191);
    assert.equal(decodeQr(bytes(poster), 0, 90), `${PUBLIC_URL}/ru/cases/gao-zhisheng`);
  });

  it("event kit: the catalog's how-to, and a QR code to the report page", async () => {
    const kit = await get("/es/event-kit.pdf");
    assert.equal(kit.statusCode, 200);
    const text = squash(
      readPdf(bytes(kit))
        .map((p) => p.text)
        .join("\n"),
    );
    assert.ok(text.includes(squash("Cuenta cada carta y cada tarjeta antes de enviarlas.")));
    assert.equal(decodeQr(bytes(kit), 0, 150), `${PUBLIC_URL}/office/reports/new`);
  });

  it("every material in A4 and US Letter; without ?paper= the reader's region decides", async () => {
    const SIZE = { a4: [595.28, 841.89], letter: [612, 792] } as const;
    const paths = [
      ...["case-sheet", "letters", "solidarity-cards", "poster"].map((m) => `/es/cases/rosa-franco/${m}.pdf`),
      "/es/event-kit.pdf",
    ];
    const sizeOf = async (url: string, headers: Record<string, string> = {}) => {
      const response = await get(url, headers);
      assert.equal(response.statusCode, 200, url);
      const pages = readPdf(bytes(response));
      assert.ok(pages.length > 0, url);
      // Every page of the document is on the one paper.
      const sizes = new Set(pages.map((p) => `${Math.round(p.width)}x${Math.round(p.height)}`));
      assert.equal(sizes.size, 1, `${url}: ${[...sizes].join(", ")}`);
      return { response, width: pages[0]?.width ?? 0, height: pages[0]?.height ?? 0 };
    };
    const assertPaper = (
      found: { width: number; height: number },
      paper: keyof typeof SIZE,
      what: string,
    ) => {
      assert.ok(Math.abs(found.width - SIZE[paper][0]) < 0.5, `${what}: width ${found.width}`);
      assert.ok(Math.abs(found.height - SIZE[paper][1]) < 0.5, `${what}: height ${found.height}`);
    };
    for (const path of paths) {
      for (const paper of ["a4", "letter"] as const) {
        const found = await sizeOf(`${path}?paper=${paper}`, { "accept-language": "es-MX" });
        assertPaper(found, paper, `${path} ${paper}`);
        assert.equal(found.response.headers.vary, undefined, "asked for: the same for everyone");
      }
      // A reader in Mexico or the United States gets Letter, one in Spain A4, one who says
      // nothing A4; the answer says it depends on Accept-Language.
      for (const [language, paper] of [
        ["es-MX,es;q=0.9", "letter"],
        ["en-US", "letter"],
        ["es-ES,es;q=0.9", "a4"],
      ] as const) {
        const found = await sizeOf(path, { "accept-language": language });
        assertPaper(found, paper, `${path} for ${language}`);
        assert.match(String(found.response.headers.vary), /accept-language/i);
      }
      assertPaper(await sizeOf(path), "a4", `${path} with no Accept-Language`);
    }
  });

  it("answers 404 for an unknown case or language and 400 for a paper the material has not", async () => {
    for (const url of [
      "/en/cases/nobody/case-sheet.pdf",
      "/de/cases/gao-zhisheng/letters.pdf",
      "/not%20a%20tag/cases/gao-zhisheng/poster.pdf",
      "/en/cases/Not_A_Slug/poster.pdf",
      "/hi/event-kit.pdf",
    ]) {
      const response = await get(url);
      assert.equal(response.statusCode, 404, url);
    }
    for (const url of ["/en/cases/gao-zhisheng/case-sheet.pdf?paper=a3", "/en/event-kit.pdf?paper=b5"]) {
      const response = await get(url);
      assert.equal(response.statusCode, 400, url);
      assert.match(response.body, /paper_invalid/);
    }
  });

  it("the case page links its materials in the reader's language; the events page the event kit", async () => {
    const page = await get("/es/cases/gao-zhisheng");
    assert.equal(page.statusCode, 200);
    for (const material of ["case-sheet", "letters", "solidarity-cards"])
      assert.ok(page.body.includes(`href="/es/cases/gao-zhisheng/${material}.pdf?paper=a4"`), material);
    // The letter form offers each target, as plain HTML the same for every visitor.
    assert.match(page.body, /<select id="letter-target" name="target"><option value="0">/);
    assert.match(page.body, /Estimado\/a Wen Jiabao:/);
    const events = await get("/ru/events");
    assert.ok(events.body.includes('href="/ru/event-kit.pdf?paper=a4"'));
  });

  it("the letter from the case page's form is addressed and greeted as chosen", async () => {
    const page = await get("/en/cases/gao-zhisheng");
    const sample = /<textarea[^>]*name="body"[^>]*>([^<]*)<\/textarea>/.exec(page.body)?.[1] ?? "";
    assert.ok(sample.startsWith("Dear Wen Jiabao,"), sample);
    const response = await t.app.inject({
      method: "POST",
      url: "/en/cases/gao-zhisheng/letter.pdf?paper=a4",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ body: sample.replace(/\n/g, "\r\n"), target: "1" }).toString(),
    });
    assert.equal(response.statusCode, 200);
    const text = squash(readPdf(bytes(response))[0]?.text ?? "");
    assert.ok(text.includes(squash("Dear Wu Aiying,")), "greets the chosen target");
    assert.ok(!text.includes(squash("Dear Wen Jiabao,")));
    assert.ok(text.includes(squash("10 Chaoyangmen Nandajie")), "the chosen target's address");
  });
});
