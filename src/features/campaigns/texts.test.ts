import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { action, postAction, startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, type OfficeClient, officeClient } from "../../../test/support/office.js";
import { saveEntityTexts } from "../../core/catalog/entity-texts.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { loadCampaignText } from "./index.js";

// An edition's texts translated in the back office and shown on the public home page, and its
// late-report period set in its form and kept by the reports form, corrections and the API.

let a: TestApp;
let admin: OfficeClient;

before(async () => {
  a = await startTestApp();
  admin = await officeClient(a, await makeUser(a, "admin"));
});
after(async () => a.close());

const DAY = 86_400_000;
/** A datetime-local value in UTC. */
const local = (date: Date) => date.toISOString().slice(0, 16);

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await sleep(50);
  }
  assert.fail(`timed out waiting for ${what}`);
}

test("the campaign's title and intro in Spanish show on the Spanish home page once approved", async () => {
  const translator = await officeClient(a, await makeUser(a, "translator", { languages: ["es"] }));
  const url = "/office/campaigns/w4r-2012/texts/es";
  const overview = await translator.get("/office/translations");
  assert.ok(overview.body.includes(`href="${url}"`), "the translator's overview links the edition's texts");
  const page = await translator.get(url);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Write for Rights 2012/, "the source beside the field");
  const other = await officeClient(a, await makeUser(a, "translator", { languages: ["fr"] }));
  assert.equal((await other.post(url, { "text-title": "x", status: "draft" })).statusCode, 403);

  const draft = await translator.post(url, {
    "text-title": "Escribe por los derechos 2012",
    "text-intro": "Una carta puede cambiar una vida.",
    status: "needs_review",
  });
  assert.equal(draft.statusCode, 303, draft.body);
  const home = async () => (await a.app.inject({ url: "/es/" })).body;
  assert.doesNotMatch(await home(), /Escribe por los derechos 2012/, "not before it is approved");
  assert.match(await home(), /<h1>Write for Rights 2012<\/h1>/, "the default language meanwhile");

  const approved = await translator.post(url, {
    "text-title": "Escribe por los derechos 2012",
    "text-intro": "Una carta puede cambiar una vida.",
    status: "approved",
  });
  assert.equal(approved.statusCode, 303);
  await until(
    async () => (await home()).includes("<h1>Escribe por los derechos 2012</h1>"),
    "the Spanish title",
  );
  assert.match(await home(), /Una carta puede cambiar una vida\./);
  // Other languages fall back to the default language.
  assert.match((await a.app.inject({ url: "/fr/" })).body, /<h1>Write for Rights 2012<\/h1>/);
  const audit = await a.db.pool.query(
    "SELECT count(*)::int AS n FROM audit_log WHERE entity = 'campaign' AND action = 'translate'",
  );
  assert.equal(audit.rows[0].n, 2);
  const campaignId = a.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0;
  assert.equal(
    (await loadCampaignText(a.db.pool, campaignId, "es-AR", "title"))?.text,
    "Escribe por los derechos 2012",
  );
});

test("the API gives the edition's title and intro per language: ?lang=, else Accept-Language, each cached apart", async () => {
  // The Spanish title approved by the test before.
  const get = (url: string, headers: Record<string, string> = {}) => a.app.inject({ url, headers });
  const edition = (body: string) =>
    (JSON.parse(body) as { campaigns: Record<string, unknown>[] }).campaigns.find(
      (c) => c.slug === "w4r-2012",
    );

  const plain = await get("/api/v1/campaigns");
  assert.equal(plain.statusCode, 200);
  assert.match(String(plain.headers.vary), /accept-language/i, "it could have depended on it");
  const english = edition(plain.body);
  assert.equal(english?.title, "Write for Rights 2012");
  assert.equal(english?.language, "en");
  const texts = (english?.texts ?? {}) as Record<string, { title: string }>;
  assert.equal(texts.es?.title, "Escribe por los derechos 2012");

  const asked = await get("/api/v1/campaigns?lang=es", { "accept-language": "fr" });
  assert.equal(edition(asked.body)?.title, "Escribe por los derechos 2012");
  assert.equal(edition(asked.body)?.intro, "Una carta puede cambiar una vida.");
  assert.equal(edition(asked.body)?.language, "es");
  assert.doesNotMatch(String(asked.headers.vary), /accept-language/i, "the address names the language");

  // A Mexican or Catalan browser reads the Spanish; a French one the default, as the same page.
  for (const header of ["es-MX,es;q=0.9", "ca"]) {
    const browser = await get("/api/v1/campaigns", { "accept-language": header });
    assert.equal(edition(browser.body)?.title, "Escribe por los derechos 2012", header);
  }
  const french = await get("/api/v1/campaigns", { "accept-language": "fr-FR" });
  assert.equal(edition(french.body)?.title, "Write for Rights 2012");
  assert.equal(french.headers.etag, plain.headers.etag, "one page for every language without a text");
  // The cache keeps the languages apart, with their own ETags.
  assert.notEqual(asked.headers.etag, plain.headers.etag);
  const again = await get("/api/v1/campaigns", {
    "accept-language": "es",
    "if-none-match": String(asked.headers.etag),
  });
  assert.equal(again.statusCode, 304);

  const detail = await get("/api/v1/campaigns/w4r-2012?lang=es-AR");
  assert.equal(detail.statusCode, 200);
  const body = JSON.parse(detail.body) as { title: string; language: string; cases: unknown[] };
  assert.equal(body.title, "Escribe por los derechos 2012");
  assert.equal(body.language, "es");
  assert.ok(body.cases.length > 0);
  assert.equal(JSON.parse((await get("/api/v1/campaigns/w4r-2012")).body).title, "Write for Rights 2012");
  assert.equal((await get("/api/v1/campaigns?lang=not%20a%20tag")).statusCode, 400);
});

