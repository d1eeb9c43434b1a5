import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, type OfficeClient, officeClient } from "../../../test/support/office.js";
import { caseForm, createCase } from "../cases/fixtures.js";
import { translationProgress } from "./progress.js";

let t: TestApp;
let admin: OfficeClient;
let spanish: OfficeClient;
let caseId: number;
before(async () => {
  t = await startTestApp();
  admin = await officeClient(t, await makeUser(t, "admin"));
  spanish = await officeClient(t, await makeUser(t, "translator", { languages: ["es"] }));
  caseId = await createCase(t, admin, {
    slug: "translated-case",
    sample_letter: "Dear Attorney General,\n\nPlease protect María.",
  });
});
after(async () => {
  await t.close();
});

const campaignId = () => {
  const id = t.runtime.catalog().campaigns.get("w4r-2012")?.id;
  assert.ok(id);
  return id;
};
const publicPage = (path: string) => t.app.inject({ method: "GET", url: path });
const esForm = (overrides: Record<string, string> = {}) => ({
  "text-title": "María Test",
  "status-title": "approved",
  "text-summary": "Una periodista amenazada por su trabajo.",
  "status-summary": "approved",
  "text-story": "María informa sobre desapariciones.\n\nLa han amenazado dos veces.",
  "status-story": "approved",
  "text-ask": "Protejan a María e investiguen las amenazas.",
  "status-ask": "approved",
  "text-sample_letter": "",
  "status-sample_letter": "draft",
  ...overrides,
});
const fieldRows = async (language: string) =>
  Object.fromEntries(
    (
      await t.db.pool.query(
        "SELECT field, status, revision, source_revision FROM case_text_fields WHERE case_id = $1 AND language = $2",
        [caseId, language],
      )
    ).rows.map((r) => [r.field, r]),
  );
const progressOf = async (language: string, id = caseId) => {
  const progress = await translationProgress(t.db.pool, campaignId());
  return progress.cases.find((c) => c.caseId === id)?.byLanguage[language];
};

test("a translator works only into their languages; other roles cannot translate", async () => {
  assert.equal((await spanish.get("/office/translations")).statusCode, 200);
  assert.equal((await spanish.get(`/office/translations/${caseId}/es`)).statusCode, 200);
  assert.equal((await spanish.get(`/office/translations/${caseId}/fr`)).statusCode, 403);
  const before = await t.db.pool.query("SELECT count(*)::int AS n FROM case_texts WHERE case_id = $1", [
    caseId,
  ]);
  assert.equal((await spanish.post(`/office/translations/${caseId}/fr`, esForm())).statusCode, 403);
  assert.equal((await spanish.post("/office/translations/languages", { language: "sw" })).statusCode, 403);
  const after = await t.db.pool.query("SELECT count(*)::int AS n FROM case_texts WHERE case_id = $1", [
    caseId,
  ]);
  assert.deepEqual(after.rows, before.rows);
  // The source language is edited with the case, unknown cases and tags are not found.
  assert.equal((await spanish.get(`/office/translations/${caseId}/en`)).statusCode, 403);
  assert.equal((await admin.get(`/office/translations/${caseId}/en`)).statusCode, 409);
  assert.equal((await admin.get("/office/translations/999999/es")).statusCode, 404);
  assert.equal((await admin.get(`/office/translations/${caseId}/not%20a%20tag`)).statusCode, 404);
  const organizer = await officeClient(t, await makeUser(t, "organizer", { countries: ["ES"] }));
  assert.equal((await organizer.get("/office/translations")).statusCode, 403);
  assert.equal((await organizer.get(`/office/translations/${caseId}/es`)).statusCode, 403);
  // A coordinator reviews the languages of their own sections only (France's: fr).
  const france = await officeClient(t, await makeUser(t, "coordinator", { countries: ["FR"] }));
  assert.equal((await france.get("/office/translations")).statusCode, 200);
  assert.equal((await france.get(`/office/translations/${caseId}/fr`)).statusCode, 200);
  assert.equal((await france.get(`/office/translations/${caseId}/es`)).statusCode, 403);
});

