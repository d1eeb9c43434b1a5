import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, type OfficeClient, officeClient } from "../../../test/support/office.js";
import { caseForm, createCase } from "../cases/fixtures.js";
import { loadTranslations } from "./fields.js";
import { translationUnits } from "./units.js";

// The translation workflow beyond one editor: review by a second person, the targets' own
// fields, and languages the interface does not speak.

let t: TestApp;
let admin: OfficeClient;
before(async () => {
  t = await startTestApp();
  admin = await officeClient(t, await makeUser(t, "admin"));
});
after(async () => {
  await t.close();
});

const publicPage = (path: string) => t.app.inject({ method: "GET", url: path });
const required = (prefix: string, overrides: Record<string, string> = {}) => ({
  "text-title": `${prefix} title`,
  "status-title": "approved",
  "text-summary": `${prefix} summary`,
  "status-summary": "approved",
  "text-story": `${prefix} story`,
  "status-story": "approved",
  "text-ask": `${prefix} ask`,
  "status-ask": "approved",
  ...overrides,
});
const targetIds = async (caseId: number) =>
  (await t.db.pool.query("SELECT id FROM targets WHERE case_id = $1 ORDER BY position", [caseId])).rows.map(
    (r) => r.id as number,
  );
const fieldRow = async (caseId: number, language: string, field: string) =>
  (
    await t.db.pool.query(
      "SELECT status, edited_by, published_text FROM case_text_fields WHERE case_id = $1 AND language = $2 AND field = $3",
      [caseId, language, field],
    )
  ).rows[0];

test("four eyes: with a section's review on, the translator who wrote a text cannot approve it; another can", async () => {
  const caseId = await createCase(t, admin, { slug: "four-eyes-case" });
  const ana = await makeUser(t, "translator", { languages: ["es"] });
  const beto = await makeUser(t, "translator", { languages: ["es"] });
  const anaClient = await officeClient(t, ana);
  const betoClient = await officeClient(t, beto);
  const spain = await officeClient(t, await makeUser(t, "coordinator", { countries: ["ES"] }));
  const france = await officeClient(t, await makeUser(t, "coordinator", { countries: ["FR"] }));
  const es = t.runtime.sectionOf("ES");
  const fr = t.runtime.sectionOf("FR");
  assert.ok(es && fr);

  // Only a section's own coordinator (or an admin) sets its review; a box for another section is refused.
  const foreign = await france.post("/office/translations/review", { [`review-${es}-es`]: "1" });
  assert.equal(foreign.statusCode, 403);
  assert.equal(
    (await t.db.pool.query("SELECT review_languages FROM sections WHERE id = $1", [es])).rows[0]
      .review_languages.length,
    0,
  );
  assert.equal((await anaClient.post("/office/translations/review", {})).statusCode, 403);
  const set = await spain.post("/office/translations/review", { [`review-${es}-es`]: "1" });
  assert.equal(set.statusCode, 303);
  assert.deepEqual(
    (await t.db.pool.query("SELECT review_languages FROM sections WHERE id = $1", [es])).rows[0]
      .review_languages,
    ["es"],
  );
  assert.match(
    (await spain.get("/office/translations")).body,
    new RegExp(`name="review-${es}-es"[^>]*checked`),
  );

  // Ana writes and approves at once: refused, nothing written.
  const refused = await anaClient.post(`/office/translations/${caseId}/es`, required("es"));
  assert.equal(refused.statusCode, 403);
  assert.match(refused.body, /Someone else must approve this text/);
  assert.equal(await fieldRow(caseId, "es", "title"), undefined);

  // She sends it for review, then cannot approve it unchanged either.
  const review = required("es", {
    "status-title": "needs_review",
    "status-summary": "needs_review",
    "status-story": "needs_review",
    "status-ask": "needs_review",
  });
  assert.equal((await anaClient.post(`/office/translations/${caseId}/es`, review)).statusCode, 303);
  assert.equal((await fieldRow(caseId, "es", "title")).edited_by, ana.id);
  assert.equal((await anaClient.post(`/office/translations/${caseId}/es`, required("es"))).statusCode, 403);
  assert.equal((await fieldRow(caseId, "es", "title")).status, "needs_review");
  assert.ok(!(await publicPage("/es/cases/four-eyes-case")).body.includes("es story"));

  // Beto approves three of them; the Spanish coordinator approves the fourth.
  const beto3 = required("es", { "status-ask": "needs_review" });
  assert.equal((await betoClient.post(`/office/translations/${caseId}/es`, beto3)).statusCode, 303);
  assert.equal((await fieldRow(caseId, "es", "title")).status, "approved");
  assert.equal((await fieldRow(caseId, "es", "title")).edited_by, ana.id, "approving is not writing");
  assert.ok(
    !(await publicPage("/es/cases/four-eyes-case")).body.includes("es story"),
    "the ask is not approved",
  );
  // A coordinator approves, but does not write: the editor's texts are read-only for them.
  assert.match(
    (await spain.get(`/office/translations/${caseId}/es`)).body,
    /<textarea[^>]*name="text-story"[^>]*readonly/,
  );
  assert.doesNotMatch((await betoClient.get(`/office/translations/${caseId}/es`)).body, /readonly/);
  const rewrite = await spain.post(
    `/office/translations/${caseId}/es`,
    required("es", { "text-ask": "otra" }),
  );
  assert.equal(rewrite.statusCode, 422);
  assert.match(rewrite.body, /Coordinators approve translations/);
  assert.equal((await spain.post(`/office/translations/${caseId}/es`, required("es"))).statusCode, 303);
  const page = await publicPage("/es/cases/four-eyes-case");
  assert.match(page.body, /es story/);
  assert.match(page.body, /es ask/);

  // Another section's coordinator does not review Spanish.
  assert.equal((await france.post(`/office/translations/${caseId}/es`, required("es"))).statusCode, 403);
  // Switching the review off lets a translator approve her own text again.
  assert.equal((await spain.post("/office/translations/review", {})).statusCode, 303);
  const own = await anaClient.post(
    `/office/translations/${caseId}/es`,
    required("es", { "text-ask": "es ask, revisada" }),
  );
  assert.equal(own.statusCode, 303);
  assert.match((await publicPage("/es/cases/four-eyes-case")).body, /es ask, revisada/);
  const audits = (
    await t.db.pool.query("SELECT action FROM audit_log WHERE entity = 'section' AND entity_id = $1", [
      String(es),
    ])
  ).rows;
  assert.deepEqual(
    audits.map((a) => a.action),
    ["review-languages", "review-languages"],
  );
});

