import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { UI_LOCALES } from "../src/platform/i18n/locales.js";
import { action, postAction, startTestApp, type TestApp } from "./support/app.js";
import { makeEvent } from "./support/events.js";
import { makeUser } from "./support/office.js";

// The public pages with forms hold nothing per visitor, so every cache can share them: two
// visitors get the same bytes. Their forms are guarded by where the browser says a post comes
// from instead of a token (src/platform/http/cross-origin.ts): a post from another site is
// refused and counts nothing, one from the page itself counts once. The JSON API is no browser
// form and is left as it was.

let t: TestApp;
let eventId: string;
before(async () => {
  t = await startTestApp();
  eventId = await makeEvent(t, { organizerId: (await makeUser(t, "organizer")).id, capacity: 50 });
});
after(() => t.close());

/** Two people as unlike as can be: address, browser, language, cookies (a stale CSRF one too). */
const VISITORS = [
  {
    remoteAddress: "203.0.113.1",
    headers: {
      "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0",
      "accept-language": "fr-FR,fr;q=0.9",
      cookie: "_csrf=someone-elses-secret; inkwell_session=abc",
    },
  },
  {
    remoteAddress: "198.51.100.2",
    headers: {
      "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari/604.1",
      "accept-language": "es-MX,es;q=0.9",
      "sec-fetch-site": "none",
    },
  },
];

async function bothSee(url: string): Promise<string> {
  const [a, b] = await Promise.all(
    VISITORS.map((v) =>
      t.app.inject({ method: "GET", url, remoteAddress: v.remoteAddress, headers: v.headers }),
    ),
  );
  assert.ok(a && b);
  assert.equal(a.statusCode, 200, url);
  assert.equal(b.statusCode, 200, url);
  for (const answer of [a, b]) {
    assert.equal(answer.headers["set-cookie"], undefined, `${url}: no cookie set`);
    assert.match(
      String(answer.headers["cache-control"]),
      /^public, max-age=\d+, stale-while-revalidate=\d+$/,
      url,
    );
  }
  assert.ok(a.rawPayload.equals(b.rawPayload), `${url}: the same bytes for both visitors`);
  return a.body;
}

test("two visitors get byte-identical case pages, in every language and for every case", async () => {
  const campaign = t.runtime.catalog().campaigns.get("w4r-2012");
  assert.ok(campaign);
  for (const slug of campaign.cases.keys()) {
    const page = await bothSee(`/en/cases/${slug}`);
    assert.ok(!/name="(_csrf|key)"/.test(page), `${slug}: no token, no key`);
  }
  for (const locale of UI_LOCALES) await bothSee(`/${locale}/cases/gao-zhisheng`);
  // The thank-you state is the same for everyone who acted.
  await bothSee("/en/cases/gao-zhisheng?done=sign");
});

test("two visitors get byte-identical event pages", async () => {
  for (const locale of UI_LOCALES) {
    const page = await bothSee(`/${locale}/events/${eventId}`);
    assert.ok(page.includes('id="rsvp-form"'));
    assert.ok(!page.includes('name="_csrf"'));
  }
  await bothSee(`/en/events/${eventId}?done=rsvp`);
});

async function total(): Promise<number> {
  return (await t.app.inject({ url: "/api/v1/campaigns/w4r-2012/counter" })).json().total;
}
async function ledgerRows(): Promise<number> {
  return (await t.db.pool.query("SELECT count(*)::int AS n FROM actions")).rows[0].n;
}
async function rsvps(): Promise<number> {
  return (await t.db.pool.query("SELECT count(*)::int AS n FROM event_rsvps WHERE event_id = $1", [eventId]))
    .rows[0].n;
}

const FORMS: [string, Record<string, string>][] = [
  [
    "/en/cases/gao-zhisheng/sign",
    { name: "Forged", email: "forged@example.org", country: "FR", consent: "yes" },
  ],
  ["/en/cases/gao-zhisheng/solidarity", { name: "Forged", country: "FR", message: "From elsewhere." }],
  ["/en/cases/gao-zhisheng/letter", { quantity: "20", country: "FR" }],
];

const formPost = (url: string, fields: Record<string, string>, headers: Record<string, string>) =>
  t.app.inject({
    method: "POST",
    url,
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    payload: new URLSearchParams(fields).toString(),
  });

const FOREIGN: Record<string, string>[] = [
  { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
  { "sec-fetch-site": "cross-site" },
  { "sec-fetch-site": "same-site", origin: "http://sub.localhost" },
  // A browser without Fetch Metadata still sends Origin.
  { origin: "https://evil.example" },
  { origin: "null" },
];

test("a form post from another site is refused with 403 and counts nothing, for every public form", async () => {
  const before = { total: await total(), ledger: await ledgerRows(), rsvps: await rsvps() };
  const rsvp = [
    `/en/events/${eventId}`,
    { name: "Forged", email: "forged@example.org", consent: "yes" },
  ] as const;
  for (const [url, fields] of [...FORMS, rsvp]) {
    for (const headers of FOREIGN) {
      const answer = await formPost(url, fields, headers);
      assert.equal(answer.statusCode, 403, `${url} ${JSON.stringify(headers)}`);
      assert.match(String(answer.headers["content-type"]), /^text\/html/);
    }
  }
  assert.equal(await total(), before.total, "the counter is unchanged");
  assert.equal(await ledgerRows(), before.ledger, "the ledger is unchanged");
  assert.equal(await rsvps(), before.rsvps, "no RSVP");
});

test("a post from the page itself counts once; so does one from a client that sends neither header", async () => {
  const sameOrigin = [{ "sec-fetch-site": "same-origin" }, { origin: "http://localhost:80" }];
  for (const headers of [...sameOrigin, {}]) {
    const before = await total();
    const answer = await formPost(
      "/en/cases/coastei-street/solidarity",
      { name: "Here", country: "PL", message: `Posted with ${JSON.stringify(headers)}` },
      { host: "localhost", ...headers },
    );
    assert.equal(answer.statusCode, 303, JSON.stringify(headers));
    assert.equal(await total(), before + 1, JSON.stringify(headers));
  }
});

test("the JSON API is unchanged: servers post without Origin, and a browser form cannot post to it", async () => {
  const before = await total();
  const fromServer = await postAction(t, action({ country: "NO" }));
  assert.equal(fromServer.statusCode, 201, "a CRM posting server to server");
  assert.equal(await total(), before + 1);
  const asForm = await formPost(
    "/api/v1/actions",
    { campaign: "w4r-2012", case: "gao-zhisheng", type: "letter", country: "NO" },
    { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
  );
  assert.equal(asForm.statusCode, 415, "JSON only: a cross-site HTML form cannot send it");
  assert.equal(await total(), before + 1);
});

test("without scripts, only pages where nothing is typed reload themselves, at most once a minute", async () => {
  const refresh = async (url: string) => {
    const page = await t.app.inject({ url });
    assert.equal(page.statusCode, 200, url);
    return /<meta http-equiv="refresh" content="(\d+)"/.exec(page.body)?.[1];
  };
  for (const url of ["/en/", "/en/s/PL", "/embed/counter?lang=en"]) {
    const seconds = await refresh(url);
    assert.ok(seconds !== undefined, `${url} reloads itself`);
    assert.ok(Number(seconds) >= 60, `${url}: every ${seconds} s`);
  }
  // A reload would wipe what is being typed (WCAG 2.2.1).
  for (const url of ["/en/cases/gao-zhisheng", `/en/events/${eventId}`])
    assert.equal(await refresh(url), undefined, `${url} never reloads itself`);
});