test("the editor shows the source beside the translation, with lang and dir, and each field's status", async () => {
  const ar = await officeClient(t, await makeUser(t, "translator", { languages: ["ar"] }));
  const page = await ar.get(`/office/translations/${caseId}/ar`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<div lang="en" dir="ltr"[^>]*>María reports on disappearances/);
  assert.match(
    page.body,
    /<textarea[^>]*name="text-story"[^>]*dir="rtl"[^>]*lang="ar"|<textarea[^>]*lang="ar"[^>]*dir="rtl"/,
  );
  assert.match(page.body, /class="status-missing"/);
  // The sample letter has a source text, so it is offered; the empty photo text is not.
  assert.match(page.body, /name="text-sample_letter"/);
  assert.ok(!page.body.includes('name="text-photo_alt"'));
});

test("a translation reaches the public site once approved, and stays there while its source is only outdated", async () => {
  // Before: Spanish readers get the English text.
  let page = await publicPage("/es/cases/translated-case");
  assert.match(page.body, /<h1>María Test<\/h1>/);
  assert.match(page.body, /Protect María/);
  // The case's own sample letter replaces the site's generic one.
  assert.match(
    page.body,
    /<textarea[^>]*name="body"[^>]*>Dear Attorney General,\n\nPlease protect María.<\/textarea>/,
  );
  // Title, summary, story, ask, sample letter, where cards go, the target's title and address.
  assert.deepEqual(await progressOf("es"), { approved: 0, outdated: 0, missing: 8, total: 8 });
  const queue = await spanish.get("/office/translations");
  assert.match(queue.body, new RegExp(`/office/translations/${caseId}/es`));

  // Drafts are saved but not public.
  const drafted = await spanish.post(
    `/office/translations/${caseId}/es`,
    esForm({ "status-title": "draft", "status-ask": "needs_review" }),
  );
  assert.equal(drafted.statusCode, 303, drafted.body.slice(0, 300));
  const row = (
    await t.db.pool.query("SELECT * FROM case_texts WHERE case_id = $1 AND language = 'es'", [caseId])
  ).rows[0];
  assert.equal(row.public, false);
  assert.equal(row.sample_letter, "", "a missing field is stored as ''");
  page = await publicPage("/es/cases/translated-case");
  assert.ok(!page.body.includes("Protejan a María"));
  assert.deepEqual(await progressOf("es"), { approved: 2, outdated: 0, missing: 4, total: 8 });

  // Approved: public.
  assert.equal((await spanish.post(`/office/translations/${caseId}/es`, esForm())).statusCode, 303);
  page = await publicPage("/es/cases/translated-case");
  assert.match(page.body, /Protejan a María e investiguen las amenazas/);
  assert.deepEqual(await progressOf("es"), { approved: 4, outdated: 0, missing: 4, total: 8 });
  const fields = await fieldRows("es");
  assert.equal(fields.title.source_revision, 1);
  assert.equal(fields.title.status, "approved");
  assert.equal(fields.sample_letter, undefined);

  // The admin changes the English ask (not substantially): the Spanish ask is outdated in the
  // office, and the approved Spanish text stays on the public site.
  const form = caseForm(t, {
    ask: "Protect María, investigate the threats and punish those responsible.",
    sample_letter: "Dear Attorney General,\n\nPlease protect María.",
  });
  delete form.slug;
  assert.equal((await admin.post(`/office/cases/${caseId}`, form)).statusCode, 303);
  assert.deepEqual(await progressOf("es"), { approved: 3, outdated: 1, missing: 4, total: 8 });
  page = await publicPage("/es/cases/translated-case");
  assert.match(page.body, /Protejan a María e investiguen las amenazas/);
  assert.ok(!page.body.includes("punish those responsible"));
  const editor = await spanish.get(`/office/translations/${caseId}/es`);
  assert.match(editor.body, /class="status-outdated"/);
  assert.match(editor.body, /source revision 2, translated\s+from 1/);
  assert.match(editor.body, /stays on the public site until it is updated/);
  // The word-level diff between the revision translated and the current source.
  assert.match(editor.body, /<ins class="diff-added">[^<]*punish those responsible[^<]*<\/ins>/);
  assert.match(editor.body, /<del class="diff-removed">[^<]*\band\b[^<]*<\/del>/);
  assert.match(
    (await spanish.get("/office/translations")).body,
    new RegExp(`/office/translations/${caseId}/es`),
  );

  // Saving other fields leaves an outdated field outdated unless its status is chosen again.
  assert.equal(
    (
      await spanish.post(
        `/office/translations/${caseId}/es`,
        esForm({ "status-ask": "outdated", "text-title": "María Test (periodista)" }),
      )
    ).statusCode,
    303,
  );
  assert.deepEqual(await progressOf("es"), { approved: 3, outdated: 1, missing: 4, total: 8 });
  assert.equal((await fieldRows("es")).title.revision, 2);
  assert.match((await publicPage("/es/cases/translated-case")).body, /<h1>María Test \(periodista\)<\/h1>/);

  // Re-approving the new text records the current source revision.
  const ask = "Protejan a María, investiguen las amenazas y castiguen a los responsables.";
  assert.equal(
    (
      await spanish.post(
        `/office/translations/${caseId}/es`,
        esForm({ "text-title": "María Test (periodista)", "text-ask": ask }),
      )
    ).statusCode,
    303,
  );
  assert.equal((await fieldRows("es")).ask.source_revision, 2);
  page = await publicPage("/es/cases/translated-case");
  assert.ok(page.body.includes(ask));

  // A substantial change (a release) takes the outdated Spanish story off until it is approved again.
  const released = caseForm(t, {
    ask: "Protect María, investigate the threats and punish those responsible.",
    story: "María was released on 10 December.\n\nShe thanks everyone who wrote.",
    sample_letter: "Dear Attorney General,\n\nPlease protect María.",
    substantial: "1",
  });
  delete released.slug;
  assert.equal((await admin.post(`/office/cases/${caseId}`, released)).statusCode, 303);
  const revision = (
    await t.db.pool.query(
      "SELECT revision, substantial, text FROM case_source_revisions WHERE case_id = $1 AND field = 'story' ORDER BY revision",
      [caseId],
    )
  ).rows;
  assert.deepEqual(
    revision.map((r) => [r.revision, r.substantial]),
    [
      [1, false],
      [2, true],
    ],
  );
  assert.match(revision[1].text, /released/);
  page = await publicPage("/es/cases/translated-case");
  assert.ok(!page.body.includes(ask), "the Spanish translation is off the public site");
  assert.match(page.body, /María was released/);
  const after = await spanish.get(`/office/translations/${caseId}/es`);
  assert.match(after.body, /marked substantial: this translation is off the public site/);
  assert.match(after.body, /<ins class="diff-added">[^<]*released/);
  const story =
    "María fue liberada el 10 de diciembre.\n\nDa las gracias a todas las personas que escribieron.";
  assert.equal(
    (
      await spanish.post(
        `/office/translations/${caseId}/es`,
        esForm({ "text-title": "María Test (periodista)", "text-ask": ask, "text-story": story }),
      )
    ).statusCode,
    303,
  );
  page = await publicPage("/es/cases/translated-case");
  assert.match(page.body, /María fue liberada/);

  const audits = (
    await t.db.pool.query(
      "SELECT before, after FROM audit_log WHERE entity = 'case_text' AND entity_id = $1 ORDER BY id",
      [`${caseId}:es`],
    )
  ).rows;
  assert.equal(audits.length, 5);
  assert.equal(audits[0].before.fields.title.status, "missing");
  assert.equal(audits[0].after.fields.title.status, "draft");
  assert.equal(audits[1].after.public, true);
  assert.equal(audits[3].after.fields.ask.text, ask);
  assert.equal(audits[4].before.public, false);
  assert.equal(audits[4].after.public, true);
});

