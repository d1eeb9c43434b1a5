import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { action, postAction, startTestApp, type TestApp } from "../../../test/support/app.js";
import { sectionLocale, uiLocaleOf } from "./locale.js";

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

const page = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: "GET", url, headers });
const campaign = () => {
  const c = t.runtime.catalog().campaigns.get("w4r-2012");
  assert.ok(c);
  return c;
};
const decode = (html: string) =>
  html.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&amp;", "&");
const countOf = (country: string) => t.runtime.counters.of(campaign().id).byCountry.get(country) ?? 0;

test("a section's page shows its name, its country's count, its goal and its share of the world", async () => {
  const response = await page("/en/s/PL");
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers["content-type"]), /^text\/html/);
  const html = response.body;
  assert.match(html, /^<!doctype html><html lang="en" dir="ltr">/);
  assert.ok(html.includes("<h1>Write for Rights Poland</h1>"));
  const en = new Intl.NumberFormat("en");
  const count = countOf("PL");
  assert.ok(count > 0, "the demo has Polish actions");
  assert.ok(html.includes(`data-live-country="PL">${en.format(count)}<`), "the country's live count");
  assert.ok(html.includes(`<progress max="265000" value="${Math.min(count, 265000)}"`), "the section's goal");
  assert.ok(
    html.includes(
      `data-of="265000">${new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 0 }).format(count / 265000)}<`,
    ),
  );
  const total = t.runtime.counters.of(campaign().id).total;
  const share = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 }).format(
    count / total,
  );
  assert.ok(html.includes(`data-live-country="PL" data-of="total">${share}<`), "the share of the world");
  assert.ok(html.includes(`data-live="total">${en.format(total)}<`), "the world total, live");
  assert.ok(html.includes('data-stream="/api/v1/campaigns/w4r-2012/counter/stream"'));
  assert.ok(html.includes('<script src="/assets/live.js" defer>'));
  for (const slug of ["gao-zhisheng", "coastei-street"])
    assert.ok(html.includes(`href="/en/cases/${slug}"`), slug);
  assert.ok(html.includes('href="/pl/s/PL" lang="pl" hreflang="pl">polski</a>'), "its languages");
  assert.match(html, /<noscript><meta http-equiv="refresh" content="60"\/><\/noscript>/);
});

test("the page moves with the counter, at most a second later", async (context) => {
  // The test's own clock (Date only): the shared page takes the counter's moves once a second.
  context.mock.timers.enable({ apis: ["Date"], now: Date.now() });
  const before = countOf("PL");
  assert.equal((await postAction(t, action({ country: "PL" }))).statusCode, 201);
  context.mock.timers.tick(1100);
  const html = (await page("/en/s/PL")).body;
  assert.ok(html.includes(`data-live-country="PL">${new Intl.NumberFormat("en").format(before + 1)}<`));
});

test("the section page offers the embeddable counter as a snippet with its absolute address", async () => {
  const html = (await page("/fr/s/FR", { host: "inkwell.example.org" })).body;
  const src = "http://inkwell.example.org/embed/counter?campaign=w4r-2012&country=FR&lang=fr";
  // The snippet is text on the page: what a reader copies is the decoded text of the code block.
  const snippet = decode(/<pre dir="ltr"><code>([^<]*)<\/code><\/pre>/.exec(html)?.[1] ?? "");
  assert.equal(
    snippet,
    `<iframe src="${src.replaceAll("&", "&amp;")}" title="Compteur en direct : Write for Rights 2012" ` +
      'width="320" height="180" style="border:0;max-width:100%" loading="lazy"></iframe>',
  );
  assert.ok(html.includes(`<a href="${src.replaceAll("&", "&amp;")}">`), "a preview link");
  const response = await page("/s/FR", { host: 'evil"><script>x</script>' });
  assert.equal(response.statusCode, 200);
  assert.ok(!response.body.includes("<script>x"), "a forged Host header never reaches the page");
  assert.ok(
    response.body.includes("&lt;iframe src=&quot;/embed/counter?"),
    "the address stays relative then",
  );
});

test("without a language prefix the section's own language comes first unless the browser says otherwise", async () => {
  const lang = async (url: string, accept?: string) => {
    const response = await page(url, accept ? { "accept-language": accept } : {});
    assert.equal(response.statusCode, 200, url);
    assert.match(String(response.headers.vary), /accept-language/);
    return /<html lang="([^"]+)"/.exec(response.body)?.[1];
  };
  assert.equal(await lang("/s/PL"), "pl", "no header: the section's language");
  assert.equal(await lang("/s/PL", "de-DE, de;q=0.9"), "pl", "nothing we speak: the section's language");
  assert.equal(await lang("/s/PL", "en-US, en;q=0.9"), "en", "an English browser gets English");
  assert.equal(await lang("/s/PL", "en-US, pl;q=0.5"), "pl", "a reader of the section's language gets it");
  assert.equal(await lang("/s/CA", "fr-CA, en;q=0.8"), "fr");
  assert.equal(await lang("/s/ES"), "es", "es-ES is Spanish");
  assert.equal(await lang("/s/DE"), "en", "no interface in German: English");
  assert.equal(await lang("/s/pl"), "pl", "country codes in any case");
});