test("an edition's texts: four eyes where a section asks for them, and the source's word diff", async () => {
  const url = "/office/campaigns/w4r-2012/texts/es";
  const spain = a.runtime.sectionOf("ES");
  await a.db.pool.query("UPDATE sections SET review_languages = ARRAY['es'] WHERE id = $1", [spain]);
  const writer = await officeClient(a, await makeUser(a, "translator", { languages: ["es"] }));
  const reviewer = await officeClient(a, await makeUser(a, "translator", { languages: ["es"] }));
  const texts = {
    "text-title": "Escribe por los derechos 2012",
    "text-intro": "Una carta puede cambiar una vida, y muchas cartas más.",
  };
  const stored = async () =>
    (
      await a.db.pool.query(
        `SELECT t.status, t.text, t.edited_by FROM campaign_texts t JOIN campaigns c ON c.id = t.campaign_id
          WHERE c.slug = 'w4r-2012' AND t.language = 'es' AND t.field = 'intro'`,
      )
    ).rows[0];
  assert.match((await writer.get(url)).body, /a second person reviews|second person/i);
  const own = await writer.post(url, { ...texts, status: "approved" });
  assert.equal(own.statusCode, 403);
  assert.match(own.body, /Someone else must approve this text/);
  assert.equal((await stored()).text, "Una carta puede cambiar una vida.", "nothing written");
  assert.equal((await writer.post(url, { ...texts, status: "needs_review" })).statusCode, 303);
  assert.equal((await writer.post(url, { ...texts, status: "approved" })).statusCode, 403, "still hers");
  const approved = await reviewer.post(url, { ...texts, status: "approved" });
  assert.equal(approved.statusCode, 303, approved.body);
  assert.equal((await stored()).status, "approved");
  assert.equal((await stored()).edited_by, writer.user?.id);

  // The English intro moves on after the Spanish one was translated from it: outdated, and
  // its page shows, word by word, what changed (the edition form saves the source the same way).
  const campaignId = a.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0;
  const saveEnglish = (intro: string) =>
    withTransaction(a.db.pool, (client) =>
      saveEntityTexts(client, "campaign", campaignId, "en", "en", { intro }, "approved", null),
    );
  await saveEnglish("One letter can change a life.");
  await a.db.pool.query(
    `UPDATE campaign_texts SET source_revision = (SELECT revision FROM campaign_texts
        WHERE campaign_id = $1 AND language = 'en' AND field = 'intro')
      WHERE campaign_id = $1 AND language = 'es' AND field = 'intro'`,
    [campaignId],
  );
  assert.doesNotMatch((await reviewer.get(url)).body, /diff-added/, "up to date: no diff");
  await saveEnglish("One letter can change a life, and many letters more.");
  const kept = await a.db.pool.query(
    "SELECT text FROM campaign_source_revisions WHERE campaign_id = $1 AND field = 'intro' ORDER BY revision",
    [campaignId],
  );
  assert.deepEqual(kept.rows.map((r) => r.text).slice(-2), [
    "One letter can change a life.",
    "One letter can change a life, and many letters more.",
  ]);
  const page = (await reviewer.get(url)).body;
  assert.ok(
    page.includes('One letter can change a life<ins class="diff-added">, and many letters more</ins>.'),
    "the words added to the source since",
  );
  await a.db.pool.query("UPDATE sections SET review_languages = '{}' WHERE id = $1", [spain]);
});