test("bad translation input is refused with 422 and nothing written", async () => {
  const id = await createCase(t, admin, { slug: "untranslated-case" });
  const snapshot = async () =>
    (
      await t.db.pool.query(
        `SELECT (SELECT count(*)::int FROM case_texts WHERE case_id = $1) AS texts,
                (SELECT count(*)::int FROM case_text_fields WHERE case_id = $1) AS fields,
                (SELECT count(*)::int FROM audit_log WHERE entity = 'case_text') AS audits`,
        [id],
      )
    ).rows[0];
  const before = await snapshot();
  for (const [form, field, message] of [
    [esForm({ "status-title": "published" }), "status-title", /status from the list/],
    [esForm({ "text-ask": "" }), "text-ask", /Write the translation/],
    [esForm({ "text-story": "x".repeat(20_001) }), "text-story", /at most 20,000/],
  ] as const) {
    const response = await spanish.post(`/office/translations/${id}/es`, form);
    assert.equal(response.statusCode, 422);
    assert.match(response.body, message);
    assert.match(response.body, new RegExp(`id="f-${field}`));
    assert.ok(response.body.includes("Una periodista amenazada"), "the input is kept");
  }
  // An empty form saves nothing.
  assert.equal(
    (await spanish.post(`/office/translations/${id}/es`, { "text-title": "", "status-title": "draft" }))
      .statusCode,
    303,
  );
  assert.deepEqual(await snapshot(), before);
});

