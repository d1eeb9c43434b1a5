import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, type OfficeClient, officeClient } from "../../../test/support/office.js";

// New sections (admins only) and a section's own texts, translated per language and shown on
// its public page in the reader's language once approved.

let t: TestApp;
let admin: OfficeClient;
before(async () => {
  t = await startTestApp();
  admin = await officeClient(t, await makeUser(t, "admin"));
});
after(async () => t.close());

async function snapshot() {
  const [sections, audits] = await Promise.all([
    t.db.pool.query("SELECT country, name, languages FROM sections ORDER BY id"),
    t.db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE entity = 'section'"),
  ]);
  return { sections: sections.rows, audits: audits.rows[0].n };
}

test("an admin creates a section; the catalog and its public page know it at once", async () => {
  assert.equal(t.runtime.sectionOf("UY"), undefined, "no section in Uruguay yet");
  assert.equal((await admin.get("/office/sections/new")).statusCode, 200);
  const created = await admin.post("/office/sections/new", {
    country: "uy",
    name: "Amnistía Uruguay",
    languages: "es-uy, ES, pt-br",
  });
  assert.equal(created.statusCode, 303, created.body);
  const id = t.runtime.sectionOf("UY");
  assert.ok(id, "in the catalog");
  assert.equal(created.headers.location, `/office/sections/${id}?saved`);
  const row = await t.db.pool.query("SELECT country, name, languages FROM sections WHERE id = $1", [id]);
  assert.deepEqual(row.rows[0], {
    country: "UY",
    name: "Amnistía Uruguay",
    languages: ["es-UY", "es", "pt-BR"],
  });
  const audit = await t.db.pool.query(
    "SELECT action, after FROM audit_log WHERE entity = 'section' AND entity_id = $1",
    [String(id)],
  );
  assert.equal(audit.rows[0]?.action, "create");
  assert.deepEqual(audit.rows[0]?.after.languages, ["es-UY", "es", "pt-BR"]);
  const page = await t.app.inject({ url: "/s/UY", headers: { "accept-language": "es" } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<h1>Amnistía Uruguay<\/h1>/);
  // Its coordinator edits it as any section.
  const coordinator = await officeClient(t, await makeUser(t, "coordinator", { countries: ["UY"] }));
  assert.equal((await coordinator.get(`/office/sections/${id}`)).statusCode, 200);
});

test("only admins create sections", async () => {
  const coordinator = await officeClient(t, await makeUser(t, "coordinator", { countries: ["ES"] }));
  const before = await snapshot();
  assert.equal((await coordinator.get("/office/sections/new")).statusCode, 403);
  const refused = await coordinator.post("/office/sections/new", {
    country: "PY",
    name: "Paraguay",
    languages: "es",
  });
  assert.equal(refused.statusCode, 403);
  assert.deepEqual(await snapshot(), before, "nothing written");
});

test("a section with a bad country, a taken country or bad languages is refused whole", async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ country: "XZ", name: "Nowhere", languages: "en" }, /not a country code/],
    [{ country: "ESP", name: "Spain", languages: "es" }, /two-letter ISO code/],
    [{ country: "ES", name: "Spain again", languages: "es" }, /Spain has a section already/],
    [{ country: "PY", name: "Paraguay", languages: "es, not_a_tag" }, /is not a BCP 47 language tag/],
    [{ country: "PY", name: "Paraguay", languages: "es, ES" }, /es is listed twice/],
    [{ country: "PY", name: "", languages: "es" }, /Enter a name/],
  ];
  for (const [form, message] of cases) {
    const before = await snapshot();
    const response = await admin.post("/office/sections/new", form);
    assert.equal(response.statusCode, 422, JSON.stringify(form));
    assert.match(response.body, message);
    assert.deepEqual(await snapshot(), before, "nothing written");
  }
});

