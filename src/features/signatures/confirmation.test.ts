import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { action, postAction, startTestApp, type TestApp } from "../../../test/support/app.js";
import { countersAgree, submitForm } from "../../../test/support/nodes.js";
import { makeUser, officeClient } from "../../../test/support/office.js";
import { opened } from "../../../test/support/personal.js";
import { verifyCounters } from "../../core/ledger/verify.js";
import { personKey } from "../../platform/person-key.js";
import { pendingByCase, sendReminders } from "./index.js";

// An edition that counts signatures only once confirmed by email: stored pending, a one-time
// link through the outbox, counted once when it is followed (twice, or on two nodes), one
// reminder after 48 hours, and "it wasn't me" before and after the confirmation.

let t: TestApp;
let b: TestApp;
let campaignId: number;
let caseId: number;
const HOUR = 3_600_000;

before(async () => {
  t = await startTestApp();
  b = await startTestApp({}, t.config.databaseUrl);
  const campaign = t.runtime.catalog().campaigns.get("w4r-2012");
  campaignId = campaign?.id ?? 0;
  caseId = campaign?.cases.get("gao-zhisheng") ?? 0;
});
after(async () => {
  await b.close();
  await t.close();
});

const signFields = (email: string, key: string) => ({
  key,
  name: "Rosa",
  email,
  country: "ES",
  consent: "yes",
});

async function petitions(): Promise<number> {
  const result = await t.db.pool.query(
    "SELECT coalesce(sum(quantity), 0)::int AS n FROM actions WHERE type = 'petition' AND campaign_id = $1",
    [campaignId],
  );
  return result.rows[0].n;
}

async function mailsTo(email: string) {
  const rows = await opened(
    t.db,
    "SELECT subject_sealed, body_sealed FROM outbox WHERE recipient_key = $1 ORDER BY id",
    [t.db.privacy.emailKey(email)],
  );
  return rows.map((r) => ({ subject: String(r.subject), body: String(r.body) }));
}

const linkIn = (body: string, purpose: "confirm" | "withdraw") => {
  const tokens = [...body.matchAll(new RegExp(`/signatures/${purpose}\\?t=([\\w-]{43})`, "g"))];
  const token = tokens.at(-1)?.[1];
  assert.ok(token, `a ${purpose} link in ${body}`);
  return token;
};

const agree = () => countersAgree([t, b], campaignId);

/** Signs with the form, confirmation on; returns the email's links. */
async function signPending(email: string, key: string, lang = "es") {
  const response = await submitForm(t, `/${lang}/cases/gao-zhisheng/sign`, signFields(email, key));
  assert.equal(response.statusCode, 303);
  assert.match(String(response.headers.location), /\?done=sign-confirm&w=[\w-]{43}#act-sign$/);
  const mails = await mailsTo(email);
  const mail = mails.at(-1);
  assert.ok(mail, "the confirmation is in the outbox");
  return {
    location: String(response.headers.location),
    confirm: linkIn(mail.body, "confirm"),
    withdraw: linkIn(mail.body, "withdraw"),
    mail,
  };
}

test("an admin turns confirmation on in the edition's form; every node's catalog knows it", async () => {
  const admin = await officeClient(t, await makeUser(t, "admin"));
  const page = await admin.get("/office/campaigns/w4r-2012");
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /name="confirm_signatures"/);
  // The form as the page holds it, read back from the edition (in UTC: the same instants).
  const row = (
    await t.db.pool.query(
      `SELECT c.title, c.starts_at, c.ends_at, c.goal, c.default_language, c.late_report_days,
              (SELECT slug FROM campaigns p WHERE p.id = c.previous_id) AS previous,
              (SELECT array_agg(case_id::text ORDER BY position) FROM campaign_cases WHERE campaign_id = c.id) AS cases
         FROM campaigns c WHERE c.id = $1`,
      [campaignId],
    )
  ).rows[0];
  const saved = await admin.post("/office/campaigns/w4r-2012", {
    title: row.title,
    starts_at: row.starts_at.toISOString().slice(0, 16),
    ends_at: row.ends_at.toISOString().slice(0, 16),
    time_zone: "UTC",
    goal: String(row.goal),
    default_language: row.default_language,
    late_report_days: String(row.late_report_days),
    previous: row.previous ?? "",
    cases: row.cases,
    confirm_signatures: "yes",
  });
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 2000));
  const stored = await t.db.pool.query("SELECT confirm_signatures FROM campaigns WHERE id = $1", [
    campaignId,
  ]);
  assert.equal(stored.rows[0].confirm_signatures, true);
  await b.runtime.reloadCatalog();
  assert.equal(t.runtime.catalog().campaignsById.get(campaignId)?.confirmSignatures, true);
  assert.equal(b.runtime.catalog().campaignsById.get(campaignId)?.confirmSignatures, true);
  const audit = await t.db.pool.query(
    "SELECT after->>'confirmSignatures' AS on FROM audit_log WHERE entity = 'campaign' ORDER BY id DESC LIMIT 1",
  );
  assert.equal(audit.rows[0].on, "true");
});

