import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, officeClient } from "../../../test/support/office.js";
import { canonicalLanguage } from "../../platform/rules.js";
import { checkSectionForm, readSectionForm } from "./office/input.js";

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

const sectionId = (country: string) => {
  const id = t.runtime.sectionOf(country);
  assert.ok(id, country);
  return id;
};
const campaignId = () => {
  const c = t.runtime.catalog().campaigns.get("w4r-2012");
  assert.ok(c);
  return c.id;
};
const caseId = (slug: string) => {
  const id = t.runtime.catalog().campaigns.get("w4r-2012")?.cases.get(slug);
  assert.ok(id, slug);
  return id;
};

/** Everything a section's edit may touch, to prove that a refused edit touched nothing. */
async function snapshot(country: string) {
  const id = sectionId(country);
  const [section, featured, goals, audits] = await Promise.all([
    t.db.pool.query(
      "SELECT languages, contact_email, contact_phone, website, postal_address FROM sections WHERE id = $1",
      [id],
    ),
    t.db.pool.query(
      "SELECT campaign_id, case_id, position FROM section_featured_cases WHERE section_id = $1 ORDER BY 1, 3",
      [id],
    ),
    t.db.pool.query("SELECT campaign_id, goal FROM section_goals WHERE section_id = $1 ORDER BY 1", [id]),
    t.db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE entity = 'section' AND entity_id = $1", [
      String(id),
    ]),
  ]);
  return { section: section.rows, featured: featured.rows, goals: goals.rows, audits: audits.rows[0].n };
}

const validForm = (overrides: Record<string, string | string[]> = {}) => ({
  languages: "es-es, ca eu",
  featured: [String(caseId("rosa-franco")), String(caseId("gao-zhisheng"))],
  [`position-${caseId("rosa-franco")}`]: "1",
  [`position-${caseId("gao-zhisheng")}`]: "2",
  goal: "123456",
  contact_email: "info@es.example.org",
  contact_phone: "+34 915 551 234",
  website: "https://www.example.org/es",
  postal_address: "Calle de Fuencarral 99\n28004 Madrid",
  ...overrides,
});

test("a coordinator edits their own section: languages, featured cases, goal and contacts", async () => {
  const coordinator = await makeUser(t, "coordinator", { countries: ["ES"] });
  const client = await officeClient(t, coordinator);
  const id = sectionId("ES");

  const list = await client.get("/office/sections");
  assert.equal(list.statusCode, 200);
  assert.ok(list.body.includes(`href="/office/sections/${id}"`), "their section is listed");
  assert.ok(!list.body.includes(`href="/office/sections/${sectionId("FR")}"`), "only theirs");

  const form = await client.get(`/office/sections/${id}`);
  assert.equal(form.statusCode, 200);
  assert.ok(form.body.includes('value="es-ES, es, ca, eu, gl"'), "the current languages, in order");
  assert.ok(form.body.includes("Rosa Franco"), "the campaign's cases to choose from");

  const saved = await client.post(`/office/sections/${id}`, validForm());
  assert.equal(saved.statusCode, 303, saved.body);
  assert.equal(saved.headers.location, `/office/sections/${id}?saved`);

  const row = (
    await t.db.pool.query(
      "SELECT languages, contact_email, contact_phone, website, postal_address FROM sections WHERE id = $1",
      [id],
    )
  ).rows[0];
  assert.deepEqual(row, {
    languages: ["es-ES", "ca", "eu"],
    contact_email: "info@es.example.org",
    contact_phone: "+34 915 551 234",
    website: "https://www.example.org/es",
    postal_address: "Calle de Fuencarral 99\n28004 Madrid",
  });
  const featured = await t.db.pool.query(
    "SELECT case_id FROM section_featured_cases WHERE section_id = $1 AND campaign_id = $2 ORDER BY position",
    [id, campaignId()],
  );
  assert.deepEqual(
    featured.rows.map((r) => r.case_id),
    [caseId("rosa-franco"), caseId("gao-zhisheng")],
  );
  const goal = await t.db.pool.query(
    "SELECT goal FROM section_goals WHERE section_id = $1 AND campaign_id = $2",
    [id, campaignId()],
  );
  assert.equal(Number(goal.rows[0].goal), 123456);

  const entry = (
    await t.db.pool.query(
      "SELECT user_id, action, before, after FROM audit_log WHERE entity = 'section' AND entity_id = $1",
      [String(id)],
    )
  ).rows;
  assert.equal(entry.length, 1);
  assert.equal(entry[0].user_id, coordinator.id);
  assert.deepEqual(entry[0].before.languages, ["es-ES", "es", "ca", "eu", "gl"]);
  assert.equal(entry[0].before.goal, 105000);
  assert.deepEqual(entry[0].after.featured, ["rosa-franco", "gao-zhisheng"]);
  assert.equal(entry[0].after.goal, 123456);

  // The public page shows it on the next view: the featured cases first, in the section's
  // order, then the others; the contacts; the new goal.
  const page = await t.app.inject({ method: "GET", url: "/en/s/ES" });
  assert.equal(page.statusCode, 200);
  const html = page.body;
  const cards = html.slice(html.indexOf('id="cases-title"'), html.indexOf('id="other-cases-title"'));
  assert.ok(cards.indexOf("/en/cases/rosa-franco") > 0, "featured first");
  assert.ok(cards.indexOf("/en/cases/rosa-franco") < cards.indexOf("/en/cases/gao-zhisheng"), "in order");
  assert.ok(!cards.includes("/en/cases/coastei-street"), "not featured, not among the cards");
  assert.ok(
    html.indexOf("/en/cases/coastei-street") > html.indexOf('id="other-cases-title"'),
    "listed after",
  );
  assert.ok(html.includes('<a href="mailto:info@es.example.org" dir="ltr">info@es.example.org</a>'));
  assert.ok(html.includes('<a href="tel:+34915551234" dir="ltr">+34 915 551 234</a>'));
  assert.ok(html.includes('<a href="https://www.example.org/es" dir="ltr">www.example.org/es</a>'));
  assert.ok(html.includes("Calle de Fuencarral 99<br/>28004 Madrid"));
  assert.ok(html.includes('<progress max="123456"'), "the new goal");
  assert.ok(html.includes("Contact the section"));
  const es = (await t.app.inject({ method: "GET", url: "/es/s/ES" })).body;
  assert.ok(es.includes("Contacta con la sección") && es.includes("Más casos de esta campaña"));

  // Saving the same form again changes nothing and records nothing.
  assert.equal((await client.post(`/office/sections/${id}`, validForm())).statusCode, 303);
  assert.equal((await snapshot("ES")).audits, 1);
});

