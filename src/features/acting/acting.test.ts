import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { roomInWindow } from "../../../test/support/limits.js";
import { emailKey, opened } from "../../../test/support/personal.js";
import { consentsOf, withdrawConsents } from "./consents.js";

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

/** Opens the case page like a browser. */
async function open(path = "/en/cases/gao-zhisheng", headers: Record<string, string> = {}) {
  const response = await t.app.inject({ method: "GET", url: path, headers });
  return { response };
}

/** Posts a form as a browser does from the case page itself (Sec-Fetch-Site: same-origin). */
function submit(path: string, fields: Record<string, string>, remoteAddress?: string) {
  return t.app.inject({
    method: "POST",
    url: path,
    remoteAddress,
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
    payload: new URLSearchParams(fields).toString(),
  });
}

async function ledgerSize(): Promise<number> {
  return (await t.db.pool.query("SELECT count(*)::int AS n FROM actions")).rows[0].n;
}

async function count(type: string, caseSlug = "gao-zhisheng"): Promise<number> {
  const result = await t.db.pool.query(
    `SELECT coalesce(sum(quantity), 0)::int AS n FROM actions a JOIN cases c ON c.id = a.case_id
      WHERE c.slug = $1 AND a.type = $2 AND a.channel = 'web'`,
    [caseSlug, type],
  );
  return result.rows[0].n;
}

test("the case page offers three forms with nothing per visitor: no token, no key, no cookie; shared by caches", async () => {
  const { response } = await open();
  assert.equal(response.statusCode, 200);
  assert.match(
    String(response.headers["cache-control"]),
    /^public, max-age=\d+, stale-while-revalidate=\d+$/,
  );
  assert.equal(response.headers["set-cookie"], undefined);
  for (const form of ["letter", "sign", "solidarity"])
    assert.ok(response.body.includes(`action="/en/cases/gao-zhisheng/${form}"`));
  assert.ok(!response.body.includes('name="_csrf"'), "no CSRF token");
  assert.ok(!response.body.includes('name="key"'), "no idempotency key: the script mints it");
  assert.match(response.body, /<script src="\/assets\/forms.js" defer>/);
  assert.ok(!/name="consent"[^>]*checked/.test(response.body), "the consent box is not pre-ticked");
  assert.match(response.body, /class="privacy"/);
});

test("the case page does not reload itself without scripts: it would wipe a message being typed", async () => {
  const { response } = await open();
  assert.ok(!response.body.includes('http-equiv="refresh"'));
});

