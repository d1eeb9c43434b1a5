import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { action, postAction, startTestApp, type TestApp } from "../../../test/support/app.js";
import { countersAgree, submitForm } from "../../../test/support/nodes.js";
import { verifyCounters } from "../../core/ledger/verify.js";
import { personKey } from "../../platform/person-key.js";

// One person, one signature, counted at once: sequential, concurrent and on two nodes; the
// thank-you page's "it wasn't me"; letters and messages may repeat. (Confirmation by email:
// confirmation.test.ts.)

let t: TestApp;
let b: TestApp;
let campaignId: number;
before(async () => {
  t = await startTestApp();
  b = await startTestApp({}, t.config.databaseUrl);
  campaignId = t.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0;
});
after(async () => {
  await b.close();
  await t.close();
});

const signFields = (email: string, key: string) => ({
  key,
  name: "Ana Lima",
  email,
  country: "BR",
  consent: "yes",
});

const signature = (email: string, overrides: Record<string, unknown> = {}) =>
  action({ type: "petition", supporter: { name: "Ana", email }, ...overrides });

async function petitions(slug = "gao-zhisheng"): Promise<number> {
  const result = await t.db.pool.query(
    `SELECT coalesce(sum(quantity), 0)::int AS n FROM actions a JOIN cases c ON c.id = a.case_id
      WHERE c.slug = $1 AND a.type = 'petition' AND a.campaign_id = $2`,
    [slug, campaignId],
  );
  return result.rows[0].n;
}

async function signaturesOf(email: string) {
  const result = await t.db.pool.query("SELECT status, action_id FROM signatures WHERE person_key = $1", [
    personKey(t.db.privacy, email),
  ]);
  return result.rows;
}

const agree = () => countersAgree([t, b], campaignId);

test("a second signature by the same person counts nothing, and the thanks says they had signed", async () => {
  const before = await petitions();
  const first = await submitForm(
    t,
    "/en/cases/gao-zhisheng/sign",
    signFields("j.doe+w4r@gmail.com", "key-first-0000001"),
  );
  assert.equal(first.statusCode, 303);
  assert.match(String(first.headers.location), /\?done=sign&w=[\w-]{43}#act-sign$/);
  // Another post (another key), the address written as the same person: gmail ignores dots and +tags.
  const second = await submitForm(
    t,
    "/en/cases/gao-zhisheng/sign",
    signFields("JDoe@googlemail.com ", "key-second-000001"),
  );
  assert.equal(second.statusCode, 303);
  assert.equal(second.headers.location, "/en/cases/gao-zhisheng?done=sign-again#act-sign");
  assert.equal(await petitions(), before + 1);
  assert.equal((await signaturesOf("jdoe@gmail.com")).length, 1);
  // The second post keeps nothing of the person: no supporter, no consent of its own.
  const person = t.db.privacy.emailKey("jdoe@gmail.com");
  const supporters = await t.db.pool.query("SELECT email_sealed FROM supporters WHERE email_key = $1", [
    person,
  ]);
  assert.deepEqual(
    supporters.rows.map((r) => t.db.privacy.open(r.email_sealed, "email")),
    ["j.doe+w4r@gmail.com"],
  );
  const consents = await t.db.pool.query("SELECT idempotency_key FROM consents WHERE email_key = $1", [
    person,
  ]);
  assert.deepEqual(
    consents.rows.map((r) => r.idempotency_key),
    ["form:key-first-0000001"],
  );
  const page = await t.app.inject({ url: second.headers.location as string });
  assert.match(page.body, /You had already signed — thank you!/);
  assert.doesNotMatch(page.body, /signatures\/withdraw/, "no withdrawal link for someone else's signature");
  // Shared: the thanks holds nothing of that person.
  assert.match(String(page.headers["cache-control"]), /^public/);
  // In every language.
  const es = await t.app.inject({ url: "/es/cases/gao-zhisheng?done=sign-again" });
  assert.match(es.body, /Ya habías firmado/);
});

test("another case is another signature; letters and messages may repeat", async () => {
  const before = { gao: await petitions(), other: await petitions("coastei-street") };
  assert.equal((await postAction(t, signature("multi@example.org"))).statusCode, 201);
  assert.equal(
    (await postAction(t, signature("multi@example.org", { case: "coastei-street" }))).statusCode,
    201,
  );
  assert.equal(await petitions(), before.gao + 1);
  assert.equal(await petitions("coastei-street"), before.other + 1);
  // A letter, or a message of solidarity, is not a signature: the same person may send many.
  const letters = await t.db.pool.query("SELECT count(*)::int AS n FROM actions WHERE type = 'letter'");
  for (let i = 0; i < 2; i++) {
    assert.equal(
      (await postAction(t, action({ supporter: { email: "multi@example.org" } }))).statusCode,
      201,
    );
  }
  const after = await t.db.pool.query("SELECT count(*)::int AS n FROM actions WHERE type = 'letter'");
  assert.equal(after.rows[0].n, letters.rows[0].n + 2);
});

test("the API answers a second signature 200 already_signed, and a replay of the first with the stored action", async () => {
  const first = await postAction(t, signature("api.person@example.org"), { "idempotency-key": "api-sign-1" });
  assert.equal(first.statusCode, 201);
  const replay = await postAction(t, signature("api.person@example.org"), {
    "idempotency-key": "api-sign-1",
  });
  assert.equal(replay.statusCode, 200);
  assert.equal(replay.headers["idempotent-replayed"], "true");
  assert.equal(replay.json().id, first.json().id);
  const again = await postAction(t, signature("API.Person@Example.org"), { "idempotency-key": "api-sign-2" });
  assert.equal(again.statusCode, 200);
  assert.equal(again.json().code, "already_signed");
  assert.equal(again.json().signature, "counted");
  const untagged = await postAction(t, signature("api.person@example.org"));
  assert.equal(untagged.json().code, "already_signed");
  assert.equal((await signaturesOf("api.person@example.org")).length, 1);
  // A batch of paper signatures (a reporter's quantity) is not one person's.
  const batch = await postAction(t, signature("api.person@example.org", { quantity: 40 }), {
    authorization: "Bearer reporter-token-for-tests-0001",
  });
  assert.equal(batch.statusCode, 201);
});

test("20 concurrent signatures by one person count once", async () => {
  const before = await petitions();
  const variants = ["Crowd@Example.org", "crowd@example.org", "crowd@EXAMPLE.org"];
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      i % 2
        ? postAction(t, signature(variants[i % 3] as string, { country: "FR" }))
        : submitForm(
            t,
            "/en/cases/gao-zhisheng/sign",
            signFields(variants[i % 3] as string, `crowd-key-${1000 + i}-x`),
          ),
    ),
  );
  assert.equal(await petitions(), before + 1);
  const counted = answers.filter(
    (r) => r.statusCode === 201 || /done=sign&/.test(String(r.headers.location)),
  );
  assert.equal(counted.length, 1, "one answer says counted");
  const again = answers.filter(
    (r) =>
      (r.statusCode === 200 && r.json().code === "already_signed") ||
      /done=sign-again#/.test(String(r.headers.location)),
  );
  assert.equal(again.length, 19, "the others say already signed");
  assert.equal((await signaturesOf("crowd@example.org")).length, 1);
  await agree();
});