test("a section's intro and contacts, translated and approved, show in the reader's language", async () => {
  const id = t.runtime.sectionOf("ES");
  assert.ok(id);
  const coordinator = await officeClient(t, await makeUser(t, "coordinator", { countries: ["ES"] }));
  const other = await officeClient(t, await makeUser(t, "coordinator", { countries: ["FR"] }));
  const languages = (await t.db.pool.query("SELECT languages FROM sections WHERE id = $1", [id])).rows[0]
    .languages;
  const source = languages[0] as string;
  assert.equal((await other.get(`/office/sections/${id}/texts/${source}`)).statusCode, 403);
  assert.equal(
    (await coordinator.get(`/office/sections/${id}/texts/de`)).statusCode,
    404,
    "not a language of it",
  );

  const wrote = await coordinator.post(`/office/sections/${id}/texts/${source}`, {
    "text-intro": "Somos la sección española.",
    "text-contacts": "Llámanos de lunes a viernes.",
    status: "draft",
  });
  assert.equal(wrote.statusCode, 303, wrote.body);
  const catalan = await coordinator.post(`/office/sections/${id}/texts/ca`, {
    "text-intro": "Som la secció espanyola.",
    status: "needs_review",
  });
  assert.equal(catalan.statusCode, 303);
  const stored = await t.db.pool.query(
    "SELECT language, field, status, revision, source_revision FROM section_texts WHERE section_id = $1 ORDER BY 1, 2",
    [id],
  );
  assert.deepEqual(
    stored.rows.map((r) => [r.language, r.field, r.status, r.source_revision]),
    [
      ["ca", "intro", "needs_review", 1],
      [source, "contacts", "approved", null],
      [source, "intro", "approved", null],
    ],
    "the source language is approved by being the source",
  );

  const page = async (lang: string) => (await t.app.inject({ url: `/${lang}/s/ES` })).body;
  assert.match(await page("es"), /Somos la sección española\./);
  assert.match(await page("es"), /Llámanos de lunes a viernes\./);
  // English has no translation: the section's own language, marked as such.
  assert.match(
    await page("en"),
    /<div class="intro" lang="es-ES" dir="ltr"><p>Somos la sección española\.<\/p>/,
  );

  // A new source revision makes the Catalan translation outdated in the editor.
  await coordinator.post(`/office/sections/${id}/texts/${source}`, {
    "text-intro": "Somos la sección española de Amnistía.",
    "text-contacts": "Llámanos de lunes a viernes.",
    status: "approved",
  });
  const editor = await coordinator.get(`/office/sections/${id}/texts/ca`);
  assert.match(editor.body, /outdated: the source changed since/);
  const revisions = await t.db.pool.query(
    "SELECT revision FROM section_texts WHERE section_id = $1 AND language = $2 AND field = 'intro'",
    [id, source],
  );
  assert.equal(revisions.rows[0].revision, 2);
  const audits = await t.db.pool.query(
    "SELECT count(*)::int AS n FROM audit_log WHERE entity = 'section' AND action = 'translate' AND entity_id LIKE $1",
    [`${id}:%`],
  );
  assert.equal(audits.rows[0].n, 3);
});

test("a section's texts: the word diff of the source since the translated revision, and four eyes", async () => {
  const id = t.runtime.sectionOf("ES");
  assert.ok(id);
  // The test before: Catalan translated from revision 1, the source intro now at revision 2.
  const writer = await officeClient(t, await makeUser(t, "coordinator", { countries: ["ES"] }));
  const editor = await writer.get(`/office/sections/${id}/texts/ca`);
  assert.ok(
    editor.body.includes('Somos la sección española<ins class="diff-added"> de Amnistía</ins>.'),
    "the words added to the source since",
  );

  await t.db.pool.query("UPDATE sections SET review_languages = ARRAY['ca'] WHERE id = $1", [id]);
  const written = await writer.post(`/office/sections/${id}/texts/ca`, {
    "text-intro": "Som la secció espanyola d'Amnistia.",
    status: "needs_review",
  });
  assert.equal(written.statusCode, 303);
  assert.match((await writer.get(`/office/sections/${id}/texts/ca`)).body, /a second person|second person/i);
  // She may not approve what she wrote; nothing changes.
  const own = await writer.post(`/office/sections/${id}/texts/ca`, {
    "text-intro": "Som la secció espanyola d'Amnistia.",
    status: "approved",
  });
  assert.equal(own.statusCode, 403);
  assert.match(own.body, /Someone else must approve this text/);
  const status = async () =>
    (
      await t.db.pool.query(
        "SELECT status, edited_by FROM section_texts WHERE section_id = $1 AND language = 'ca' AND field = 'intro'",
        [id],
      )
    ).rows[0];
  assert.equal((await status()).status, "needs_review");
  // Another coordinator of the section approves it; the writer stays the one who wrote it.
  const second = await officeClient(t, await makeUser(t, "coordinator", { countries: ["ES"] }));
  const approved = await second.post(`/office/sections/${id}/texts/ca`, {
    "text-intro": "Som la secció espanyola d'Amnistia.",
    status: "approved",
  });
  assert.equal(approved.statusCode, 303, approved.body);
  assert.equal((await status()).status, "approved");
  assert.equal((await status()).edited_by, writer.user?.id);
  await t.db.pool.query("UPDATE sections SET review_languages = '{}' WHERE id = $1", [id]);
});
