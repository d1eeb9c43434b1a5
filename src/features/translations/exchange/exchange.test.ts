import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../../test/support/app.js";
import { makeUser, type OfficeClient, officeClient } from "../../../../test/support/office.js";
import { caseForm, createCase } from "../../cases/fixtures.js";
import { exportOf, fieldStatuses, fillPo, fillXliff, importInto } from "./exchange.fixtures.js";
import { canExchangeCatalogs, mayApproveImport } from "./policy.js";

// Case texts out as XLIFF 2.0, XLIFF 1.2 and PO, filled in by script as a translator's tool
// would, and back in: the texts stored with the right statuses, or the whole file refused.

let t: TestApp;
let admin: OfficeClient;
let spanish: OfficeClient;
let french: OfficeClient;
let caseId: number;
const SLUG = "exchange-case";

before(async () => {
  t = await startTestApp();
  admin = await officeClient(t, await makeUser(t, "admin"));
  spanish = await officeClient(t, await makeUser(t, "translator", { languages: ["es"] }));
  french = await officeClient(t, await makeUser(t, "translator", { languages: ["fr"] }));
  caseId = await createCase(t, admin, {
    slug: SLUG,
    sample_letter: "Dear Attorney General,\n\nPlease protect María & her family <now>.",
  });
});
after(async () => {
  await t.close();
});

const exportFile = (client: OfficeClient, query: string) => exportOf(client, query);
const importFile = importInto;
const rowsOf = (language: string, id = caseId) => fieldStatuses(t, id, language);
const textsOf = async (language: string, id = caseId) =>
  (
    await t.db.pool.query(
      "SELECT title, summary, story, ask, sample_letter FROM case_texts WHERE case_id = $1 AND language = $2",
      [id, language],
    )
  ).rows[0];
const prefix = (language: string) => (id: string, source: string) =>
  id.startsWith(`case/${SLUG}/`) ? `[${language}] ${source}` : undefined;

/** The statuses of the case's own fields, and the statuses of its targets' fields in a list. */
function split(rows: Record<string, string | undefined>) {
  const own = Object.fromEntries(Object.entries(rows).filter(([k]) => !k.startsWith("target.")));
  const targets = Object.entries(rows)
    .filter(([k]) => k.startsWith("target."))
    .map(([k, v]) => `${k.replace(/^target\.\d+\./, "")}: ${v}`)
    .sort();
  return { own, targets };
}