test("a coordinator may not open or change another section (403), nor a section that does not exist (404)", async () => {
  const coordinator = await makeUser(t, "coordinator", { countries: ["PL"] });
  const client = await officeClient(t, coordinator);
  const fr = sectionId("FR");
  const before = await snapshot("FR");
  assert.equal((await client.get(`/office/sections/${fr}`)).statusCode, 403);
  assert.equal((await client.post(`/office/sections/${fr}`, validForm())).statusCode, 403);
  assert.deepEqual(await snapshot("FR"), before, "nothing changed");
  assert.equal((await client.get("/office/sections/999999")).statusCode, 404);
  assert.equal((await client.get("/office/sections/abc")).statusCode, 404);

  for (const role of ["translator", "organizer"] as const) {
    const other = await officeClient(t, await makeUser(t, role, { countries: ["FR"], languages: ["fr"] }));
    assert.equal((await other.get("/office/sections")).statusCode, 403, role);
    assert.equal((await other.get(`/office/sections/${fr}`)).statusCode, 403, role);
    assert.equal((await other.post(`/office/sections/${fr}`, validForm())).statusCode, 403, role);
  }
  assert.deepEqual(await snapshot("FR"), before, "still nothing changed");
});

test("an admin lists and edits every section; an empty goal and no featured case clear them", async () => {
  const admin = await officeClient(t, await makeUser(t, "admin"));
  const list = await admin.get("/office/sections");
  for (const country of ["PL", "FR", "ES", "MA"])
    assert.ok(list.body.includes(`href="/office/sections/${sectionId(country)}"`), country);
  const id = sectionId("MA");
  const response = await admin.post(`/office/sections/${id}`, {
    languages: "ar\nfr\nzgh",
    goal: "",
    contact_email: "",
    website: "",
  });
  assert.equal(response.statusCode, 303);
  const now = await snapshot("MA");
  assert.deepEqual(now.section[0].languages, ["ar", "fr", "zgh"]);
  assert.equal(
    now.goals.find((g) => g.campaign_id === campaignId()),
    undefined,
    "no goal for this edition any more",
  );
  assert.equal(now.featured.length, 0);
  const page = (await t.app.inject({ method: "GET", url: "/en/s/MA" })).body;
  assert.ok(!page.includes("<progress"), "no goal, no bar");
  assert.ok(!page.includes('id="other-cases-title"'), "nothing featured: every case among the cards");
  assert.ok(!page.includes('id="contact-title"'), "no contacts, no contact block");
});

