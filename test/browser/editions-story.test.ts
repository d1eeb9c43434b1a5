import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import type { UserRow } from "../../src/features/office/users.js";
import { packBuilderOf } from "../../src/features/packs/index.js";
import { fillXliff } from "../../src/features/translations/exchange/exchange.fixtures.js";
import type { TestApp } from "../support/app.js";
import { startBrowserApp } from "../support/browser.js";
import { makeUser, TEST_PASSWORD } from "../support/office.js";
import { readPdf, squash } from "../support/pdf.js";
import { opened } from "../support/personal.js";
import { unzip } from "../support/zip.js";

// Issue 11's story, each person in a browser of her own: an admin creates the 2013 edition
// carrying two of 2012's cases over; Spain asks for four eyes on Spanish; a Spanish translator —
// her back office in Spanish — exports every unit as XLIFF 2.0, a script fills the new ask as
// her tool would, she imports it and cannot approve her own work; a second translator approves
// it; the public Spanish case sheet and poster now carry it; Spain's coordinator is emailed
// that her pack changed and downloads it; the international team sees the download.
//
// Nothing here is timed: every wait is for a state, with generous bounds for a loaded machine.

let t: TestApp;
let base: string;
let browser: Browser;
let close: () => Promise<void>;
before(async () => {
  ({ t, base, browser, close } = await startBrowserApp({ LOGIN_RATE_LIMIT: "0" }));
});
after(() => close());

const NEW_ASK = "Justicia para María Isabel, ya.";
const WAIT = { timeout: 60_000 };

/** A fresh browser context (its own cookies, its own language) logged in through the login form. */
async function logIn(user: UserRow, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  context.setDefaultTimeout(WAIT.timeout);
  const page = await context.newPage();
  await page.goto(`${base}/office/login`);
  await page.fill("#f-email", user.email);
  await page.fill("#f-password", TEST_PASSWORD);
  await Promise.all([
    page.waitForURL(`${base}/office`, WAIT),
    page.click('form[action="/office/login"] button[type=submit]'),
  ]);
  return page;
}

async function submit(page: Page, form: string): Promise<void> {
  await Promise.all([page.waitForLoadState("load"), page.click(`${form} button[type=submit]`)]);
}

/** The text of a public PDF as a reader gets it, every page, whitespace ignored. */
async function pdfText(path: string): Promise<string> {
  const response = await fetch(`${base}${path}`);
  assert.equal(response.status, 200, path);
  return squash(
    readPdf(new Uint8Array(await response.arrayBuffer()))
      .map((p) => p.text)
      .join("\n"),
  );
}

/** The pack builder's pass for Spain in Spanish: what the background does for every section. */
async function buildSpanishPack(): Promise<void> {
  const builder = packBuilderOf(t.runtime);
  const spain = (await builder.sections()).get("ES");
  assert.ok(spain, "Spain's section");
  await builder.ensure(spain, "es");
}

// Mail is sealed at rest: read through the node's own keys.
const outboxTo = async (email: string) =>
  (
    await opened(
      t.db,
      "SELECT subject_sealed, body_sealed FROM outbox WHERE recipient_key = $1 ORDER BY id",
      [t.db.privacy.emailKey(email)],
    )
  ).map((row) => ({ subject: String(row.subject), body: String(row.body) }));

