import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { opened } from "../../../test/support/personal.js";
import { actAs, countsOf, type Person, submit, traces } from "./fixtures.js";
import { findHoldings } from "./holdings.js";
import { REQUESTS_PER_ADDRESS, REQUESTS_PER_EMAIL } from "./service.js";

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t.close());

/** The link in the last mail to this address, as a path. */
async function linkSentTo(email: string): Promise<string> {
  const [mail] = await opened(
    t.db,
    "SELECT body_sealed FROM outbox WHERE recipient_key = $1 ORDER BY id DESC LIMIT 1",
    [t.db.privacy.emailKey(email)],
  );
  const body = String(mail?.body ?? "");
  const match = /https?:\/\/[^/\s]+(\/[a-zA-Z-]+\/privacy\/[A-Za-z0-9_-]{43})/.exec(body);
  assert.ok(match?.[1], `a link in the mail: ${body}`);
  return match[1];
}

test("/privacy is one shared page for every visitor, in every language, with a form that needs no script", async () => {
  const first = await t.app.inject({
    method: "GET",
    url: "/en/privacy",
    headers: { "user-agent": "A", cookie: "x=1" },
  });
  const second = await t.app.inject({
    method: "GET",
    url: "/en/privacy",
    headers: { "user-agent": "B", "accept-language": "fr" },
  });
  assert.equal(first.statusCode, 200);
  assert.equal(first.body, second.body);
  assert.equal(first.headers.etag, second.headers.etag);
  assert.match(String(first.headers["cache-control"]), /^public/);
  assert.equal(first.headers["set-cookie"], undefined);
  assert.ok(first.body.includes('<form method="post" action="/en/privacy"'));
  assert.ok(
    first.body.includes('name="kind" value="access"') && first.body.includes('name="kind" value="erasure"'),
  );
  assert.ok(!first.body.includes("_csrf"));
  for (const lang of ["es", "fr", "ar", "zh-Hans", "ru", "pl"]) {
    const page = await t.app.inject({ method: "GET", url: `/${lang}/privacy` });
    assert.equal(page.statusCode, 200, lang);
    assert.ok(page.body.includes(`action="/${lang}/privacy"`));
  }
  const home = await t.app.inject({ method: "GET", url: "/en" });
  assert.ok(home.body.includes('href="/en/privacy"'), "every page's footer links to it");
});

test("a post from another site is refused and sends nothing", async () => {
  const before = (await t.db.pool.query("SELECT count(*)::int AS n FROM outbox")).rows[0].n;
  const forged = await t.app.inject({
    method: "POST",
    url: "/en/privacy",
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "cross-site" },
    payload: "email=victim%40example.org&kind=erasure",
  });
  assert.equal(forged.statusCode, 403);
  assert.equal((await t.db.pool.query("SELECT count(*)::int AS n FROM outbox")).rows[0].n, before);
});

test("'send me my data': a one-time link by email shows and downloads everything held", async () => {
  const p: Person = {
    name: "Oskar Brightwater",
    email: "oskar.brightwater@example.net",
    alias: "Oskar.Brightwater@example.net",
    country: "PL",
  };
  await actAs(t, p);
  const asked = await submit(t, "/pl/privacy", { email: p.email, kind: "access" }, "127.0.0.3");
  assert.equal(asked.statusCode, 303);
  assert.equal(asked.headers.location, "/pl/privacy?sent=1");
  const link = await linkSentTo(p.email);

  const opened = await t.app.inject({ method: "GET", url: link });
  assert.equal(opened.statusCode, 200);
  assert.match(String(opened.headers["cache-control"]), /no-store/);
  assert.ok(opened.body.includes('value="show"'), "the page asks before using the link");
  const again = await t.app.inject({ method: "GET", url: link });
  assert.equal(again.statusCode, 200, "opening the page (a mail scanner) does not use the link");

  const shown = await submit(t, link, { do: "show" });
  assert.equal(shown.statusCode, 200);
  for (const text of ["Oskar Brightwater", "petition:gao-zhisheng", "Courage from Oskar", "See you there"])
    assert.ok(shown.body.includes(text), `the data page shows ${text}`);
  const used = await submit(t, link, { do: "download" });
  assert.equal(used.statusCode, 404, "the link works once");

  await submit(t, "/en/privacy", { email: p.email, kind: "access" }, "127.0.0.3");
  const download = await submit(t, await linkSentTo(p.email), { do: "download" });
  assert.equal(download.statusCode, 200);
  assert.match(String(download.headers["content-type"]), /^application\/json/);
  const data = JSON.parse(download.body);
  assert.equal(data.supporters[0].name, p.name);
  assert.equal(data.rsvps.length, 1);
  assert.equal(data.consents[0].noticeVersion, "2026-11-1");
  const wrongKind = await submit(t, await requestAndLink(p.email, "access"), { do: "erase" });
  assert.equal(wrongKind.statusCode, 404, "an access link erases nothing");
  assert.equal((await findHoldings(t.db.pool, t.db.privacy, p.email)).supporters.length, 1);
});