test("each target's title, salutation and address are translated, approved and shown on the case page", async () => {
  const caseId = await createCase(t, admin, {
    slug: "target-texts-case",
    "target-0-salutation": "Dear Attorney General",
    "target-1-name": "Governor of Oaxaca",
    "target-1-title": "Governor",
    "target-1-address": "Palacio de Gobierno\nOaxaca",
  });
  const [first, second] = await targetIds(caseId);
  assert.ok(first && second);
  const entry = (await loadTranslations(t.db.pool, [caseId])).get(caseId);
  assert.ok(entry);
  const units = translationUnits(entry);
  assert.deepEqual(
    units.filter((u) => u.field.startsWith("target.")).map((u) => [u.id, u.source, u.maxLength]),
    [
      [`case/target-texts-case/target.${first}.title`, "Mr", 200],
      [`case/target-texts-case/target.${first}.salutation`, "Dear Attorney General", 200],
      [
        `case/target-texts-case/target.${first}.address`,
        "Fiscalía General\nAv. Reforma 211\nMexico City",
        1000,
      ],
      [`case/target-texts-case/target.${second}.title`, "Governor", 200],
      [`case/target-texts-case/target.${second}.address`, "Palacio de Gobierno\nOaxaca", 1000],
    ],
  );
  assert.ok(units.some((u) => u.field === "cards_address" && u.required === false));

  const spanish = await officeClient(t, await makeUser(t, "translator", { languages: ["es"] }));
  const editor = await spanish.get(`/office/translations/${caseId}/es`);
  assert.match(editor.body, new RegExp(`name="text-target\\.${first}\\.salutation"`));
  assert.match(editor.body, /Target 1 \(Attorney General\): salutation/);
  const saved = await spanish.post(
    `/office/translations/${caseId}/es`,
    required("es", {
      [`text-target.${first}.title`]: "Sr. Fiscal",
      [`status-target.${first}.title`]: "approved",
      [`text-target.${first}.salutation`]: "Estimado señor Fiscal General",
      [`status-target.${first}.salutation`]: "approved",
      [`text-target.${first}.address`]: "Fiscalía General de la República\nAv. Reforma 211\nCiudad de México",
      [`status-target.${first}.address`]: "draft",
      "text-cards_address": "María Test\nc/o Sección MX\nCiudad de México",
      "status-cards_address": "approved",
    }),
  );
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 500));
  const stored = (
    await t.db.pool.query("SELECT * FROM target_texts WHERE target_id = $1 AND language = 'es'", [first])
  ).rows[0];
  assert.equal(stored.salutation, "Estimado señor Fiscal General");

  const page = (await publicPage("/es/cases/target-texts-case")).body;
  // The approved title in Spanish; the address is a draft, so it shows in English, marked so.
  assert.match(
    page,
    /<address class="target" lang="es" dir="ltr"><strong>Attorney General<\/strong><br\/>Sr. Fiscal/,
  );
  assert.match(page, /<span lang="en" dir="ltr">Fiscalía General<\/span>/);
  assert.ok(!page.includes("Fiscalía General de la República"), "a draft is not public");
  assert.match(page, /<span lang="en" dir="ltr">Governor<\/span>/);
  assert.match(page, /<address class="cards" lang="es" dir="ltr">María Test<br\/>c\/o Sección MX/);
  // The catalog gives every other feature (the materials) the same texts.
  const detail = (await t.runtime.catalog().campaigns.get("w4r-2012")?.id) as number;
  const { casesOfCampaign, localTarget } = await import("../../core/catalog/case-details.js");
  const found = (await casesOfCampaign(t.db.pool, detail)).find((c) => c.slug === "target-texts-case");
  assert.ok(found?.targets[0]);
  const local = localTarget(found, found.targets[0], "es");
  assert.deepEqual(local.salutation, { text: "Estimado señor Fiscal General", language: "es" });
  assert.deepEqual(local.postalAddress.language, "en");

  // The case editor carries each target's id, its salutation, and the "substantial" choice.
  const edit = (await admin.get(`/office/cases/${caseId}`)).body;
  assert.match(edit, new RegExp(`<input type="hidden" name="target-0-id" value="${first}"/>`));
  assert.match(
    edit,
    /name="target-0-salutation"[^>]*value="Dear Attorney General"|value="Dear Attorney General"[^>]*name="target-0-salutation"/,
  );
  assert.match(edit, /<input type="checkbox" id="f-substantial" name="substantial" value="1"\/>/);
  assert.match(edit, /name="cards_address"/);
  // Editing the case keeps each target's id (the form carries it), so its translations stay.
  const form = caseForm(t, {
    "target-0-id": String(first),
    "target-0-salutation": "Dear Attorney General",
    "target-0-title": "Mr",
    "target-1-id": String(second),
    "target-1-name": "Governor of Oaxaca",
    "target-1-title": "Governor",
    "target-1-address": "Palacio de Gobierno\nOaxaca, Mexico",
  });
  delete form.slug;
  assert.equal((await admin.post(`/office/cases/${caseId}`, form)).statusCode, 303);
  assert.deepEqual(await targetIds(caseId), [first, second]);
  assert.match((await publicPage("/es/cases/target-texts-case")).body, /Estimado señor|Sr. Fiscal/);
  // Removing a target removes its translations and field states.
  const removed = {
    ...form,
    "target-1-id": "",
    "target-1-name": "",
    "target-1-title": "",
    "target-1-address": "",
  };
  assert.equal((await admin.post(`/office/cases/${caseId}`, removed)).statusCode, 303);
  assert.deepEqual(await targetIds(caseId), [first]);
  const left = await t.db.pool.query(
    "SELECT count(*)::int AS n FROM case_text_fields WHERE case_id = $1 AND field LIKE $2",
    [caseId, `target.${second}.%`],
  );
  assert.equal(left.rows[0].n, 0);
});