test("late reports are taken within the edition's period and refused after it", async () => {
  const { pool } = a.db;
  const campaign = a.runtime.catalog().campaigns.get("w4r-2012");
  assert.ok(campaign);
  const saved = { endsAt: campaign.endsAt, days: campaign.lateReportDays };
  const coordinator = await officeClient(a, await makeUser(a, "coordinator", { countries: ["ES"] }));
  const reportForm = async () => {
    const page = await coordinator.get("/office/reports/new");
    return {
      status: page.statusCode,
      key: /name="key" value="([^"]+)"/.exec(page.body)?.[1] ?? randomUUID(),
      body: page.body,
    };
  };
  const report = (key: string) => ({
    key,
    case: "gao-zhisheng",
    type: "letter",
    country: "ES",
    date: new Date(campaign.startsAt.getTime() + 2 * DAY).toISOString().slice(0, 10),
    quantity: "7",
    event: "",
  });
  // Ended ten days ago, through the edition's own form: 30 days of late reports, then 5.
  const form = await admin.get("/office/campaigns/w4r-2012");
  const value = (name: string) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(form.body)?.[1] ?? "";
  const editForm = (days: string) => ({
    title: value("title"),
    starts_at: local(campaign.startsAt),
    ends_at: local(new Date(Date.now() - 10 * DAY)),
    time_zone: "UTC",
    goal: String(campaign.goal),
    previous: "w4r-2011",
    default_language: "en",
    late_report_days: days,
    cases: [...campaign.cases.values()].map(String),
  });
  try {
    assert.equal((await admin.post("/office/campaigns/w4r-2012", editForm("30"))).statusCode, 303);
    const within = await reportForm();
    assert.equal(within.status, 200);
    const edited = a.runtime.catalog().campaigns.get("w4r-2012");
    assert.equal(edited?.lateReportDays, 30);
    const closes = new Date((edited?.endsAt.getTime() ?? 0) + 30 * DAY).toISOString().slice(0, 10);
    assert.ok(within.body.includes(`reports are still welcome until ${closes}`), "the form says until when");
    const accepted = await coordinator.post("/office/reports/new", report(within.key));
    assert.equal(accepted.statusCode, 303, accepted.body);
    const late = await pool.query("SELECT late FROM reports WHERE id = $1", [within.key]);
    assert.equal(late.rows[0]?.late, true);
    const api = await postAction(a, action({ quantity: 3, country: "ES" }), {
      authorization: "Bearer reporter-token-for-tests-0001",
    });
    assert.equal(api.statusCode, 201, api.body);

    assert.equal((await admin.post("/office/campaigns/w4r-2012", editForm("5"))).statusCode, 303);
    const count = async () => Number((await pool.query("SELECT count(*) AS n FROM reports")).rows[0].n);
    const before = await count();
    // No edition takes reports now (none is open or coming): the form says why.
    const closedForm = await reportForm();
    assert.equal(closedForm.status, 409);
    assert.match(closedForm.body, /took reports until/);
    const refused = await coordinator.post("/office/reports/new", report(randomUUID()));
    assert.equal(refused.statusCode, 409);
    // A correction of the late report is a report too: refused once the period is over.
    const correction = await coordinator.post(`/office/reports/${within.key}/correct`, {
      key: randomUUID(),
      counted: "7",
      total: "5",
      reason: "Counted twice",
    });
    assert.equal(correction.statusCode, 409, correction.body);
    assert.match(correction.body, /took reports until/);
    assert.equal(await count(), before, "nothing recorded");
    const apiRefused = await postAction(a, action({ quantity: 3, country: "ES" }), {
      authorization: "Bearer reporter-token-for-tests-0001",
    });
    assert.equal(apiRefused.statusCode, 409);
    assert.equal(JSON.parse(apiRefused.body).code, "reports_closed");
  } finally {
    await pool.query("UPDATE campaigns SET ends_at = $2, late_report_days = $3 WHERE id = $1", [
      campaign.id,
      saved.endsAt,
      saved.days,
    ]);
    await a.runtime.catalogChanged();
  }
});