test("the section's language choice, unit by unit", () => {
  assert.equal(uiLocaleOf("zh-CN"), "zh-Hans");
  assert.equal(uiLocaleOf("es-MX"), "es");
  assert.equal(uiLocaleOf("de"), undefined);
  assert.equal(uiLocaleOf("not a tag"), undefined);
  assert.equal(sectionLocale(undefined, ["nl", "fr", "de"]), "en", "only the first language is presumed");
  assert.equal(sectionLocale("*", ["ar", "fr"]), "ar");
  assert.equal(sectionLocale("nl-BE, fr;q=0.7", ["nl", "fr", "de"]), "fr");
  assert.equal(sectionLocale("xx;;;,", ["ru"]), "ru", "a malformed header is no preference");
});

test("Arabic section pages are right to left", async () => {
  const response = await page("/ar/s/MA");
  assert.equal(response.statusCode, 200);
  assert.match(response.body, /<html lang="ar" dir="rtl">/);
  assert.ok(response.body.includes("Write for Rights Morocco"));
  assert.ok(response.body.includes('<pre dir="ltr">'), "code stays left to right");
  const negotiated = await page("/s/MA");
  assert.match(negotiated.body, /<html lang="ar" dir="rtl">/, "Morocco's section speaks Arabic first");
});

test("every interface language renders the section page", async () => {
  for (const l of ["en", "es", "fr", "pl", "ar", "zh-Hans", "ru"]) {
    const response = await page(`/${l}/s/PL`);
    assert.equal(response.statusCode, 200, l);
    assert.ok(response.body.includes(`<html lang="${l}"`), l);
  }
});

test("unknown countries, countries without a section and unknown languages are the 404 page", async () => {
  for (const url of ["/s/ZZ", "/s/KE", "/s/POL", "/s/1", "/xx/s/PL", "/es/s/KE"]) {
    const response = await page(url);
    assert.equal(response.statusCode, 404, url);
    assert.match(String(response.headers["content-type"]), /^text\/html/);
    assert.ok(response.body.includes("<h1>"), url);
  }
  assert.match((await page("/es/s/KE")).body, /<html lang="es"/, "in the language of the prefix");
});

test("section names from the database are escaped", async () => {
  await t.db.pool.query("INSERT INTO sections (country, name, languages) VALUES ('KE', $1, $2)", [
    `<script>alert("x")</script> & "Kenya"`,
    ["sw", "en"],
  ]);
  await t.runtime.reloadCatalog();
  const response = await page("/s/KE");
  assert.equal(response.statusCode, 200);
  assert.ok(!response.body.includes("<script>alert"), "no raw markup from data");
  assert.ok(response.body.includes("&lt;script>alert"));
  assert.match(response.body, /<html lang="en"/, "Swahili has no interface; English, not a guess");
  assert.ok(!response.body.includes("<progress"), "no goal, no progress bar");
});

test("a section's featured cases come first and its contacts show, escaped; only https websites are links", async () => {
  const pl = t.runtime.sectionOf("PL");
  const c = campaign();
  const rosa = c.cases.get("rosa-franco");
  await t.db.pool.query(
    `UPDATE sections SET contact_email = $2, contact_phone = '+48 22 555 01 01', website = 'http://plain.example.org',
            postal_address = $3 WHERE id = $1`,
    [pl, "<b>x</b>@example.org", "ul. Piękna 66a\n<script>alert(1)</script>"],
  );
  await t.db.pool.query(
    "INSERT INTO section_featured_cases (section_id, campaign_id, case_id, position) VALUES ($1, $2, $3, 1)",
    [pl, c.id, rosa],
  );
  await t.runtime.catalogChanged();
  const html = (await page("/en/s/PL")).body;
  const cards = html.slice(html.indexOf('id="cases-title"'), html.indexOf('id="other-cases-title"'));
  assert.ok(cards.includes('href="/en/cases/rosa-franco"'), "the featured case among the cards");
  assert.ok(!cards.includes('href="/en/cases/gao-zhisheng"'), "the others after them");
  assert.ok(html.includes('href="/en/cases/gao-zhisheng"'));
  assert.ok(html.includes("&lt;b>x&lt;/b>@example.org"), "escaped");
  assert.ok(!html.includes("<script>alert(1)"), "escaped");
  assert.ok(html.includes('href="tel:+48225550101"'));
  assert.ok(!html.includes("plain.example.org"), "a website that is not https is not shown");
  const pl2 = (await page("/pl/s/PL")).body;
  assert.ok(pl2.includes("Kontakt z sekcją") && pl2.includes("Więcej spraw w tej kampanii"));
});
