import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, type OfficeClient, officeClient } from "../../../test/support/office.js";
import { demoCases } from "../../demo/data.js";
import { UI_LOCALES } from "../../platform/i18n/locales.js";
import { describe, ogLocale } from "../../platform/views/layout.js";
import { createCase } from "../cases/fixtures.js";
import { renderShareImage } from "./image.js";
import { shareSource, sourceOfPost } from "./sources.js";

const SITE = "https://inkwell.example.org";
let t: TestApp;
let admin: OfficeClient;
before(async () => {
  t = await startTestApp({ PUBLIC_URL: SITE });
  admin = await officeClient(t, await makeUser(t, "admin"));
});
after(async () => {
  await t.close();
});

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: "GET", url, headers });

/** The content of <meta property|name="key">, decoded as a browser would. */
function meta(html: string, key: string): string | undefined {
  const match = new RegExp(
    `<meta (?:property|name)="${key.replace(/[:.]/g, "\\$&")}" content="([^"]*)"`,
  ).exec(html);
  return match?.[1]
    ?.replaceAll("&amp;", "&")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">");
}

test("a description is cut on a word boundary to about 160 characters", () => {
  assert.equal(describe("Short and sweet."), "Short and sweet.");
  const long = `${"word ".repeat(60)}end`;
  const cut = describe(long);
  assert.ok([...cut].length <= 160, cut);
  assert.match(cut, /word…$/);
  // Chinese has no spaces: cut at the limit.
  const zh = describe("高".repeat(300));
  assert.equal([...zh].length, 160);
  assert.equal(ogLocale("zh-Hans"), "zh_CN");
  assert.equal(ogLocale("es"), "es_ES");
});

test("case pages carry description, Open Graph and Twitter tags in their language, with absolute addresses", async () => {
  const gao = demoCases.find((c) => c.slug === "gao-zhisheng");
  assert.ok(gao);
  for (const lang of ["en", "es"] as const) {
    const response = await get(`/${lang}/cases/gao-zhisheng`);
    assert.equal(response.statusCode, 200);
    const html = response.body;
    const summary: string = gao.texts[lang]?.summary ?? "";
    assert.equal(meta(html, "description"), describe(summary), lang);
    assert.ok((meta(html, "description") ?? "").length <= 160);
    assert.equal(meta(html, "og:description"), describe(summary));
    assert.equal(meta(html, "og:title"), "Gao Zhisheng");
    assert.equal(meta(html, "og:type"), "article");
    assert.equal(meta(html, "og:url"), `${SITE}/${lang}/cases/gao-zhisheng`);
    assert.equal(meta(html, "og:image"), `${SITE}/${lang}/cases/gao-zhisheng/share.png`);
    assert.equal(meta(html, "og:image:width"), "1200");
    assert.equal(meta(html, "og:image:height"), "630");
    assert.match(meta(html, "og:image:alt") ?? "", /^Gao Zhisheng/);
    assert.equal(meta(html, "og:locale"), lang === "en" ? "en_US" : "es_ES");
    assert.equal(meta(html, "og:site_name"), "Write for Rights 2012");
    assert.equal(meta(html, "twitter:card"), "summary_large_image");
    assert.equal(meta(html, "twitter:image"), meta(html, "og:image"));
    assert.match(html, /<link rel="icon" href="\/assets\/icon.svg" type="image\/svg\+xml"\/>/);
    assert.ok(html.includes(`<link rel="manifest" href="/${lang}/manifest.webmanifest"/>`));
  }
});

test("the home page carries the site's description and the campaign's share image, in two languages", async () => {
  for (const lang of ["en", "fr"] as const) {
    const html = (await get(`/${lang}/`)).body;
    const m = (await import("../../platform/i18n/messages.js")).messagesFor(lang);
    assert.equal(meta(html, "description"), describe(m.t("meta.description")));
    assert.equal(meta(html, "og:type"), "website");
    assert.equal(meta(html, "og:url"), `${SITE}/${lang}`);
    assert.equal(meta(html, "og:image"), `${SITE}/${lang}/share.png`);
    assert.equal(meta(html, "twitter:card"), "summary_large_image");
  }
  // A page without data of its own still describes the site.
  const events = (await get("/en/events")).body;
  assert.ok((meta(events, "description") ?? "").length > 20);
});

test("a share image exists for every case and language: a 1200 × 630 PNG, cached with an ETag", async () => {
  const campaign = t.runtime.catalog().campaigns.get("w4r-2012");
  assert.ok(campaign);
  const paths = [...UI_LOCALES.map((l) => `/${l}/share.png`)];
  for (const slug of campaign.cases.keys())
    for (const l of UI_LOCALES) paths.push(`/${l}/cases/${slug}/share.png`);
  assert.ok(paths.length >= 6 * 7);
  for (const path of paths) {
    const response = await get(path);
    assert.equal(response.statusCode, 200, path);
    assert.equal(response.headers["content-type"], "image/png", path);
    assert.match(String(response.headers["cache-control"]), /^public, max-age=\d+/);
    const { width, height, format } = await sharp(response.rawPayload).metadata();
    assert.deepEqual([width, height, format], [1200, 630, "png"], path);
    assert.ok(response.rawPayload.length < 300_000, `${path}: small enough for WhatsApp`);
    const etag = String(response.headers.etag);
    const again = await get(path, { "if-none-match": etag });
    assert.equal(again.statusCode, 304, path);
  }
  assert.equal((await get("/en/cases/no-such-case/share.png")).statusCode, 404);
  assert.equal((await get("/xx/cases/gao-zhisheng/share.png")).statusCode, 404);
});

