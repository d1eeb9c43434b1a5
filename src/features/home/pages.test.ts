import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { action, postAction, startTestApp, type TestApp } from "../../../test/support/app.js";

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

const page = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: "GET", url, headers });

test("the home page is rendered on the server with the exact counter", async () => {
  const response = await page("/");
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers["content-type"]), /^text\/html/);
  const html = response.body;
  assert.match(html, /^<!doctype html><html lang="en" dir="ltr">/);
  const total = t.runtime.counters.of(t.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0).total;
  assert.ok(html.includes(`data-live="total">${new Intl.NumberFormat("en").format(total)}<`), "the total");
  assert.match(
    html,
    /<noscript><meta http-equiv="refresh" content="60"\/><\/noscript>/,
    "refreshes without scripts",
  );
  for (const slug of ["gao-zhisheng", "coastei-street"]) assert.ok(html.includes(`href="/en/cases/${slug}"`));
  assert.match(html, /<svg [^>]*role="img"/, "the timeline chart");
});

test("the home page is rendered once per change, at most once a second", async (context) => {
  // The test's own clock (Date only; timers and I/O keep running), so no second is waited for.
  context.mock.timers.enable({ apis: ["Date"], now: Date.now() });
  const id = t.runtime.catalog().campaigns.get("w4r-2012")?.id ?? 0;
  const shows = (html: string, n: number) =>
    html.includes(`data-live="total">${new Intl.NumberFormat("en").format(n)}<`);
  // After a quiet second, a change shows at once…
  context.mock.timers.tick(1100);
  assert.equal((await postAction(t, action({ country: "NZ" }))).statusCode, 201);
  const before = t.runtime.counters.of(id).total;
  assert.ok(shows((await page("/en/")).body, before));
  // …and the next one within the same second waits for the next rendering.
  assert.equal((await postAction(t, action({ country: "NZ" }))).statusCode, 201);
  assert.ok(shows((await page("/en/")).body, before), "within a second the cached page is served");
  context.mock.timers.tick(1100);
  assert.ok(shows((await page("/en/")).body, before + 1), "then it is rendered again");
});

test("the language comes from the URL prefix, else from Accept-Language", async () => {
  const prefixed = await page("/fr/");
  assert.match(prefixed.body, /<html lang="fr" dir="ltr">/);
  assert.equal(prefixed.headers["content-language"], "fr");
  const negotiated = await page("/", { "accept-language": "zh-CN,zh;q=0.9,en;q=0.5" });
  assert.match(negotiated.body, /<html lang="zh-Hans"/);
  assert.match(String(negotiated.headers.vary), /accept-language/);
  const regional = await page("/", { "accept-language": "es-MX" });
  assert.match(regional.body, /<html lang="es"/);
  const unknown = await page("/", { "accept-language": "xx-YY, *;q=0.1" });
  assert.match(unknown.body, /<html lang="en"/);
});

test("Arabic pages are right to left", async () => {
  const response = await page("/ar/");
  assert.match(response.body, /<html lang="ar" dir="rtl">/);
});

test("the switcher links to the same page in every language", async () => {
  const html = (await page("/es/cases/gao-zhisheng")).body;
  for (const l of ["en", "es", "fr", "pl", "ar", "zh-Hans", "ru"]) {
    assert.ok(html.includes(`href="/${l}/cases/gao-zhisheng" lang="${l}"`), l);
  }
  assert.match(html, /aria-current="true">Español</);
});

test("a case page shows the story, the ask and the targets' postal addresses in the reader's language", async () => {
  const response = await page("/es/cases/coastei-street");
  assert.equal(response.statusCode, 200);
  const detail = (await t.app.inject({ method: "GET", url: "/api/v1/campaigns/w4r-2012" })).json();
  const coastei = detail.cases.find((c: { slug: string }) => c.slug === "coastei-street");
  assert.ok(response.body.includes(`<h1>${coastei.texts.es.title}</h1>`));
  assert.ok(!response.body.includes('class="note"'), "no fallback note when the text exists");
  const firstLine = coastei.targets[0].postalAddress.split("\n")[0];
  assert.ok(response.body.includes(firstLine.replaceAll("&", "&amp;")), "the target's address");
});

test("a case without a translation says which language it is shown in", async () => {
  const response = await page("/pl/cases/gao-zhisheng");
  assert.match(response.body, /class="note" lang="pl"/);
  assert.match(response.body, /<article lang="en"/);
});

test("texts from the database are escaped", async () => {
  const caseId = t.runtime.catalog().campaigns.get("w4r-2012")?.cases.get("gao-zhisheng");
  await t.db.pool.query(
    `INSERT INTO case_texts (case_id, language, title, summary, story, ask) VALUES ($1, 'ru', $2, $2, $2, $2)`,
    [caseId, `<script>alert("x")</script> & "quotes"`],
  );
  await t.runtime.reloadCatalog();
  const response = await page("/ru/cases/gao-zhisheng");
  assert.ok(!response.body.includes("<script>alert"), "no raw markup from data");
  assert.ok(response.body.includes("&lt;script>alert"));
});

test("unknown pages and languages are a 404 page", async () => {
  // Malformed languages, slugs and editions too: the route schemas refuse them, still with a 404 page.
  for (const url of [
    "/xx/",
    "/es/cases/nobody",
    "/c/w4r-1999",
    "/es/cases/Not_A_Slug",
    "/c/No%20Slug",
    "/e%20s/",
  ]) {
    const response = await page(url);
    assert.equal(response.statusCode, 404, url);
    assert.match(String(response.headers["content-type"]), /^text\/html/);
  }
});

test("pages and assets are compressed for clients that accept it", async () => {
  const response = await page("/", { "accept-encoding": "br, gzip" });
  assert.equal(response.headers["content-encoding"], "br");
  const script = await page("/assets/live.js", { "accept-encoding": "gzip" });
  assert.equal(script.statusCode, 200);
  assert.match(String(script.headers["cache-control"]), /max-age=86400/);
});
