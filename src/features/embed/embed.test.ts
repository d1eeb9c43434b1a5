import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import { action, postAction, startTestApp, type TestApp } from "../../../test/support/app.js";

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: "GET", url, headers });
const counterOf = (slug: string) => {
  const id = t.runtime.catalog().campaigns.get(slug)?.id;
  assert.ok(id);
  return t.runtime.counters.of(id);
};
const en = new Intl.NumberFormat("en");

/** Every embed answer, good or bad, may be framed by any site. */
function assertFramable(response: { headers: Record<string, unknown> }) {
  const csp = String(response.headers["content-security-policy"]);
  assert.match(csp, /(^|;\s*)frame-ancestors \*(;|$)/);
  assert.equal(response.headers["x-frame-options"], undefined);
}

test("the embed shows the current campaign's total, live, without the site around it", async () => {
  const response = await get("/embed/counter");
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers["content-type"]), /^text\/html/);
  assertFramable(response);
  const html = response.body;
  assert.match(html, /^<!doctype html><html lang="en" dir="ltr">/);
  const total = counterOf("w4r-2012").total;
  assert.ok(html.includes(`data-live="total">${en.format(total)}<`), "the total");
  assert.ok(html.includes('data-live-label="total"'), "its plural label");
  assert.ok(html.includes(">actions taken<"));
  assert.ok(html.includes("Write for Rights 2012"), "the campaign's title");
  assert.ok(html.includes('data-stream="/api/v1/campaigns/w4r-2012/counter/stream"'));
  assert.ok(html.includes('<script src="/assets/live.js" defer>'));
  assert.ok(
    !html.includes("<header") && !html.includes("<footer") && !html.includes("site.css"),
    "no site chrome",
  );
  assert.ok(html.includes('target="_blank"'), "its link leaves the frame");
});

test("the embed's only inline style is the one its policy allows", async () => {
  const response = await get("/embed/counter");
  const style = /<style>([^<]*)<\/style>/.exec(response.body)?.[1] ?? "";
  assert.ok(style.length > 0);
  const hash = createHash("sha256").update(style).digest("base64");
  assert.ok(String(response.headers["content-security-policy"]).includes(`style-src 'sha256-${hash}'`));
  assert.ok(!/ style="/.test(response.body), "no style attributes");
});

test("a country's embed shows that country's count, in the asked language", async () => {
  assert.equal((await postAction(t, action({ country: "PL" }))).statusCode, 201);
  const response = await get("/embed/counter?campaign=w4r-2012&country=pl&lang=pl");
  assert.equal(response.statusCode, 200);
  const html = response.body;
  assert.match(html, /<html lang="pl" dir="ltr">/);
  const count = counterOf("w4r-2012").byCountry.get("PL") ?? 0;
  assert.ok(html.includes(`data-live-country="PL">${new Intl.NumberFormat("pl").format(count)}<`));
  assert.ok(html.includes(">Polska<"), "the country's name in the language");
  assert.ok(html.includes('href="/pl/s/PL"'), "leads to the section's page");
  const noSection = (await get("/embed/counter?country=KE&lang=en")).body;
  assert.ok(noSection.includes('data-live-country="KE">0<'), "a country without actions shows 0");
  assert.ok(noSection.includes('href="/en"'), "else to the campaign's page");
});

test("the embed's language comes from lang, else from Accept-Language; Arabic is right to left", async () => {
  assert.match((await get("/embed/counter?lang=ar")).body, /<html lang="ar" dir="rtl">/);
  const negotiated = await get("/embed/counter", { "accept-language": "zh-CN,zh;q=0.9" });
  assert.match(negotiated.body, /<html lang="zh-Hans"/);
  assert.match(String(negotiated.headers.vary), /accept-language/);
});

test("an earlier campaign can be embedded too", async () => {
  const html = (await get("/embed/counter?campaign=w4r-2011")).body;
  assert.ok(html.includes(`data-live="total">${en.format(counterOf("w4r-2011").total)}<`));
  assert.ok(html.includes('href="/en/c/w4r-2011"'));
});

test("unknown campaigns are a small 404 page, bad countries and languages a 400 page, never a 500", async () => {
  const cases: [string, number, string][] = [
    ["/embed/counter?campaign=w4r-1999", 404, "This counter does not exist."],
    ["/embed/counter?campaign=W4R%20!", 400, "check “campaign”"],
    ["/embed/counter?country=ZZ", 400, "check “country”"],
    ["/embed/counter?country=POL", 400, "check “country”"],
    ["/embed/counter?country=PL&country=FR", 400, "check “country”"],
    ["/embed/counter?lang=de", 400, "check “lang”"],
    [`/embed/counter?lang=${"x".repeat(100)}`, 400, "check “lang”"],
  ];
  for (const [url, status, message] of cases) {
    const response = await get(url);
    assert.equal(response.statusCode, status, url);
    assert.match(String(response.headers["content-type"]), /^text\/html/, url);
    assert.ok(response.body.includes(message), url);
    assert.ok(response.body.length < 2000, "small");
    assertFramable(response);
  }
  const french = await get("/embed/counter?campaign=nope&lang=fr");
  assert.ok(french.body.includes("Ce compteur n’existe pas."), "in the asked language");
  const other = await get("/embed/counter?utm_source=partner");
  assert.equal(other.statusCode, 200, "unknown parameters (tracking) are ignored");
});

test("query values never reach the page unescaped", async () => {
  const response = await get(`/embed/counter?campaign=${encodeURIComponent('<script>alert("x")</script>')}`);
  assert.equal(response.statusCode, 400);
  assert.ok(!response.body.includes("<script>alert"));
});

test("the embed and its script stay well under 10 KB compressed", async () => {
  for (const encoding of ["gzip", "br"]) {
    const page = await get("/embed/counter?country=PL&lang=ar", { "accept-encoding": encoding });
    const script = await get("/assets/live.js", { "accept-encoding": encoding });
    assert.equal(page.statusCode, 200);
    assert.equal(script.statusCode, 200);
    const bytes = page.rawPayload.byteLength + script.rawPayload.byteLength;
    assert.ok(bytes < 10 * 1024, `${encoding}: ${bytes} bytes`);
    assert.ok(
      page.rawPayload.byteLength < 3 * 1024,
      `${encoding}: the page alone, ${page.rawPayload.byteLength} bytes`,
    );
  }
  const plain = await get("/embed/counter?country=PL&lang=ar");
  assert.ok(plain.rawPayload.byteLength < 4 * 1024, `uncompressed: ${plain.rawPayload.byteLength} bytes`);
});

test("only the embed may be framed", async () => {
  const home = await get("/en/");
  assert.ok(!String(home.headers["content-security-policy"] ?? "").includes("frame-ancestors *"));
});

test("campaign titles from the database are escaped", async () => {
  await t.db.pool.query("UPDATE campaigns SET title = $1 WHERE slug = 'w4r-2011'", [`<b>"Old"</b> & co`]);
  await t.runtime.reloadCatalog();
  const html = (await get("/embed/counter?campaign=w4r-2011")).body;
  assert.ok(!html.includes("<b>"));
  assert.ok(html.includes("&lt;b>&quot;Old&quot;&lt;/b> &amp; co"));
});