test("right-to-left and Chinese names render, and a case's photo is in its image (on the start side)", async () => {
  const arabic = await renderShareImage({
    language: "ar",
    site: "الكتابة من أجل الحقوق",
    title: "عزة هلال أحمد سليمان",
    line: "أمروا بإجراء تحقيق كامل ومستقل ونزيه في الاعتداء على عزة هلال أحمد سليمان",
    count: "١٢٬٣٤٥",
    countLabel: "تحرك حتى الآن",
  });
  const chinese = await renderShareImage({
    language: "zh-Hans",
    site: "为权利写信",
    title: "高智晟",
    line: "立即无条件释放高智晟，他仅因和平的人权工作而被监禁。".repeat(3),
    count: "12,345",
    countLabel: "次行动",
  });
  for (const png of [arabic, chinese]) {
    const { width, height } = await sharp(png).metadata();
    assert.deepEqual([width, height], [1200, 630]);
    // Text was drawn: the image is not the plain background.
    const stats = await sharp(png).stats();
    assert.ok((stats.channels[0]?.max ?? 0) > 200, "white or yellow text");
  }

  const caseId = await createCase(t, admin, {
    slug: "share-photo",
    source_language: "en",
    title: "Photo Person",
  });
  const photo = await sharp({
    create: { width: 800, height: 800, channels: 3, background: { r: 200, g: 30, b: 30 } },
  })
    .jpeg()
    .toBuffer();
  const uploaded = await admin.postMultipart(
    `/office/cases/${caseId}/photo`,
    {},
    { field: "photo", filename: "p.jpg", contentType: "image/jpeg", data: photo },
  );
  assert.equal(uploaded.statusCode, 303);
  const pixel = async (path: string, x: number) => {
    const response = await get(path);
    assert.equal(response.statusCode, 200, path);
    const { data } = await sharp(response.rawPayload)
      .extract({ left: x, top: 300, width: 1, height: 1 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return [...data.subarray(0, 3)];
  };
  const [r, g] = await pixel("/en/cases/share-photo/share.png", 100);
  assert.ok((r ?? 0) > 150 && (g ?? 255) < 80, "the red photo on the left");
  const [rr, gg] = await pixel("/ar/cases/share-photo/share.png", 1100);
  assert.ok((rr ?? 0) > 150 && (gg ?? 255) < 80, "and on the right in Arabic");
});

test("share links on the case page and after an action: plain links, each with its source", async () => {
  const html = (await get("/en/cases/gao-zhisheng")).body;
  const page = `${SITE}/en/cases/gao-zhisheng`;
  const enc = encodeURIComponent;
  const expected = [
    `https://wa.me/?text=${enc(`Take action for Gao Zhisheng ${page}?source=whatsapp`)}`,
    `https://t.me/share/url?url=${enc(`${page}?source=telegram`)}&amp;text=${enc("Take action for Gao Zhisheng")}`,
    `https://x.com/intent/post?text=${enc("Take action for Gao Zhisheng")}&amp;url=${enc(`${page}?source=x`)}`,
    `https://www.facebook.com/sharer/sharer.php?u=${enc(`${page}?source=facebook`)}`,
    `mailto:?subject=${enc("Take action for Gao Zhisheng")}&amp;body=${enc(`Take action for Gao Zhisheng\n\n${page}?source=email`)}`,
  ];
  for (const href of expected) assert.ok(html.includes(`href="${href}"`), href);
  assert.match(html, new RegExp(`<input id="share-url" type="url" readonly value="${page}\\?source=link"`));
  assert.match(html, /<button type="button" data-copy="share-url" hidden>Copy link<\/button>/);
  assert.ok(html.includes('<script src="/assets/share.js" defer>'));
  assert.ok(!/<script>/.test(html), "no inline script");
  const thanks = (await get("/en/cases/gao-zhisheng?done=sign")).body;
  assert.match(thanks, /<section class="share" aria-labelledby="share-done-title" id="share-done">/);
  assert.ok(thanks.includes("Thank you! Ask your friends to act too:"));
  assert.ok(!thanks.includes('id="share-done-url"'), "no text field inside the form just sent");
  assert.ok(
    thanks.includes(`https://wa.me/?text=${enc(`Take action for Gao Zhisheng ${page}?source=whatsapp`)}`),
  );
  const script = await get("/assets/share.js");
  assert.equal(script.statusCode, 200);
  assert.match(String(script.headers["content-type"]), /javascript/);
});

/** Opens the case page like a browser and posts its letter form. */
async function sendLetter(
  pageUrl: string,
  extra: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const opened = await get(pageUrl);
  assert.equal(opened.statusCode, 200);
  // The key the page's script mints (assets/forms.js), so the row can be found; where the source
  // comes from (the form's field or the Referer) does not depend on it.
  const key = randomUUID();
  const response = await t.app.inject({
    method: "POST",
    url: "/en/cases/coastei-street/letter",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    payload: new URLSearchParams({ key, country: "PT", quantity: "1", ...extra }).toString(),
  });
  assert.equal(response.statusCode, 303, response.body.slice(0, 500));
  const row = await t.db.pool.query<{ source: string | null; channel: string }>(
    "SELECT source, channel FROM actions WHERE idempotency_key = $1",
    [`form:${key}`],
  );
  return { response, row: row.rows[0] };
}

test("an action after ?source=… records that source (known ones, else other) and the dashboard shows it", async () => {
  // With script: the page's script copies ?source into the form.
  const scripted = await sendLetter("/en/cases/coastei-street?source=whatsapp", { source: "whatsapp" });
  assert.deepEqual(scripted.row, { source: "whatsapp", channel: "web" });
  assert.equal(
    scripted.response.headers.location,
    "/en/cases/coastei-street?done=letter&source=whatsapp#act-letter",
  );
  // Without script: the Referer of a same-origin post says it.
  const referred = await sendLetter(
    "/en/cases/coastei-street?source=telegram",
    {},
    {
      host: "localhost:80",
      referer: "http://localhost:80/en/cases/coastei-street?source=telegram",
    },
  );
  assert.equal(referred.row?.source, "telegram");
  // Another site's Referer is not believed; an unknown source is "other"; none is none.
  const foreign = await sendLetter(
    "/en/cases/coastei-street",
    {},
    {
      host: "localhost:80",
      referer: "https://elsewhere.example/?source=x",
    },
  );
  assert.equal(foreign.row?.source, null);
  const unknown = await sendLetter("/en/cases/coastei-street", { source: "ana@example.org" });
  assert.equal(unknown.row?.source, "other");

  const dashboard = (await admin.get("/office")).body;
  assert.match(dashboard, /<h2 id="sources-title">Actions by source<\/h2>/);
  assert.match(dashboard, /<th scope="row">whatsapp<\/th><td class="number">1<\/td>/);
  assert.match(dashboard, /<th scope="row">telegram<\/th><td class="number">1<\/td>/);
  assert.match(dashboard, /<th scope="row">other<\/th><td class="number">1<\/td>/);
});

test("sources: a fixed list, anything else is other, nothing personal is kept", () => {
  assert.equal(shareSource("WhatsApp"), "whatsapp");
  assert.equal(shareSource("someone@example.org"), "other");
  assert.equal(shareSource(""), undefined);
  assert.equal(shareSource(["x"]), undefined);
  assert.equal(sourceOfPost(undefined, "not a url", ["h"]), undefined);
  assert.equal(sourceOfPost(undefined, "http://h/en/cases/a?source=x", ["h:80"]), "x");
  assert.equal(sourceOfPost(undefined, "https://h.example/?source=x", ["other", "h.example"]), "x");
  assert.equal(sourceOfPost(undefined, "https://evil.example/?source=x", ["h.example"]), undefined);
});

test("favicon, icons and the web manifest are served with their content types", async () => {
  const svg = await get("/assets/icon.svg");
  assert.equal(svg.statusCode, 200);
  assert.match(String(svg.headers["content-type"]), /^image\/svg\+xml/);
  for (const size of [32, 180, 192, 512]) {
    const icon = await get(`/icons/${size}.png`);
    assert.equal(icon.statusCode, 200);
    assert.equal(icon.headers["content-type"], "image/png");
    const { width, height } = await sharp(icon.rawPayload).metadata();
    assert.deepEqual([width, height], [size, size]);
  }
  assert.equal((await get("/icons/33.png")).statusCode, 404);
  const ico = await get("/favicon.ico");
  assert.equal(ico.statusCode, 301);
  assert.equal(ico.headers.location, "/icons/32.png");
  for (const url of ["/manifest.webmanifest", "/ar/manifest.webmanifest"]) {
    const response = await get(url);
    assert.equal(response.statusCode, 200, url);
    assert.match(String(response.headers["content-type"]), /^application\/manifest\+json/);
    const body = response.json();
    assert.equal(body.name, "Write for Rights 2012");
    assert.ok(body.short_name.length <= 12);
    assert.equal(body.display, "standalone");
    assert.ok(body.start_url.startsWith("/"));
    assert.ok(body.theme_color && body.background_color);
    assert.ok(body.icons.some((i: { sizes: string }) => i.sizes === "512x512"));
  }
  const ar = (await get("/ar/manifest.webmanifest")).json();
  assert.deepEqual([ar.lang, ar.dir, ar.start_url], ["ar", "rtl", "/ar"]);
});