test("an edition carried over, translated through XLIFF with four eyes, reaches Spain's pack", {
  timeout: 600_000,
}, async () => {
  const admin = await makeUser(t, "admin");
  const maria = await makeUser(t, "translator", { languages: ["es"] });
  const reviewer = await makeUser(t, "translator", { languages: ["es"] });
  const coordinator = await makeUser(t, "coordinator", { countries: ["ES"] });
  const w2012 = t.runtime.catalog().campaigns.get("w4r-2012");
  assert.ok(w2012);
  const rosa = w2012.cases.get("rosa-franco");
  const gao = w2012.cases.get("gao-zhisheng");
  assert.ok(rosa && gao);
  // Spain features these two cases this year: its pack holds them.
  const spainId = t.runtime.sectionOf("ES");
  for (const [position, id] of [rosa, gao].entries())
    await t.db.pool.query(
      "INSERT INTO section_featured_cases (section_id, campaign_id, case_id, position) VALUES ($1, $2, $3, $4)",
      [spainId, w2012.id, id, position],
    );
  await t.runtime.catalogChanged();

  // 1. The admin creates the 2013 edition, compared with 2012, featuring two of its cases.
  const a = await logIn(admin);
  await a.goto(`${base}/office/campaigns/new`);
  const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  await a.fill("#f-slug", "w4r-2013");
  await a.fill("#f-title", "Write for Rights 2013");
  await a.fill("#f-intro", "Write a letter, change a life.");
  await a.fill("#f-starts_at", `${day(400)}T09:00`);
  await a.fill("#f-ends_at", `${day(425)}T18:00`);
  await a.fill("#f-goal", "2000000");
  await a.selectOption("#f-previous", "w4r-2012");
  await a.uncheck("#f-carry_over");
  await a.check(`#f-cases-${rosa}`);
  await a.check(`#f-cases-${gao}`);
  await submit(a, 'form[action="/office/campaigns/new"]');
  assert.match(a.url(), /\/office\/campaigns\/w4r-2013\?done=created$/);
  await a.goto(`${base}/office/campaigns`);
  assert.match((await a.textContent("main")) ?? "", /w4r-2013[\s\S]*upcoming/);
  const edition = (await (await fetch(`${base}/api/v1/campaigns/w4r-2013`)).json()) as {
    previous: string | null;
    cases: { slug: string; texts: Record<string, { ask: string }> }[];
  };
  assert.deepEqual(edition.cases.map((c) => c.slug).sort(), ["gao-zhisheng", "rosa-franco"]);
  assert.ok(
    edition.cases.every((c) => c.texts.es),
    "carried over with their Spanish translations",
  );

  // 2. Spain's coordinator chooses Spanish for her back office, and asks for a second person
  // on Spanish translations (four eyes).
  const co = await logIn(coordinator, { acceptDownloads: true });
  await co.selectOption("#office-locale", "es");
  await submit(co, 'form[action="/office/account/language"]');
  assert.equal(await co.getAttribute("html", "lang"), "es");
  await co.goto(`${base}/office/translations`);
  await co.check(`#f-review-${spainId}-es`);
  await submit(co, 'form[action="/office/translations/review"]');
  assert.match(co.url(), /done=review/);

  // What the Spanish reader gets before: Spain's pack as built, and the public materials.
  await buildSpanishPack();
  const sheetBefore = await pdfText("/es/cases/rosa-franco/case-sheet.pdf");
  const posterBefore = await pdfText("/es/cases/rosa-franco/poster.pdf");
  assert.ok(!sheetBefore.includes(squash(NEW_ASK)) && !posterBefore.includes(squash(NEW_ASK)));
  const mailsBefore = (await outboxTo(coordinator.email)).length;

  // 3. María's back office speaks Spanish (her browser asks for it); she exports every unit.
  const tr = await logIn(maria, { locale: "es-ES", acceptDownloads: true });
  await tr.goto(`${base}/office/translations`);
  assert.equal(await tr.getAttribute("html", "lang"), "es");
  const page = (await tr.textContent("body")) ?? "";
  assert.match(page, /Exportar/);
  assert.match(page, /Importar/);
  assert.doesNotMatch(page, /\bExport\b|\bImport\b|Log out/);
  await tr.selectOption("#x-export-language", "es");
  await tr.selectOption("#x-export-format", "xliff2");
  const [download] = await Promise.all([
    tr.waitForEvent("download", WAIT),
    tr.click('form[action="/office/translations/export"] button[type=submit]'),
  ]);
  const exported = await readFile(await download.path(), "utf8");
  assert.match(exported, /<xliff [^>]*version="2\.0"/);
  assert.match(exported, /id="case\/gao-zhisheng\/ask"/, "every case of the edition");
  const filled = fillXliff(exported, (id) => (id === "case/rosa-franco/ask" ? NEW_ASK : undefined));

  // She imports it: the ask waits for review; the public site still has the approved one.
  await tr.selectOption("#x-import-language", "es");
  await tr.setInputFiles("#x-import-file", {
    name: "w4r-2012.es.xlf",
    mimeType: "application/xliff+xml",
    buffer: Buffer.from(filled),
  });
  await Promise.all([
    tr.waitForURL(`${base}/office/translations/import`, WAIT),
    tr.click('form[action="/office/translations/import"] button[type=submit]'),
  ]);
  const result = (await tr.textContent("main")) ?? "";
  assert.match(result, /1 unidad importada al es/);
  assert.match(result, /case\/rosa-franco\/ask/);
  assert.equal(await pdfText("/es/cases/rosa-franco/poster.pdf"), posterBefore, "not approved yet");

  // She may not approve her own text: the refusal says why, in Spanish.
  await tr.goto(`${base}/office/translations/${rosa}/es`);
  assert.match((await tr.textContent("main")) ?? "", /segunda persona/);
  assert.equal(await tr.inputValue("#f-text-ask"), NEW_ASK);
  await tr.selectOption("#f-status-ask", "approved");
  await submit(tr, `form[action="/office/translations/${rosa}/es"]`);
  assert.match((await tr.textContent("main")) ?? "", /Otra persona tiene que aprobar este texto/);

  // 4. A second translator approves it.
  const rv = await logIn(reviewer);
  await rv.goto(`${base}/office/translations/${rosa}/es`);
  assert.equal(await rv.inputValue("#f-text-ask"), NEW_ASK);
  await rv.selectOption("#f-status-ask", "approved");
  await submit(rv, `form[action="/office/translations/${rosa}/es"]`);
  assert.match(rv.url(), /done=saved/);

  // 5. The Spanish case sheet and poster change: they carry the new ask.
  const sheetAfter = await pdfText("/es/cases/rosa-franco/case-sheet.pdf");
  const posterAfter = await pdfText("/es/cases/rosa-franco/poster.pdf");
  assert.notEqual(sheetAfter, sheetBefore);
  assert.notEqual(posterAfter, posterBefore);
  assert.ok(sheetAfter.includes(squash(NEW_ASK)), "the case sheet has the new ask");
  assert.ok(posterAfter.includes(squash(NEW_ASK)), "the poster has the new ask");

  // 6. Spain's pack is rebuilt and its coordinator is told what changed.
  await buildSpanishPack();
  const mails = (await outboxTo(coordinator.email)).slice(mailsBefore);
  assert.equal(mails.length, 1, JSON.stringify(mails));
  // In the language she chose: "new in Spanish: the Rosa Franco poster", in Spanish.
  assert.match(mails[0]?.subject ?? "", /^Paquete de casos modificado: Write for Rights Spain, español$/);
  assert.match(mails[0]?.body ?? "", /^- actualizado: el póster de Rosa Franco$/m);
  assert.match(mails[0]?.body ?? "", /^- actualizado: la hoja del caso de Rosa Franco$/m);
  assert.match(mails[0]?.body ?? "", /\/office\/materials\/ES\/es\.zip/);

  // 7. She downloads it from the materials page; the poster inside has the new ask.
  await co.goto(`${base}/office/materials`);
  assert.equal(await co.textContent("h1"), "Materiales");
  const [zip] = await Promise.all([
    co.waitForEvent("download", WAIT),
    co.click('a[href="/office/materials/ES/es.zip"]'),
  ]);
  const entries = await unzip(await readFile(await zip.path()));
  const poster = entries.get("rosa-franco/poster-rosa-franco-es.pdf");
  assert.ok(poster, [...entries.keys()].join(", "));
  const inside = squash(
    readPdf(new Uint8Array(poster))
      .map((p) => p.text)
      .join("\n"),
  );
  assert.ok(inside.includes(squash(NEW_ASK)), "the pack's poster has the new ask");

  // 8. The international team sees who downloaded which version, and when.
  await a.goto(`${base}/office/materials`);
  const downloads = (await a.textContent("#downloads + *")) ?? "";
  assert.match(downloads, new RegExp(`ES\\s*es[\\s\\S]*${coordinator.email.replace(/[.+]/g, "\\$&")}`));
});