test("signing counts one petition, stores the consent, and a double submit counts once", async () => {
  const before = await count("petition");
  const fields = {
    key: "browser-minted-key-0001",
    name: "Ana Lima",
    email: "Ana@Example.org",
    country: "BR",
    consent: "yes",
  };
  const first = await submit("/en/cases/gao-zhisheng/sign", fields);
  assert.equal(first.statusCode, 303);
  // The thanks carries the token of the signature's "it wasn't me" link (features/signatures).
  assert.match(String(first.headers.location), /^\/en\/cases\/gao-zhisheng\?done=sign&w=[\w-]{43}#act-sign$/);
  const again = await submit("/en/cases/gao-zhisheng/sign", fields);
  assert.equal(again.statusCode, 303);
  assert.equal(await count("petition"), before + 1);
  const consent = await opened(
    t.db,
    `SELECT c.email, c.email_sealed, c.purpose, c.notice_version, c.source, n.language, n.text
       FROM consents c JOIN notices n ON n.hash = c.notice_hash WHERE c.email_key = $1`,
    [emailKey(t.db, "ana@example.org")],
  );
  assert.equal(consent.length, 1);
  assert.equal(consent[0]?.purpose, "petition:gao-zhisheng");
  assert.equal(consent[0]?.email, "ana@example.org", "the address is kept sealed, and opens");
  assert.equal(consent[0]?.source, "form");
  assert.equal(consent[0]?.language, "en");
  assert.match(String(consent[0]?.text), /deleted 12 months after the campaign ends/, "the notice as shown");
  const thanks = await open("/en/cases/gao-zhisheng?done=sign");
  assert.match(thanks.response.body, /class="done" role="status"/);
});

test("invalid fields are answered with the page, errors beside each field in the reader's language, nothing stored", async () => {
  const before = await count("petition");
  const response = await submit("/es/cases/gao-zhisheng/sign", {
    name: '<script>alert("x")</script>',
    email: "not-an-email",
    country: "QQ",
  });
  assert.equal(response.statusCode, 422);
  assert.equal(response.headers["cache-control"], "private, no-store", "what was typed is that person's");
  const html = response.body;
  assert.match(html, /<html lang="es"/);
  for (const field of ["sign-email", "sign-country", "sign-consent"]) {
    assert.match(html, new RegExp(`id="${field}-error"`), field);
    assert.match(html, new RegExp(`aria-describedby="${field}-error"`), field);
  }
  assert.ok(!html.includes('<script>alert("x")'), "the typed name is escaped");
  assert.ok(html.includes("&lt;script>alert"), "and kept in the field");
  assert.equal(await count("petition"), before);
});

test("a post from another site is refused with a page in the reader's language, and nothing is stored", async () => {
  const before = await count("petition");
  const ledger = await ledgerSize();
  const fields = { name: "X", email: "x@example.org", country: "FR", consent: "yes" };
  const forged = [
    { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
    { "sec-fetch-site": "same-site", origin: "https://other.localhost" },
    { origin: "https://evil.example" },
  ];
  for (const headers of forged) {
    const answer = await t.app.inject({
      method: "POST",
      url: "/fr/cases/gao-zhisheng/sign",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      payload: new URLSearchParams(fields).toString(),
    });
    assert.equal(answer.statusCode, 403, JSON.stringify(headers));
    assert.match(String(answer.headers["content-type"]), /^text\/html/);
    assert.match(answer.body, /<html lang="fr"/);
    assert.match(answer.body, /envoyé depuis un autre site/);
    assert.ok(answer.body.includes('href="/fr/cases/gao-zhisheng"'), "the way back is the case page");
  }
  assert.equal(await count("petition"), before);
  assert.equal(await ledgerSize(), ledger, "the ledger is unchanged");
  const consents = await t.db.pool.query("SELECT count(*)::int AS n FROM consents WHERE email_key = $1", [
    emailKey(t.db, "x@example.org"),
  ]);
  assert.equal(consents.rows[0].n, 0, "no consent either");
});

test("a solidarity message is counted and waits for moderation", async () => {
  const before = await count("solidarity", "coastei-street");
  const response = await submit("/fr/cases/coastei-street/solidarity", {
    name: "Élise",
    country: "FR",
    message: "Nous sommes avec vous.",
  });
  assert.equal(response.statusCode, 303);
  assert.equal(await count("solidarity", "coastei-street"), before + 1);
  const stored = (
    await opened(t.db, "SELECT author_sealed, language, status, body FROM solidarity_messages")
  ).map(({ author, language, status, body }) => ({ author, language, status, body }));
  assert.deepEqual(
    stored.find((m) => m.author === "Élise"),
    {
      author: "Élise",
      language: "fr",
      status: "pending",
      body: "Nous sommes avec vous.",
    },
  );
});

test("'I have sent my letter' counts the letters the writer says they sent, within bounds", async () => {
  const before = await count("letter");
  assert.equal(
    (await submit("/en/cases/gao-zhisheng/letter", { quantity: "3", country: "PL" })).statusCode,
    303,
  );
  assert.equal(await count("letter"), before + 3);
  const tooMany = await submit("/en/cases/gao-zhisheng/letter", { quantity: "500", country: "PL" });
  assert.equal(tooMany.statusCode, 422);
  assert.equal(await count("letter"), before + 3);
});

test("the letter becomes a print-ready PDF", async () => {
  const response = await t.app.inject({
    method: "POST",
    url: "/ar/cases/gao-zhisheng/letter.pdf?paper=a4",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams({ body: "نطالب بالإفراج عن غاو تشيشنغ" }).toString(),
  });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers["content-type"], "application/pdf");
  assert.equal(response.rawPayload.subarray(0, 5).toString(), "%PDF-");
  const empty = await t.app.inject({
    method: "POST",
    url: "/en/cases/gao-zhisheng/letter.pdf",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: "body=",
  });
  assert.equal(empty.statusCode, 422);
});

test("acting is limited per address, with Retry-After and a friendly page", async () => {
  const limited = await startTestApp({ ACTION_RATE_LIMIT: "2" });
  try {
    await roomInWindow(60, 20);
    const post = (key: string) =>
      limited.app.inject({
        method: "POST",
        url: "/en/cases/gao-zhisheng/letter",
        remoteAddress: "198.51.100.9",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: new URLSearchParams({ key, quantity: "1", country: "DE" }).toString(),
      });
    assert.equal((await post("k".repeat(16))).statusCode, 303);
    assert.equal((await post("l".repeat(16))).statusCode, 303);
    const refused = await post("m".repeat(16));
    assert.equal(refused.statusCode, 429);
    assert.ok(Number(refused.headers["retry-after"]) > 0);
    assert.match(String(refused.headers["content-type"]), /^text\/html/);
    // The case page again, the form kept, saying how long to wait (or, with scripts, solving a
    // proof of work: features/abuse).
    assert.match(refused.body, /Please wait \d+ seconds? and send this form again\./);
    assert.match(refused.body, /data-challenge=/);
  } finally {
    await limited.close();
  }
});

test("only approved solidarity messages appear on the case's wall, escaped", async () => {
  const caseId = t.runtime.catalog().campaigns.get("w4r-2012")?.cases.get("ales-bialiatski");
  const campaignId = t.runtime.catalog().campaigns.get("w4r-2012")?.id;
  const insert = (key: string, body: string, status: string) =>
    t.db.pool.query(
      `INSERT INTO solidarity_messages (id, campaign_id, case_id, idempotency_key, author, country, language, body, status)
       VALUES (gen_random_uuid(), $1, $2, $3, 'Olga', 'PL', 'pl', $4, $5)`,
      [campaignId, caseId, key, body, status],
    );
  await insert("wall-1", "Jesteśmy z Tobą <b>zawsze</b>", "approved");
  await insert("wall-2", "Not yet read", "pending");
  await insert("wall-3", "Spam", "rejected");
  const html = (await open("/en/cases/ales-bialiatski")).response.body;
  assert.ok(html.includes("Jesteśmy z Tobą &lt;b>zawsze&lt;/b>"));
  assert.ok(!html.includes("Not yet read") && !html.includes("Spam"));
  assert.match(html, /<blockquote lang="pl" dir="auto">/);
});

test("a NUL character in a form is dropped, not a server error", async () => {
  const response = await submit("/en/cases/coastei-street/solidarity", {
    name: "Nul\u0000l",
    country: "FR",
    message: "With\u0000 you.",
  });
  assert.equal(response.statusCode, 303);
  const stored = await opened(t.db, "SELECT author_sealed, body FROM solidarity_messages");
  assert.equal(stored.find((m) => m.author === "Null")?.body, "With you.");
});

test("the consent ledger keeps each consent with its notice, once per text, and its withdrawal", async () => {
  // Each post differs in name, or the server would take it for the same post sent twice.
  // One person signs a case once: the second consent is given on another case.
  const sign = (email: string, lang: string, slug = "coastei-street") =>
    submit(`/${lang}/cases/${slug}/sign`, {
      name: `Carla ${lang}`,
      email,
      country: "ES",
      consent: "yes",
    });
  assert.equal((await sign("Carla@Example.org", "en")).statusCode, 303);
  assert.equal((await sign("carla.other@example.org", "en")).statusCode, 303);
  const es = await sign("carla@example.org", "es", "gao-zhisheng");
  assert.equal(es.statusCode, 303);
  const given = await consentsOf(t.db.pool, t.db.privacy, " CARLA@example.org");
  assert.equal(given.length, 2, "both of this person's consents, not the other address's");
  assert.deepEqual(
    given.map((c) => [c.purpose, c.source, c.noticeVersion, c.notice?.language, c.email, c.withdrawnAt]),
    [
      ["petition:coastei-street", "form", "2026-11-1", "en", "carla@example.org", null],
      ["petition:gao-zhisheng", "form", "2026-11-1", "es", "carla@example.org", null],
    ],
  );
  assert.match(String(given[1]?.notice?.text), /12 meses/, "the notice as the Spanish form showed it");
  const notices = await t.db.pool.query("SELECT count(*)::int AS n FROM notices WHERE hash = ANY($1)", [
    [given[0]?.notice?.hash, given[1]?.notice?.hash],
  ]);
  assert.equal(notices.rows[0].n, 2, "one row per text");
  const english = await t.db.pool.query("SELECT count(*)::int AS n FROM consents WHERE notice_hash = $1", [
    given[0]?.notice?.hash,
  ]);
  assert.ok(english.rows[0].n >= 2, "consents given under one text share its row");

  assert.equal(
    await withdrawConsents(t.db.pool, t.db.privacy, { email: "carla@example.org", how: "it-wasnt-me" }),
    2,
  );
  assert.equal(
    await withdrawConsents(t.db.pool, t.db.privacy, { email: "carla@example.org", how: "it-wasnt-me" }),
    0,
  );
  const withdrawn = await consentsOf(t.db.pool, t.db.privacy, "carla@example.org");
  assert.ok(withdrawn.every((c) => c.withdrawnAt instanceof Date && c.withdrawnHow === "it-wasnt-me"));
  const other = await consentsOf(t.db.pool, t.db.privacy, "carla.other@example.org");
  assert.equal(other[0]?.withdrawnAt, null, "another person's consent stands");
});