test("on two nodes at once, one person's signatures count once, and both counters agree", async () => {
  const before = await petitions();
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => postAction(i % 2 ? t : b, signature("two.nodes@example.org"))),
  );
  assert.equal(answers.filter((r) => r.statusCode === 201).length, 1);
  assert.equal(answers.filter((r) => r.statusCode === 200 && r.json().code === "already_signed").length, 19);
  assert.equal(await petitions(), before + 1);
  await agree();
});

test("it wasn't me, from the thanks: the signature stops counting on every node and the person is erased", async () => {
  const before = await petitions();
  const signed = await submitForm(
    b,
    "/fr/cases/gao-zhisheng/sign",
    signFields("victim@example.org", "victim-key-000001"),
  );
  const location = String(signed.headers.location);
  const token = /&w=([\w-]{43})/.exec(location)?.[1];
  assert.ok(token, location);
  assert.equal(await petitions(), before + 1);
  await agree();
  // The thanks carries the link, and is that signer's only.
  const thanks = await t.app.inject({ url: location.replace(/#.*/, "") });
  assert.equal(thanks.headers["cache-control"], "private, no-store");
  assert.ok(thanks.body.includes(`href="/fr/signatures/withdraw?t=${token}"`));
  assert.match(thanks.body, /Ce n’était pas moi/);
  // A made-up token is no link: the shared thanks, without one.
  const madeUp = await t.app.inject({ url: `/fr/cases/gao-zhisheng?done=sign&w=${"B".repeat(43)}` });
  assert.match(String(madeUp.headers["cache-control"]), /^public/);
  assert.doesNotMatch(madeUp.body, /signatures\/withdraw/);
  // Following it changes nothing: a button does (mail scanners open links).
  const page = await t.app.inject({ url: `/fr/signatures/withdraw?t=${token}` });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<form method="post" action="\/fr\/signatures\/withdraw"/);
  assert.equal(await petitions(), before + 1);
  const done = await submitForm(t, "/fr/signatures/withdraw", { t: token });
  assert.equal(done.statusCode, 200);
  assert.match(done.body, /est retirée/);
  assert.equal(await petitions(), before);
  await agree();
  // Twice, or on the other node: nothing more.
  await submitForm(b, "/fr/signatures/withdraw", { t: token });
  assert.equal(await petitions(), before);
  const compensations = await t.db.pool.query(
    "SELECT quantity, reason FROM actions WHERE idempotency_key LIKE 'withdraw:%' AND quantity < 0",
  );
  assert.equal(compensations.rowCount, 1);
  const left = await t.db.pool.query(
    `SELECT (SELECT count(*)::int FROM supporters WHERE email_key = $1) AS supporters,
            (SELECT count(*)::int FROM consents WHERE email_key = $1) AS consents,
            (SELECT count(*)::int FROM signatures WHERE person_key = $2) AS signatures`,
    [t.db.privacy.emailKey("victim@example.org"), personKey(t.db.privacy, "victim@example.org")],
  );
  assert.deepEqual(left.rows[0], { supporters: 0, consents: 0, signatures: 0 });
  // The address's owner may now sign after all.
  const own = await submitForm(
    t,
    "/fr/cases/gao-zhisheng/sign",
    signFields("victim@example.org", "owner-key-0000001"),
  );
  assert.match(String(own.headers.location), /done=sign&w=/);
  assert.equal(await petitions(), before + 1);
});

test("a link's token that names nothing is a page not found; verify stays clean", async () => {
  const bogus = "A".repeat(43);
  assert.equal((await t.app.inject({ url: `/en/signatures/withdraw?t=${bogus}` })).statusCode, 404);
  assert.equal((await submitForm(t, "/en/signatures/withdraw", { t: bogus })).statusCode, 404);
  assert.equal((await submitForm(t, "/en/signatures/confirm", { t: "short" })).statusCode, 404);
  assert.equal((await t.app.inject({ url: "/xx/signatures/confirm" })).statusCode, 404);
  const verified = await verifyCounters(t.db.pool);
  assert.deepEqual(verified.differences, []);
  assert.equal(verified.orphans, 0);
});
