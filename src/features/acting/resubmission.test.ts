import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { emailKey, opened } from "../../../test/support/personal.js";
import { purgeOldSubmissions } from "./resubmission.js";

// A form sent twice counts once, without a key in the page: with scripts off the server knows
// it again (same client, same form, same values, within the window); with scripts on, by the
// key the browser minted. The counter and the ledger are both checked: they must agree.

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36";

function post(
  path: string,
  fields: Record<string, string>,
  o: { address?: string; userAgent?: string } = {},
) {
  return t.app.inject({
    method: "POST",
    url: path,
    remoteAddress: o.address ?? "203.0.113.10",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "sec-fetch-site": "same-origin",
      "user-agent": o.userAgent ?? BROWSER,
      "accept-language": "en-GB,en;q=0.8",
    },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** The case's actions of one type in the ledger. */
async function counted(type: string, slug: string): Promise<number> {
  const ledger = await t.db.pool.query(
    `SELECT coalesce(sum(quantity), 0)::int AS n FROM actions a JOIN cases c ON c.id = a.case_id
      WHERE c.slug = $1 AND a.type = $2`,
    [slug, type],
  );
  return ledger.rows[0].n;
}

/** The case's count as the counter shows it. */
async function caseTotal(slug: string): Promise<number> {
  return (await t.app.inject({ url: "/api/v1/campaigns/w4r-2012/counter" })).json().byCase[slug] ?? 0;
}

test("without scripts, the same form sent twice from the same browser counts once", async () => {
  const slug = "gao-zhisheng";
  const before = { ledger: await counted("solidarity", slug), counter: await caseTotal(slug) };
  const fields = { name: "Twice", country: "KE", message: "Pressed Send twice." };
  const first = await post(`/en/cases/${slug}/solidarity`, fields);
  const again = await post(`/en/cases/${slug}/solidarity`, fields);
  assert.equal(first.statusCode, 303);
  assert.equal(again.statusCode, 303, "the second is answered as the first: thank you");
  assert.equal(again.headers.location, first.headers.location);
  assert.equal(await counted("solidarity", slug), before.ledger + 1);
  assert.equal(await caseTotal(slug), before.counter + 1, "the counter agrees");
  const messages = await opened(t.db, "SELECT author_sealed FROM solidarity_messages");
  assert.equal(messages.filter((m) => m.author === "Twice").length, 1, "one message to moderate");
});

test("another message, another address or another browser is another action", async () => {
  const slug = "coastei-street";
  const before = await counted("solidarity", slug);
  const fields = { name: "Same Name", country: "FR", message: "First message." };
  assert.equal((await post(`/en/cases/${slug}/solidarity`, fields)).statusCode, 303);
  const other = { ...fields, message: "A second, different message." };
  assert.equal((await post(`/en/cases/${slug}/solidarity`, other)).statusCode, 303);
  assert.equal(
    (await post(`/en/cases/${slug}/solidarity`, fields, { address: "203.0.113.11" })).statusCode,
    303,
  );
  assert.equal(
    (await post(`/en/cases/${slug}/solidarity`, fields, { userAgent: "Mozilla/5.0 Firefox/140.0" }))
      .statusCode,
    303,
  );
  assert.equal(await counted("solidarity", slug), before + 4);
});

test("the letter form: the same count sent again is one report; another count is another", async () => {
  const slug = "ales-bialiatski";
  const before = await counted("letter", slug);
  const three = { quantity: "3", country: "PL" };
  for (let i = 0; i < 3; i++) assert.equal((await post(`/pl/cases/${slug}/letter`, three)).statusCode, 303);
  assert.equal(await counted("letter", slug), before + 3);
  assert.equal((await post(`/pl/cases/${slug}/letter`, { quantity: "2", country: "PL" })).statusCode, 303);
  assert.equal(await counted("letter", slug), before + 5);
});

test("posts of one form arriving at once are stored once", async () => {
  const slug = "gao-zhisheng";
  const before = await counted("petition", slug);
  const fields = { name: "Many Clicks", email: "clicks@example.org", country: "DE", consent: "yes" };
  const answers = await Promise.all(
    Array.from({ length: 8 }, () => post(`/en/cases/${slug}/sign`, fields, { address: "198.51.100.77" })),
  );
  assert.deepEqual(
    answers.map((a) => a.statusCode),
    Array(8).fill(303),
  );
  assert.equal(await counted("petition", slug), before + 1);
  const consents = await t.db.pool.query("SELECT count(*)::int AS n FROM consents WHERE email_key = $1", [
    emailKey(t.db, "clicks@example.org"),
  ]);
  assert.equal(consents.rows[0].n, 1);
});

test("after the window, the same form is a new action", async () => {
  const slug = "coastei-street";
  const before = await counted("letter", slug);
  const fields = { quantity: "1", country: "BR" };
  const address = "198.51.100.90";
  assert.equal((await post(`/en/cases/${slug}/letter`, fields, { address })).statusCode, 303);
  assert.equal((await post(`/en/cases/${slug}/letter`, fields, { address })).statusCode, 303);
  assert.equal(await counted("letter", slug), before + 1);
  // Ten minutes and a second later (the window runs from the first post, not the last).
  await t.db.pool.query("UPDATE form_submissions SET first_at = first_at - interval '10 minutes 1 second'");
  assert.equal((await post(`/en/cases/${slug}/letter`, fields, { address })).statusCode, 303);
  assert.equal(await counted("letter", slug), before + 2);
  assert.equal((await post(`/en/cases/${slug}/letter`, fields, { address })).statusCode, 303);
  assert.equal(await counted("letter", slug), before + 2, "and its own resubmission counts once again");
});

test("with scripts, the browser's key decides: the same key counts once, two keys twice", async () => {
  const slug = "gao-zhisheng";
  const before = await counted("letter", slug);
  const fields = { quantity: "1", country: "KE" };
  // Two people behind one address (a school), with the same browser and values: their own keys.
  const address = "198.51.100.120";
  for (const key of [
    "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6",
    "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6",
    "ffffeeeeddddccccbbbbaaaa99998888",
  ])
    assert.equal((await post(`/en/cases/${slug}/letter`, { ...fields, key }, { address })).statusCode, 303);
  assert.equal(await counted("letter", slug), before + 2);
});

test("a malformed key is a forged form: refused with the page, nothing stored", async () => {
  const slug = "gao-zhisheng";
  const before = await counted("letter", slug);
  const answer = await post(`/en/cases/${slug}/letter`, { quantity: "1", country: "KE", key: "short" });
  assert.equal(answer.statusCode, 422);
  assert.ok(!answer.body.includes('name="key"'), "the bad key is not offered again");
  assert.equal(await counted("letter", slug), before);
});

test("the page answering a refused post keeps the browser's key, so the same form sent again is the same action", async () => {
  const answer = await post("/en/cases/gao-zhisheng/letter", {
    quantity: "99",
    country: "KE",
    key: "0123456789abcdef0123456789abcdef",
  });
  assert.equal(answer.statusCode, 422);
  assert.equal(answer.headers["cache-control"], "private, no-store");
  assert.match(answer.body, /<input type="hidden" name="key" value="0123456789abcdef0123456789abcdef"\/>/);
});

test("fingerprints are kept no longer than their window", async () => {
  await t.db.pool.query("DELETE FROM form_submissions");
  await post(
    "/en/cases/gao-zhisheng/letter",
    { quantity: "1", country: "NO" },
    { address: "198.51.100.200" },
  );
  await post(
    "/en/cases/gao-zhisheng/letter",
    { quantity: "1", country: "SE" },
    { address: "198.51.100.200" },
  );
  await t.db.pool.query(
    "UPDATE form_submissions SET first_at = now() - interval '11 minutes' WHERE fingerprint = (SELECT min(fingerprint) FROM form_submissions)",
  );
  await purgeOldSubmissions(t.db.pool);
  const left = await t.db.pool.query("SELECT count(*)::int AS n FROM form_submissions");
  assert.equal(left.rows[0].n, 1);
  const stored = await t.db.pool.query<{ fingerprint: string; idempotency_key: string }>(
    "SELECT fingerprint, idempotency_key FROM form_submissions",
  );
  // Nothing readable about the person: a hash, and a random key.
  assert.match(stored.rows[0]?.fingerprint ?? "", /^[0-9a-f]{64}$/);
  assert.match(stored.rows[0]?.idempotency_key ?? "", /^s-[0-9a-f-]{36}$/);
});