test("the export holds every translatable field as a unit with its source, target, state and notes", async () => {
  const xliff = await exportFile(spanish, `language=es&format=xliff2&case=${SLUG}`);
  assert.match(String(xliff.headers["content-type"]), /application\/xliff\+xml/);
  assert.match(String(xliff.headers["content-disposition"]), /attachment; filename="exchange-case\.es\.xlf"/);
  for (const field of ["title", "summary", "story", "ask", "sample_letter"])
    assert.match(xliff.body, new RegExp(`<unit id="case/${SLUG}/${field}"`));
  assert.doesNotMatch(xliff.body, /photo_alt/, "an empty optional source is not to translate");
  assert.match(xliff.body, /srcLang="en" trgLang="es"/);
  assert.match(xliff.body, /<segment state="initial" subState="inkwell:missing">/);
  assert.match(xliff.body, /<note>Field: Story<\/note>/);
  assert.match(xliff.body, /slr:sizeRestriction="20000"/);
  assert.match(xliff.body, /<mda:meta type="source-revision">1<\/mda:meta>/);
  assert.match(xliff.body, /<mda:meta type="signature">[\w-]{43}<\/mda:meta>/);
  assert.match(xliff.body, /María &amp; her family &lt;now&gt;/);
  const v12 = await exportFile(spanish, `language=es&format=xliff12&case=${SLUG}`);
  assert.match(v12.body, /version="1\.2"/);
  assert.match(
    v12.body,
    /<trans-unit id="case\/exchange-case\/ask" maxwidth="2000" size-unit="char" iw:source-revision="1">/,
  );
  const po = await exportFile(spanish, `language=es&format=po&case=${SLUG}`);
  assert.match(String(po.headers["content-type"]), /text\/x-gettext-translation/);
  assert.match(po.body, /msgctxt "case\/exchange-case\/title"\nmsgid "María Test"/);
  assert.match(po.body, /#\. Field: Story\n#\. At most 20,000 characters\n#\. source revision: 1/);
  // The whole edition: this case and the demo's, and nobody exports a language they do not translate.
  const edition = await exportFile(spanish, "language=es&format=po");
  assert.ok((edition.body.match(/^msgctxt /gm) ?? []).length > 5);
  // The panel's "every case" option sends an empty case, campaign named: the same file.
  const fromPanel = await exportFile(spanish, "campaign=w4r-2012&language=es&format=po&case=");
  assert.equal(
    (fromPanel.body.match(/^msgctxt /gm) ?? []).length,
    (edition.body.match(/^msgctxt /gm) ?? []).length,
  );
  assert.equal((await spanish.get(`/office/translations/export?language=fr&format=po`)).statusCode, 403);
  assert.equal((await spanish.get("/office/translations/export?language=es&format=docx")).statusCode, 400);
  assert.equal(
    (await spanish.get("/office/translations/export?language=es&format=po&case=nope")).statusCode,
    404,
  );
  assert.equal(
    (await admin.get(`/office/translations/export?language=en&format=po&case=${SLUG}`)).statusCode,
    409,
  );
});

test("the translations page offers the panel; interface messages only to admins", async () => {
  const page = (await spanish.get("/office/translations")).body;
  assert.match(page, /<h2 id="exchange">Export \/ Import<\/h2>/);
  assert.match(page, /action="\/office\/translations\/import" enctype="multipart\/form-data"/);
  assert.match(page, new RegExp(`<option value="${SLUG}">`));
  assert.doesNotMatch(page, /catalogs\/import/);
  assert.match(
    (await admin.get("/office/translations")).body,
    /action="\/office\/translations\/catalogs\/import"/,
  );
});

test("XLIFF 2.0 round trip: the filled targets are stored as needing review", async () => {
  const exported = await exportFile(spanish, `language=es&format=xliff2&case=${SLUG}`);
  const response = await importFile(spanish, fillXliff(exported.body, prefix("es"), "final"), {
    language: "es",
  });
  assert.equal(response.statusCode, 200, response.body.slice(0, 500));
  assert.match(response.body, /8 units imported into es, 0 unchanged, 0 refused/);
  assert.deepEqual(split(await rowsOf("es")), {
    own: {
      title: "needs_review",
      summary: "needs_review",
      story: "needs_review",
      ask: "needs_review",
      sample_letter: "needs_review",
      cards_address: "needs_review",
    },
    targets: ["address: needs_review", "title: needs_review"],
  });
  const texts = await textsOf("es");
  assert.equal(texts.title, "[es] María Test");
  assert.equal(
    texts.sample_letter,
    "[es] Dear Attorney General,\n\nPlease protect María & her family <now>.",
  );
  // Audited like the editor's save, and not public until approved.
  const audit = await t.db.pool.query(
    "SELECT count(*)::int AS n FROM audit_log WHERE entity = 'case_text' AND entity_id = $1",
    [`${caseId}:es`],
  );
  assert.equal(audit.rows[0].n, 1);
  // The same file again changes nothing; asking to approve approves what it marks final.
  const again = await importFile(spanish, fillXliff(exported.body, prefix("es"), "final"));
  assert.match(again.body, /0 units imported into es, 8 unchanged/);
  const approved = await importFile(spanish, fillXliff(exported.body, prefix("es"), "final"), {
    approve: "1",
  });
  assert.match(approved.body, /8 units imported/);
  assert.equal((await rowsOf("es")).story, "approved");
  const page = await t.app.inject({ method: "GET", url: `/es/cases/${SLUG}` });
  assert.match(page.body, /\[es\] María Test/);
});

test("XLIFF 1.2 round trip, approved where the file says final and the importer may approve", async () => {
  const exported = await exportFile(admin, `language=fr&format=xliff12&case=${SLUG}`);
  const filled = fillXliff(
    exported.body,
    (id, source) => (id.endsWith("/story") ? undefined : prefix("fr")(id, source)),
    "final",
  );
  const response = await importFile(admin, filled, { language: "fr", approve: "1" });
  assert.equal(response.statusCode, 200, response.body.slice(0, 500));
  assert.deepEqual(split(await rowsOf("fr")), {
    own: {
      title: "approved",
      summary: "approved",
      ask: "approved",
      sample_letter: "approved",
      cards_address: "approved",
    },
    targets: ["address: approved", "title: approved"],
  });
  assert.equal((await textsOf("fr")).ask, "[fr] Protect María and investigate the threats.");
  // A state that is not final is only sent for review, even when approval is asked for.
  const second = await exportFile(french, `language=fr&format=xliff12&case=${SLUG}`);
  assert.match(second.body, /<target state="final">\[fr\] María Test<\/target>/);
  const story = fillXliff(
    second.body,
    (id) => (id.endsWith("/story") ? "[fr] L'histoire." : undefined),
    "translated",
  );
  await importFile(french, story, { approve: "1" });
  assert.equal((await rowsOf("fr")).story, "needs_review");
});

test("PO round trip: fuzzy entries need review, others are approved when asked and allowed", async () => {
  const exported = await exportFile(admin, `language=de&format=po&case=${SLUG}`);
  const filled = fillPo(exported.body, (id, source) =>
    id.endsWith("/title") ? undefined : prefix("de")(id, source),
  );
  const response = await importFile(admin, filled, { language: "de" });
  assert.equal(response.statusCode, 200, response.body.slice(0, 500));
  assert.deepEqual(split(await rowsOf("de")), {
    own: {
      summary: "needs_review",
      story: "needs_review",
      ask: "needs_review",
      sample_letter: "needs_review",
      cards_address: "needs_review",
    },
    targets: ["address: needs_review", "title: needs_review"],
  });
  const next = await exportFile(admin, `language=de&format=po&case=${SLUG}`);
  assert.match(next.body, /#, fuzzy\nmsgctxt "case\/exchange-case\/story"/);
  const titled = fillPo(next.body, (id) => (id.endsWith("/title") ? "María Test (de)" : undefined));
  await importFile(admin, titled, { approve: "1" });
  const rows = await rowsOf("de");
  assert.equal(rows.title, "approved");
  assert.equal(rows.story, "needs_review", "left fuzzy, not approved");
});

test("a large file is read on a worker thread, and refused there like a small one", async () => {
  const exported = await exportFile(admin, `language=it&format=xliff2&case=${SLUG}`);
  const padding = `<!--${"padding ".repeat(40_000)}-->`;
  const filled = fillXliff(exported.body, (id) => (id.endsWith("/title") ? "María Prova" : undefined));
  const large = `${filled}\n${padding}`;
  assert.ok(Buffer.byteLength(large) > 300_000);
  const response = await importFile(admin, large);
  assert.equal(response.statusCode, 200, response.body.slice(0, 500));
  assert.equal((await rowsOf("it")).title, "needs_review");
  const broken = await importFile(admin, `${padding}\n${filled.replace("</unit>", "</unt>")}`);
  assert.equal(broken.statusCode, 422);
  assert.match(broken.body, /not well-formed XML.*\(line \d+\)/);
  // The worker words it in the language of the request it reads for, as a small file's is.
  const spanishAdmin = await officeClient(t, admin.user, { acceptLanguage: "es" });
  for (const text of [
    `${padding}\n${filled.replace("</unit>", "</unt>")}`,
    filled.replace("</unit>", "</unt>"),
  ]) {
    const refused = await importFile(spanishAdmin, text);
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /El archivo no es XML bien formado: .*\(línea \d+\)/);
  }
  const polish = await officeClient(t, admin.user, { acceptLanguage: "pl" });
  const empty = await importFile(polish, " ");
  assert.match(empty.body, /Plik jest pusty \(wiersz 1\)/);
});

test("answers JSON to a client that asks for it, and problem+json for a bad file", async () => {
  const exported = await exportFile(admin, `language=ru&format=xliff2&case=${SLUG}`);
  const post = async (text: string) => {
    const page = await admin.get("/office/translations");
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? "";
    const boundary = "----exchange";
    const body = [
      `--${boundary}\r\ncontent-disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n`,
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="f.xlf"\r\ncontent-type: application/xml\r\n\r\n${text}\r\n`,
      `--${boundary}--\r\n`,
    ].join("");
    return t.app.inject({
      method: "POST",
      url: "/office/translations/import",
      headers: {
        accept: "application/json",
        cookie: Object.entries(admin.cookies)
          .map(([k, v]) => `${k}=${v}`)
          .join("; "),
        "content-type": `multipart/form-data; boundary=${boundary}`,
      },
      payload: body,
    });
  };
  const ok = await post(
    fillXliff(exported.body, (id) => (id.endsWith("/ask") ? "Защитите Марию." : undefined)),
  );
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(ok.json(), {
    language: "ru",
    imported: [{ id: `case/${SLUG}/ask`, status: "needs_review" }],
    refused: [],
    unchanged: 7,
  });
  const bad = await post(exported.body.replace("</file>", ""));
  assert.equal(bad.statusCode, 422);
  assert.match(String(bad.headers["content-type"]), /application\/problem\+json/);
  assert.equal(bad.json().code, "malformed_xml");
  assert.equal(typeof bad.json().line, "number");
});

test("units whose source changed since the export are refused and listed; the others are imported", async () => {
  const id = await createCase(t, admin, { slug: "exchange-changed" });
  const exported = (await exportFile(spanish, "language=es&format=xliff2&case=exchange-changed")).body;
  const edited = await admin.post(
    `/office/cases/${id}`,
    caseForm(t, { slug: "exchange-changed", story: "María reports on disappearances.\n\nShe was arrested." }),
  );
  assert.equal(edited.statusCode, 303, edited.body.slice(0, 500));
  const filled = fillXliff(exported, (_unit, source) => `[es] ${source}`);
  const response = await importFile(spanish, filled);
  assert.equal(response.statusCode, 200, response.body.slice(0, 500));
  assert.match(response.body, /6 units imported into es, 0 unchanged, 1 refused/);
  const storyLine = filled.slice(0, filled.indexOf('id="case/exchange-changed/story"')).split("\n").length;
  assert.match(
    response.body,
    new RegExp(
      `<code>case/exchange-changed/story</code></td><td>${storyLine}</td><td>The source changed after the export \\(revision 1, now 2\\)`,
    ),
  );
  const rows = await rowsOf("es", id);
  assert.equal(rows.story, undefined, "the story was not written");
  assert.equal(rows.ask, "needs_review");
});

test("who may approve an import, and exchange the interface's messages", async () => {
  const user = (role: "admin" | "translator", languages: string[] = []) =>
    ({ id: 1, email: "x@example.org", name: "x", role, sectionIds: [], languages }) as unknown as Parameters<
      typeof mayApproveImport
    >[0];
  assert.equal(mayApproveImport(user("translator", ["es"]), "es", false), true);
  assert.equal(mayApproveImport(user("translator", ["es"]), "fr", false), false);
  assert.equal(mayApproveImport(user("admin"), "fr", false), true);
  // Four eyes: the importer wrote the texts, so someone else approves them.
  assert.equal(mayApproveImport(user("translator", ["es"]), "es", true), false);
  assert.equal(mayApproveImport(user("admin"), "es", true), false);
  assert.equal(canExchangeCatalogs(user("admin")), true);
  assert.equal(canExchangeCatalogs(user("translator", ["es"])), false);
});
