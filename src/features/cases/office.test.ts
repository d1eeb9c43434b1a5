import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { action, listen, postAction, startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, type OfficeClient, officeClient } from "../../../test/support/office.js";
import { StreamReader } from "../../../test/support/sse.js";
import { caseForm, createCase } from "./fixtures.js";

let t: TestApp;
let admin: OfficeClient;
before(async () => {
  t = await startTestApp();
  admin = await officeClient(t, await makeUser(t, "admin"));
});
after(async () => {
  await t.close();
});

/** Everything creating or editing a case may write, to prove that a refusal wrote nothing. */
async function everything() {
  const tables = ["cases", "case_texts", "case_text_fields", "targets", "campaign_cases", "audit_log"];
  const counts: Record<string, number> = {};
  for (const table of tables)
    counts[table] = (await t.db.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  const texts = await t.db.pool.query("SELECT * FROM case_texts ORDER BY case_id, language");
  const fields = await t.db.pool.query("SELECT * FROM case_text_fields ORDER BY case_id, language, field");
  const cases = await t.db.pool.query("SELECT * FROM cases ORDER BY id");
  const targets = await t.db.pool.query("SELECT * FROM targets ORDER BY id");
  return { counts, texts: texts.rows, fields: fields.rows, cases: cases.rows, targets: targets.rows };
}

const apiCases = async () => {
  const response = await t.app.inject({ method: "GET", url: "/api/v1/campaigns/w4r-2012" });
  assert.equal(response.statusCode, 200);
  return (response.json().cases as { slug: string }[]).map((c) => c.slug);
};

test("only admins reach the case pages; anonymous people are sent to log in", async () => {
  const gao = t.runtime.catalog().campaigns.get("w4r-2012")?.cases.get("gao-zhisheng");
  for (const role of ["coordinator", "translator", "organizer"] as const) {
    const client = await officeClient(t, await makeUser(t, role, { countries: ["ES"], languages: ["es"] }));
    for (const url of ["/office/cases", "/office/cases/new", `/office/cases/${gao}`]) {
      assert.equal((await client.get(url)).statusCode, 403, `${role} GET ${url}`);
    }
    const before = await everything();
    for (const url of ["/office/cases/new", `/office/cases/${gao}`, `/office/cases/${gao}/unpublish`]) {
      assert.equal(
        (await client.post(url, caseForm(t, { slug: `x-${role}` }))).statusCode,
        403,
        `${role} POST ${url}`,
      );
    }
    assert.deepEqual(await everything(), before);
  }
  const anonymous = await officeClient(t);
  const response = await anonymous.get("/office/cases");
  assert.equal(response.statusCode, 303);
  assert.match(String(response.headers.location), /^\/office\/login/);
  assert.equal((await admin.get("/office/cases/999999")).statusCode, 404);
  assert.equal((await admin.get("/office/cases/abc")).statusCode, 404);
});

test("bad case forms are refused with 422, errors beside the fields, and nothing written", async () => {
  const before = await everything();
  const cases: [Record<string, string | string[]>, string, RegExp][] = [
    [{ title: "" }, "title", /Enter the title/],
    [{ slug: "Bad Slug!" }, "slug", /lower-case letters/],
    // The one slug rule (platform/rules.ts): upper case is refused, not quietly lowered.
    [{ slug: "Upper-Case" }, "slug", /lower-case letters/],
    [{ slug: "gao-zhisheng" }, "slug", /already has this slug/],
    [
      { "target-0-name": "", "target-0-title": "", "target-0-address": "", "target-0-email": "" },
      "target-0-name",
      /at least one target/,
    ],
    [{ "target-1-name": "Someone", "target-1-address": "" }, "target-1-address", /postal address/],
    [{ "target-0-email": "not-an-email" }, "target-0-email", /email address/],
    [{ country: "XX" }, "country", /country code/],
    [{ source_language: "not a tag!" }, "source_language", /language tag/],
    [{ story: "x".repeat(20_001) }, "story", /at most 20,000/],
    [{ campaigns: "999999" }, "campaigns", /editions from the list/],
  ];
  for (const [overrides, field, message] of cases) {
    const response = await admin.post("/office/cases/new", caseForm(t, overrides));
    assert.equal(response.statusCode, 422, JSON.stringify(overrides).slice(0, 100));
    assert.match(response.body, message);
    assert.match(response.body, new RegExp(`id="f-${field}`));
    // The person's input is kept in the form.
    assert.ok(response.body.includes("Protect María and investigate the threats."), "input kept");
  }
  assert.deepEqual(await everything(), before);
});

test("a new case is written whole: texts, field revisions, targets, editions, audit", async () => {
  const id = await createCase(t, admin, {
    slug: "whole-case",
    sample_letter: "Dear Attorney General,\n\nPlease protect María.",
    published: "",
  });
  const db = t.db.pool;
  const row = (await db.query("SELECT * FROM cases WHERE id = $1", [id])).rows[0];
  assert.equal(row.slug, "whole-case");
  assert.equal(row.country, "MX");
  assert.equal(row.source_language, "en");
  assert.equal(row.published, false);
  const texts = (await db.query("SELECT * FROM case_texts WHERE case_id = $1", [id])).rows;
  assert.equal(texts[0].cards_address, "María Test\nc/o Section MX\nMexico City");
  assert.equal(texts.length, 1);
  assert.equal(texts[0].language, "en");
  assert.equal(texts[0].public, true);
  assert.equal(texts[0].story, "María reports on disappearances.\n\nShe has been threatened twice.");
  assert.equal(texts[0].sample_letter, "Dear Attorney General,\n\nPlease protect María.");
  const fields = (
    await db.query("SELECT field, status, revision FROM case_text_fields WHERE case_id = $1 ORDER BY field", [
      id,
    ])
  ).rows;
  // The case's seven fields and its one target's title, salutation and address.
  assert.equal(fields.length, 10);
  assert.ok(fields.every((f) => f.status === "approved" && f.revision === 1));
  const sources = (
    await db.query("SELECT field, revision, text FROM case_source_revisions WHERE case_id = $1", [id])
  ).rows;
  assert.equal(sources.length, 10, "each source field's text is kept with its revision");
  assert.ok(
    sources.some((r) => r.field === "ask" && r.text === "Protect María and investigate the threats."),
  );
  const targets = (await db.query("SELECT * FROM targets WHERE case_id = $1", [id])).rows;
  assert.equal(targets.length, 1, "blank target rows are ignored");
  assert.equal(targets[0].email, "fiscal@example.org");
  const featured = (await db.query("SELECT position FROM campaign_cases WHERE case_id = $1", [id])).rows;
  assert.deepEqual(featured, [{ position: 7 }]);
  const audits = (
    await db.query("SELECT * FROM audit_log WHERE entity = 'case' AND entity_id = $1", [String(id)])
  ).rows;
  assert.equal(audits.length, 1);
  assert.equal(audits[0].action, "create");
  assert.equal(audits[0].before, null);
  assert.equal(audits[0].after.slug, "whole-case");
  assert.equal(audits[0].after.targets.length, 1);

  const list = await admin.get("/office/cases");
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /whole-case/);
  const page = await admin.get(`/office/cases/${id}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Not published/);
});

test("publishing and unpublishing a case shows and hides it on the public site and in the ledger", async () => {
  const id = await createCase(t, admin, { slug: "published-case", published: "" });
  // Unpublished: no page, not in the API, no card, no online actions.
  assert.equal((await t.app.inject({ method: "GET", url: "/en/cases/published-case" })).statusCode, 404);
  assert.ok(!(await apiCases()).includes("published-case"));
  assert.equal((await postAction(t, action({ case: "published-case" }))).statusCode, 422);

  const published = await admin.post(`/office/cases/${id}/publish`);
  assert.equal(published.statusCode, 303);
  const page = await t.app.inject({ method: "GET", url: "/en/cases/published-case" });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /María Test/);
  assert.ok((await apiCases()).includes("published-case"));
  const home = await t.app.inject({ method: "GET", url: "/en/" });
  assert.match(home.body, /\/en\/cases\/published-case/);
  const accepted = await postAction(t, action({ case: "published-case" }));
  assert.ok(accepted.statusCode < 300, `action accepted: ${accepted.statusCode} ${accepted.body}`);

  assert.equal((await admin.post(`/office/cases/${id}/unpublish`)).statusCode, 303);
  assert.equal((await t.app.inject({ method: "GET", url: "/en/cases/published-case" })).statusCode, 404);
  assert.ok(!(await apiCases()).includes("published-case"));
  assert.equal((await postAction(t, action({ case: "published-case" }))).statusCode, 422);
  const actions = (
    await t.db.pool.query(
      "SELECT action, before->>'published' AS b, after->>'published' AS a FROM audit_log WHERE entity = 'case' AND entity_id = $1 ORDER BY id",
      [String(id)],
    )
  ).rows;
  assert.deepEqual(actions.slice(1), [
    { action: "publish", b: "false", a: "true" },
    { action: "unpublish", b: "true", a: "false" },
  ]);
});

test("an unpublished case stays in the public counter and stream only as one anonymous 'other' sum", async () => {
  const id = await createCase(t, admin, { slug: "withdrawn-case", published: "" });
  assert.equal((await admin.post(`/office/cases/${id}/publish`)).statusCode, 303);
  for (let i = 0; i < 3; i++)
    assert.equal((await postAction(t, action({ case: "withdrawn-case" }))).statusCode, 201);
  const counter = async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/v1/campaigns/w4r-2012/counter" });
    assert.equal(response.statusCode, 200);
    return response.json() as { total: number; byCase: Record<string, number> };
  };
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  const before = await counter();
  assert.equal(before.byCase["withdrawn-case"], 3);
  const stream = new StreamReader(`${await listen(t)}/api/v1/campaigns/w4r-2012/counter/stream`);
  try {
    await stream.next((e) => e.byCase["withdrawn-case"] === 3);
    assert.equal((await admin.post(`/office/cases/${id}/unpublish`)).statusCode, 303);
    const after = await counter();
    assert.equal(after.byCase["withdrawn-case"], undefined);
    assert.equal(after.byCase.other, 3 + (before.byCase.other ?? 0));
    assert.equal(sum(after.byCase), after.total);
    assert.equal(after.total, before.total);
    // Viewers already connected get the anonymous view without waiting for the next action.
    const event = await stream.next((e) => e.byCase["withdrawn-case"] === undefined);
    assert.equal(event.byCase.other, after.byCase.other);
    assert.doesNotMatch(JSON.stringify(event), /withdrawn-case/);
  } finally {
    stream.close();
  }
  // "other" is never a case's own name.
  const reserved = await admin.post("/office/cases/new", caseForm(t, { slug: "other" }));
  assert.equal(reserved.statusCode, 422);
  assert.match(reserved.body, /reserved/);
});

test("editing a case: changed source fields get a new revision, and a bad edit changes nothing", async () => {
  const id = await createCase(t, admin, { slug: "edited-case" });
  const form = caseForm(t, {
    story: "A new story.\n\nWith two paragraphs.",
    "target-1-name": "Governor",
    "target-1-address": "Palacio\nOaxaca",
  });
  delete form.slug;
  const saved = await admin.post(`/office/cases/${id}`, form);
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 500));
  const revisions = Object.fromEntries(
    (
      await t.db.pool.query(
        "SELECT field, revision FROM case_text_fields WHERE case_id = $1 AND language = 'en'",
        [id],
      )
    ).rows.map((r) => [r.field, r.revision]),
  );
  assert.equal(revisions.story, 2);
  assert.equal(revisions.title, 1);
  const targets = (
    await t.db.pool.query("SELECT name FROM targets WHERE case_id = $1 ORDER BY position", [id])
  ).rows;
  assert.deepEqual(
    targets.map((r) => r.name),
    ["Attorney General", "Governor"],
  );
  const audit = (
    await t.db.pool.query(
      "SELECT before, after FROM audit_log WHERE entity = 'case' AND entity_id = $1 AND action = 'update'",
      [String(id)],
    )
  ).rows;
  assert.equal(audit.length, 1);
  assert.match(audit[0].before.texts.story, /María reports/);
  assert.equal(audit[0].after.texts.story, "A new story.\n\nWith two paragraphs.");

  // Saving the same texts again bumps nothing.
  assert.equal((await admin.post(`/office/cases/${id}`, form)).statusCode, 303);
  const again = (
    await t.db.pool.query("SELECT max(revision)::int AS r FROM case_text_fields WHERE case_id = $1", [id])
  ).rows[0].r;
  assert.equal(again, 2);

  const before = await everything();
  const bad = await admin.post(`/office/cases/${id}`, { ...form, ask: "", "target-1-email": "nope" });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /Enter the ask/);
  assert.match(bad.body, /id="f-target-1-email"/);
  // A started edition cannot be left (its actions are counted under the case).
  const leave = await admin.post(`/office/cases/${id}`, { ...form, campaigns: [] });
  assert.equal(leave.statusCode, 422);
  assert.match(leave.body, /has started/);
  assert.deepEqual(await everything(), before);
});