test("a case is public in a language the interface does not speak, its texts marked with their language", async () => {
  const caseId = await createCase(t, admin, { slug: "catalan-case" });
  const catalan = await officeClient(t, await makeUser(t, "translator", { languages: ["ca", "fa", "nl"] }));
  assert.equal((await publicPage("/ca/cases/catalan-case")).statusCode, 404, "not translated yet");
  const saved = await catalan.post(
    `/office/translations/${caseId}/ca`,
    required("ca", { "text-title": "La María", "text-story": "La María informa sobre desaparicions." }),
  );
  assert.equal(saved.statusCode, 303);
  const page = await publicPage("/ca/cases/catalan-case");
  assert.equal(page.statusCode, 200);
  // The page around the case speaks the closest interface language (Spanish for Catalan readers)…
  assert.match(page.body, /<html lang="es" dir="ltr">/);
  // …and the case's own texts are in Catalan, marked as such.
  assert.match(page.body, /<article lang="ca" dir="ltr" class="case"><h1>La María<\/h1>/);
  assert.match(page.body, /La María informa sobre desaparicions/);
  assert.match(page.body, /<h2 lang="es" dir="ltr">/);
  assert.match(page.body, /<link rel="canonical" href="[^"]*\/ca\/cases\/catalan-case"/);
  assert.match(page.body, /<link rel="alternate" hreflang="ca" href="\/ca\/cases\/catalan-case"\/>/);
  assert.match(
    (await publicPage("/en/cases/catalan-case")).body,
    /<link rel="alternate" hreflang="ca" href="\/ca\/cases\/catalan-case"\/>/,
  );
  // The forms post below the Catalan address and come back to it.
  assert.match(page.body, /action="\/ca\/cases\/catalan-case\/sign"/);
  const signed = await t.app.inject({
    method: "POST",
    url: "/ca/cases/catalan-case/sign",
    payload: "name=Jordi&email=jordi%40example.org&country=ES&consent=yes&key=ca-key-000000001",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assert.equal(signed.statusCode, 303, signed.body.slice(0, 300));
  assert.match(
    String(signed.headers.location),
    /^\/ca\/cases\/catalan-case\?done=sign&w=[\w-]{43}#act-sign$/,
  );
  // A language the case is not public in, or that is no language, is not a page.
  assert.equal((await publicPage("/de/cases/catalan-case")).statusCode, 404);
  assert.equal((await publicPage("/CA/cases/catalan-case")).statusCode, 404);
  assert.equal((await publicPage("/ca/")).statusCode, 404, "the home page is in interface languages only");

  // A right-to-left language without an interface: the chrome falls back (to English), the
  // case's parts are right to left.
  assert.equal((await catalan.post(`/office/translations/${caseId}/fa`, required("fa"))).statusCode, 303);
  const persian = await publicPage("/fa/cases/catalan-case");
  assert.equal(persian.statusCode, 200);
  assert.match(persian.body, /<html lang="en" dir="ltr">/);
  assert.match(persian.body, /<article lang="fa" dir="rtl" class="case">/);
  assert.match(persian.body, /<p class="case-count" lang="en" dir="ltr"/);
  assert.match(
    persian.body,
    /<address class="target" lang="fa" dir="rtl"><strong>Attorney General<\/strong><br\/><span lang="en" dir="ltr">Mr<\/span>/,
  );

  // A Dutch section's page speaks English (no Dutch interface), and shows the case in Dutch.
  assert.equal((await catalan.post(`/office/translations/${caseId}/nl`, required("nl"))).statusCode, 303);
  const section = (await publicPage("/s/NL")).body;
  assert.match(section, /<html lang="en"/);
  assert.match(
    section,
    /<li class="card" lang="nl" dir="ltr"><h3><a href="\/nl\/cases\/catalan-case">nl title<\/a>/,
  );
  assert.match(
    (await publicPage("/nl/cases/catalan-case")).body,
    /<article lang="nl" dir="ltr" class="case"><h1>nl title/,
  );
});