test("bad input is answered 422 beside its field, and nothing is written", async () => {
  const client = await officeClient(t, await makeUser(t, "coordinator", { countries: ["PL"] }));
  const id = sectionId("PL");
  await t.db.pool.query("INSERT INTO cases (slug, country) VALUES ('not-in-this-campaign', 'FR')");
  const outsider = (await t.db.pool.query("SELECT id FROM cases WHERE slug = 'not-in-this-campaign'")).rows[0]
    .id as number;
  const before = await snapshot("PL");
  const bad: [string, Record<string, string | string[]>, string][] = [
    ["languages", { languages: "pl, en_GB" }, "is not a BCP 47 language tag"],
    ["languages", { languages: "   " }, "Enter at least one language"],
    ["languages", { languages: "pl, PL" }, "is listed twice"],
    ["contact_email", { contact_email: "not-an-address" }, "Enter an email address"],
    ["contact_phone", { contact_phone: "call us!" }, "Enter a phone number"],
    ["website", { website: "http://www.example.org" }, "starting with https://"],
    ["website", { website: "javascript:alert(1)" }, "starting with https://"],
    ["goal", { goal: "-5" }, "0 or more"],
    ["goal", { goal: "12.5" }, "0 or more"],
    ["featured", { featured: [String(outsider)] }, "Choose only among the cases"],
    ["featured", { featured: ["999999"] }, "Choose only among the cases"],
    ["postal_address", { postal_address: "x".repeat(501) }, "under 500 characters"],
  ];
  for (const [field, overrides, message] of bad) {
    const response = await client.post(`/office/sections/${id}`, validForm(overrides));
    assert.equal(response.statusCode, 422, `${field} ${JSON.stringify(overrides)}`);
    assert.ok(response.body.includes(`id="f-${field}-error"`), `${field}: the error beside its field`);
    assert.ok(response.body.includes(message), `${field}: ${message}`);
    assert.ok(response.body.includes('class="error-summary"'), "and listed on top");
  }
  assert.deepEqual(await snapshot("PL"), before, "nothing written");
  // What was typed comes back, to be corrected rather than typed again.
  const again = await client.post(`/office/sections/${id}`, validForm({ contact_email: "nope" }));
  assert.ok(again.body.includes('value="nope"'));
  // A forged CSRF token changes nothing either.
  const forged = await client.post(`/office/sections/${id}`, { ...validForm(), _csrf: "forged" });
  assert.equal(forged.statusCode, 403);
  assert.deepEqual(await snapshot("PL"), before);
});

test("the form's rules, unit by unit", () => {
  assert.equal(canonicalLanguage("zh-hant-tw"), "zh-Hant-TW");
  assert.equal(canonicalLanguage("en_GB"), undefined);
  assert.equal(canonicalLanguage(""), undefined);
  const ok = checkSectionForm(
    readSectionForm({ languages: "fr,  de", featured: ["3", "1", "2"], "position-2": "1", goal: "0" }),
    [1, 2, 3],
  );
  assert.deepEqual(ok.errors, {});
  assert.deepEqual(ok.input.languages, ["fr", "de"]);
  assert.deepEqual(ok.input.featured, [2, 1, 3], "numbered first, then the campaign's order");
  assert.equal(ok.input.goal, 0);
  const none = checkSectionForm(readSectionForm({ languages: "fr", goal: "10" }), null);
  assert.ok(none.errors.goal, "no campaign, no goal");
  const position = checkSectionForm(
    readSectionForm({ languages: "fr", featured: ["1"], "position-1": "x" }),
    [1],
  );
  assert.ok(position.errors.featured);
});

test("a section's email and languages follow the one rule of platform/rules", () => {
  const form = (overrides: Record<string, string>) =>
    checkSectionForm(readSectionForm({ languages: "fr", ...overrides }), [1]);
  // The rule every form shares: a one-letter top-level domain or a second @ is no address.
  assert.ok(form({ contact_email: "info@example.o" }).errors.contact_email);
  assert.ok(form({ contact_email: "a@b@example.org" }).errors.contact_email);
  assert.deepEqual(form({ contact_email: "info@es.example.org" }).errors, {});
  // A private-use or grandfathered tag is not a language a section works in.
  assert.match(form({ languages: "x-klingon" }).errors.languages ?? "", /not a BCP 47 language tag/);
  assert.deepEqual(form({ languages: "es-mx, zh-hant" }).input.languages, ["es-MX", "zh-Hant"]);
});