test("a signature waits for its confirmation: nothing counted, an email with both links, the office sees it pending", async () => {
  const before = await petitions();
  const { location, mail } = await signPending("rosa@example.org", "pending-key-00001");
  assert.equal(await petitions(), before, "not counted yet");
  assert.match(mail.subject, /Confirma tu firma/, "in the signer's language");
  assert.match(mail.body, /^Hola, Rosa:/);
  const pending = await pendingByCase(t.db.pool, campaignId);
  assert.equal(pending.find((p) => p.caseId === caseId)?.pending, 1);
  const admin = await officeClient(t, await makeUser(t, "admin"));
  const office = await admin.get("/office/campaigns/w4r-2012");
  assert.match(office.body, /id="pending-signatures"/);
  assert.match(office.body, /<td class="number">1<\/td>/);
  // The thanks says to look at the email, with the "it wasn't me" link; it is the signer's only.
  const thanks = await t.app.inject({ url: location.replace(/#.*/, "") });
  assert.match(thanks.body, /Revisa tu correo/);
  assert.match(thanks.body, /href="\/es\/signatures\/withdraw\?t=[\w-]{43}"/);
  assert.equal(thanks.headers["cache-control"], "private, no-store");
});

test("following the link counts the signature once, on every node, however often it is followed", async () => {
  const before = await petitions();
  const { confirm } = await signPending("twice@example.org", "confirm-key-00001", "en");
  const page = await t.app.inject({ url: `/en/signatures/confirm?t=${confirm}` });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Confirm my signature/);
  assert.equal(page.headers["cache-control"], "private, no-store");
  assert.equal(await petitions(), before, "opening the link changes nothing");
  const clicks = await Promise.all([
    submitForm(t, "/en/signatures/confirm", { t: confirm }),
    submitForm(b, "/en/signatures/confirm", { t: confirm }),
    submitForm(t, "/en/signatures/confirm", { t: confirm }),
  ]);
  assert.deepEqual(
    clicks.map((c) => c.statusCode),
    [200, 200, 200],
  );
  assert.equal(clicks.filter((c) => /is confirmed and counted/.test(c.body)).length, 1);
  assert.equal(clicks.filter((c) => /already confirmed/.test(c.body)).length, 2);
  assert.equal(await petitions(), before + 1);
  await agree();
  const again = await submitForm(b, "/en/signatures/confirm", { t: confirm });
  assert.match(again.body, /already confirmed/);
  assert.equal(await petitions(), before + 1);
  const pending = await pendingByCase(t.db.pool, campaignId);
  assert.equal(pending.find((p) => p.caseId === caseId)?.pending, 1, "only rosa's still waits");
});

test("signing again while pending says so; an expired link gets a new one", async () => {
  const { confirm } = await signPending("again@example.org", "again-key-000001", "en");
  const second = await submitForm(
    t,
    "/en/cases/gao-zhisheng/sign",
    signFields("Again@Example.org", "again-key-000002"),
  );
  assert.equal(second.headers.location, "/en/cases/gao-zhisheng?done=sign-again-pending#act-sign");
  assert.equal((await mailsTo("again@example.org")).length, 1, "its link still works: no second email");
  const supporters = await t.db.pool.query("SELECT 1 FROM supporters WHERE email_key = $1", [
    t.db.privacy.emailKey("again@example.org"),
  ]);
  assert.equal(supporters.rowCount, 1);
  await t.db.pool.query(
    "UPDATE signature_links SET expires_at = now() - interval '1 second' WHERE purpose = 'confirm' AND signature_id = (SELECT signature_id FROM signature_links WHERE hash = sha256($1::text::bytea))",
    [confirm],
  );
  const expired = await submitForm(t, "/en/signatures/confirm", { t: confirm });
  assert.equal(expired.statusCode, 410);
  await submitForm(t, "/en/cases/gao-zhisheng/sign", signFields("again@example.org", "again-key-000003"));
  const mails = await mailsTo("again@example.org");
  assert.equal(mails.length, 2, "a new link");
  const fresh = linkIn(mails[1]?.body ?? "", "confirm");
  const before = await petitions();
  assert.match(
    (await submitForm(t, "/en/signatures/confirm", { t: fresh })).body,
    /is confirmed and counted/,
  );
  assert.equal(await petitions(), before + 1);
});

test("one reminder 48 hours after signing, once across nodes", async () => {
  const { mail } = await signPending("remind@example.org", "remind-key-00001", "fr");
  const now = Date.now();
  await Promise.all([
    sendReminders(t.runtime, new Date(now + 47 * HOUR)),
    sendReminders(b.runtime, new Date(now + 47 * HOUR)),
  ]);
  assert.equal((await mailsTo("remind@example.org")).length, 1, "not before 48 hours");
  const sent = await Promise.all([
    sendReminders(t.runtime, new Date(now + 49 * HOUR)),
    sendReminders(b.runtime, new Date(now + 49 * HOUR)),
  ]);
  assert.ok(sent[0] + sent[1] >= 1);
  const mails = await mailsTo("remind@example.org");
  assert.equal(mails.length, 2, "one reminder");
  assert.match(mails[1]?.subject ?? "", /^Rappel/);
  assert.notEqual(
    linkIn(mails[1]?.body ?? "", "confirm"),
    linkIn(mail.body, "confirm"),
    "with a link of its own",
  );
  await sendReminders(t.runtime, new Date(now + 100 * HOUR));
  assert.equal((await mailsTo("remind@example.org")).length, 2, "never a second reminder");
  // The reminder's link counts it, as the first email's would.
  const before = await petitions();
  await submitForm(t, "/fr/signatures/confirm", { t: linkIn(mails[1]?.body ?? "", "confirm") });
  assert.equal(await petitions(), before + 1);
});

test("it wasn't me, before the confirmation: never counted, the person erased, the link dead", async () => {
  const before = await petitions();
  const { confirm, withdraw } = await signPending("notme@example.org", "notme-key-000001", "en");
  const page = await t.app.inject({ url: `/en/signatures/withdraw?t=${withdraw}` });
  assert.match(page.body, /Withdraw the signature/);
  const done = await submitForm(b, "/en/signatures/withdraw", { t: withdraw });
  assert.match(done.body, /is withdrawn/);
  assert.equal(await petitions(), before);
  const left = await t.db.pool.query(
    `SELECT (SELECT count(*)::int FROM supporters WHERE email_key = $1) AS supporters,
            (SELECT count(*)::int FROM consents WHERE email_key = $1) AS consents,
            (SELECT count(*)::int FROM signatures WHERE person_key = $2) AS signatures`,
    [t.db.privacy.emailKey("notme@example.org"), personKey(t.db.privacy, "notme@example.org")],
  );
  assert.deepEqual(left.rows[0], { supporters: 0, consents: 0, signatures: 0 });
  const late = await submitForm(t, "/en/signatures/confirm", { t: confirm });
  assert.match(late.body, /was withdrawn/);
  assert.equal(await petitions(), before, "a withdrawn signature cannot be confirmed");
  await sendReminders(t.runtime, new Date(Date.now() + 49 * HOUR));
  assert.equal((await mailsTo("notme@example.org")).length, 1, "and is not reminded");
});

test("it wasn't me, after the confirmation: a compensating entry takes it out on every node", async () => {
  const { confirm, withdraw } = await signPending("after@example.org", "after-key-000001", "en");
  await submitForm(t, "/en/signatures/confirm", { t: confirm });
  const counted = await petitions();
  await agree();
  const clicks = await Promise.all([
    submitForm(t, "/en/signatures/withdraw", { t: withdraw }),
    submitForm(b, "/en/signatures/withdraw", { t: withdraw }),
  ]);
  for (const click of clicks) assert.match(click.body, /is withdrawn/);
  assert.equal(await petitions(), counted - 1);
  await agree();
  const entries = await t.db.pool.query(
    "SELECT quantity, reason FROM actions WHERE campaign_id = $1 AND idempotency_key LIKE 'withdraw:%'",
    [campaignId],
  );
  assert.equal(entries.rowCount, 1, "one compensation");
  assert.equal(entries.rows[0].quantity, -1);
  const supporters = await t.db.pool.query("SELECT 1 FROM supporters WHERE email_key = $1", [
    t.db.privacy.emailKey("after@example.org"),
  ]);
  assert.equal(supporters.rowCount, 0);
});

test("the API: 202 confirmation_sent, then already_signed while pending", async () => {
  const first = await postAction(
    t,
    action({ type: "petition", supporter: { name: "Api", email: "api.pending@example.org" } }),
    { "accept-language": "pl" },
  );
  assert.equal(first.statusCode, 202);
  assert.deepEqual(
    { code: first.json().code, signature: first.json().signature },
    { code: "confirmation_sent", signature: "pending" },
  );
  assert.match((await mailsTo("api.pending@example.org"))[0]?.subject ?? "", /Potwierdź/);
  const second = await postAction(
    t,
    action({ type: "petition", supporter: { email: "api.pending@example.org" } }),
  );
  assert.equal(second.statusCode, 200);
  assert.deepEqual(
    { code: second.json().code, signature: second.json().signature },
    { code: "already_signed", signature: "pending" },
  );
});

test("turned off again, signatures count at once; verify is clean after all of it", async () => {
  await t.db.pool.query("UPDATE campaigns SET confirm_signatures = false WHERE id = $1", [campaignId]);
  await t.runtime.catalogChanged();
  const before = await petitions();
  const response = await submitForm(
    t,
    "/en/cases/gao-zhisheng/sign",
    signFields("off@example.org", "off-key-00000001"),
  );
  assert.match(String(response.headers.location), /\?done=sign&w=/);
  assert.equal(await petitions(), before + 1);
  assert.equal((await mailsTo("off@example.org")).length, 0);
  const verified = await verifyCounters(t.db.pool);
  assert.deepEqual(verified.differences, []);
  await agree();
});