test("older texts without field states count as approved, and become outdated when their source changes", async () => {
  const gao = t.runtime.catalog().campaigns.get("w4r-2012")?.cases.get("gao-zhisheng");
  assert.ok(gao);
  // The four required fields, and the two targets' titles and addresses (not translated yet).
  assert.deepEqual(await progressOf("es", gao), { approved: 4, outdated: 0, missing: 4, total: 8 });
  assert.deepEqual(await progressOf("pl", gao), { approved: 0, outdated: 0, missing: 8, total: 8 });
  assert.deepEqual(await progressOf("en", gao), { approved: 8, outdated: 0, missing: 0, total: 8 });
  const spanishTitle = (
    await t.db.pool.query("SELECT title FROM case_texts WHERE case_id = $1 AND language = 'es'", [gao])
  ).rows[0].title;
  assert.match((await publicPage("/es/cases/gao-zhisheng")).body, new RegExp(`<h1>${spanishTitle}</h1>`));

  const edit = await admin.get(`/office/cases/${gao}`);
  assert.equal(edit.statusCode, 200);
  const stored = (
    await t.db.pool.query("SELECT * FROM case_texts WHERE case_id = $1 AND language = 'en'", [gao])
  ).rows[0];
  const targets = (await t.db.pool.query("SELECT * FROM targets WHERE case_id = $1 ORDER BY position", [gao]))
    .rows;
  const campaigns = (await t.db.pool.query("SELECT * FROM campaign_cases WHERE case_id = $1", [gao])).rows;
  const form: Record<string, string | string[]> = {
    country: "CN",
    title: stored.title,
    summary: `${stored.summary} Updated.`,
    story: stored.story,
    ask: stored.ask,
    sample_letter: "",
    photo_alt: "",
    cards_address: "",
    campaigns: campaigns.map((c) => String(c.campaign_id)),
    published: "1",
  };
  for (const c of campaigns) form[`position-${c.campaign_id}`] = String(c.position);
  targets.forEach((target, i) => {
    form[`target-${i}-name`] = target.name;
    form[`target-${i}-title`] = target.title;
    form[`target-${i}-address`] = target.postal_address;
    form[`target-${i}-email`] = target.email ?? "";
  });
  const saved = await admin.post(`/office/cases/${gao}`, form);
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 1000));
  assert.deepEqual(await progressOf("es", gao), { approved: 3, outdated: 1, missing: 4, total: 8 });
  // Outdated is not unpublished: Spanish readers keep the approved Spanish text.
  const es = (
    await t.db.pool.query("SELECT public FROM case_texts WHERE case_id = $1 AND language = 'es'", [gao])
  ).rows[0];
  assert.equal(es.public, true);
  const spanish = (await publicPage("/es/cases/gao-zhisheng")).body;
  assert.match(spanish, new RegExp(`<h1>${spanishTitle}</h1>`));
  assert.doesNotMatch(spanish, /Updated\./);
  assert.match((await publicPage("/en/cases/gao-zhisheng")).body, /Updated\./);
  // The targets kept their ids: edited in place, not replaced.
  const kept = (await t.db.pool.query("SELECT id FROM targets WHERE case_id = $1 ORDER BY position", [gao]))
    .rows;
  assert.deepEqual(
    kept.map((r) => r.id),
    targets.map((r) => r.id),
  );
});

test("progress covers the languages in use, and admins open new ones", async () => {
  const progress = await translationProgress(t.db.pool, campaignId());
  // The sections' languages (zh-TW among them) and every interface language (zh-Hans too).
  for (const language of ["en", "es", "fr", "pl", "ar", "es-MX", "zh-TW", "zh-Hans", "ru", "ca"])
    assert.ok(progress.languages.includes(language), language);
  assert.ok(!progress.languages.includes("sw"));
  assert.ok(progress.cases.some((c) => c.slug === "gao-zhisheng" && c.title === "Gao Zhisheng"));

  const bad = await admin.post("/office/translations/languages", { language: "not a tag!" });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /language tag/);
  assert.equal((await admin.post("/office/translations/languages", { language: "SW" })).statusCode, 303);
  const after = await translationProgress(t.db.pool, campaignId());
  assert.ok(after.languages.includes("sw"));
  assert.equal(
    (await t.db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE entity = 'translation_language'"))
      .rows[0].n,
    1,
  );
  const page = await admin.get("/office/translations");
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Swahili \(sw\)/);
});