async function requestAndLink(email: string, kind: "access" | "erasure", address = "127.0.0.4") {
  const asked = await submit(t, "/en/privacy", { email, kind }, address);
  assert.equal(asked.statusCode, 303, asked.body.slice(0, 200));
  return linkSentTo(email);
}

test("'delete me': the link confirms, erases everything, keeps the counts; the table of links keeps no address", async () => {
  const p: Person = {
    name: "Ines Marrowdale",
    email: "ines.marrowdale@example.com",
    alias: "INES.MARROWDALE@example.com",
    country: "FR",
  };
  await actAs(t, p);
  const link = await requestAndLink(p.email, "erasure", "127.0.0.5");
  const sealed = await traces(t.db, ["marrowdale"]);
  assert.ok(!sealed.some((s) => s.startsWith("privacy_requests.")), "the request holds the address sealed");
  const confirm = await t.app.inject({ method: "GET", url: link });
  assert.ok(confirm.body.includes('value="erase"'));
  assert.equal(
    (await findHoldings(t.db.pool, t.db.privacy, p.email)).supporters.length,
    1,
    "opening the page erases nothing",
  );

  const before = await countsOf(t);
  const erased = await submit(t, link, { do: "erase" });
  assert.equal(erased.statusCode, 200);
  assert.deepEqual(await countsOf(t), before);
  // The mail carrying the link went too: it held the address.
  assert.deepEqual(await traces(t.db, ["marrowdale"], p.email), []);
  assert.equal((await submit(t, link, { do: "erase" })).statusCode, 404);
  const audit = await t.db.pool.query(
    "SELECT actor, after FROM audit_log WHERE action = 'erase' ORDER BY id DESC LIMIT 1",
  );
  assert.equal(audit.rows[0]?.after.via, "link");
});

test("links are limited per person and per client, in the database: two nodes share the count", async () => {
  const b = await startTestApp({}, t.config.databaseUrl);
  try {
    const nodes = [t, b];
    const email = "often@example.org";
    for (let i = 0; i < REQUESTS_PER_EMAIL; i++) {
      const ok = await submit(nodes[i % 2] as TestApp, "/en/privacy", { email, kind: "access" }, "127.0.0.6");
      assert.equal(ok.statusCode, 303);
    }
    for (const node of nodes) {
      const limited = await submit(
        node,
        "/en/privacy",
        { email: "OFTEN@example.org", kind: "erasure" },
        "127.0.0.7",
      );
      assert.equal(limited.statusCode, 429, "the same person, from another client, on either node");
      assert.equal(limited.headers["retry-after"], "3600");
      assert.match(String(limited.headers["cache-control"]), /no-store/);
    }

    const client = "127.0.0.8";
    for (let i = 0; i < REQUESTS_PER_ADDRESS; i++) {
      const ok = await submit(
        nodes[i % 2] as TestApp,
        "/en/privacy",
        { email: `person${i}@example.org`, kind: "access" },
        client,
      );
      assert.equal(ok.statusCode, 303);
    }
    const flood = await submit(b, "/en/privacy", { email: "fresh@example.org", kind: "access" }, client);
    assert.equal(flood.statusCode, 429, "one client cannot mail many addresses");
    const mails = await t.db.pool.query(
      "SELECT count(*)::int AS n FROM outbox WHERE recipient = 'fresh@example.org'",
    );
    assert.equal(mails.rows[0].n, 0);
    const other = await submit(b, "/en/privacy", { email: "fresh@example.org", kind: "access" }, "127.0.0.9");
    assert.equal(other.statusCode, 303, "another client and person are not held back");
  } finally {
    await b.close();
  }
});

test("a malformed post is answered with the form again", async () => {
  const bad = await submit(t, "/en/privacy", { email: "not-an-email", kind: "access" });
  assert.equal(bad.statusCode, 422);
  assert.ok(bad.body.includes('aria-invalid="true"'));
  const invalid = await t.app.inject({ method: "GET", url: `/en/privacy/${"a".repeat(43)}` });
  assert.equal(invalid.statusCode, 404);
});

test("the sign form's notice promises what retention does (RETENTION_MONTHS)", async () => {
  const page = await t.app.inject({ method: "GET", url: "/en/cases/gao-zhisheng" });
  assert.equal(t.config.retentionMonths, 12);
  assert.match(page.body, /deleted 12 months after the campaign ends/);
  const es = await t.app.inject({ method: "GET", url: "/es/cases/gao-zhisheng" });
  assert.match(es.body, /se elimina 12 meses después/);
  assert.ok(page.body.includes('id="solidarity-email"'), "the solidarity form takes an optional address");
});
