import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { makeUser, officeClient } from "../../../test/support/office.js";
import { UI_LOCALES } from "../../platform/i18n/locales.js";

// The back office speaks the person's language: the one they chose, else their browser's,
// else English — menus, headings, form errors and refusals alike, with lang and dir to match.

let node: TestApp;
before(async () => {
  node = await startTestApp({ LOGIN_RATE_LIMIT: "0" });
});
after(async () => node.close());

const htmlTag = (body: string) => /<html[^>]*>/.exec(body)?.[0] ?? "";

test("without Accept-Language the back office is in English", async () => {
  const translator = await officeClient(node, await makeUser(node, "translator", { languages: ["es"] }));
  const page = await translator.get("/office");
  assert.equal(page.statusCode, 200);
  assert.equal(htmlTag(page.body), '<html lang="en" dir="ltr">');
  assert.match(page.body, />Translations</);
  assert.match(page.body, />Log out</);
});

test("a Spanish translator's browser gets the office in Spanish: menu, refusals, form errors", async () => {
  const user = await makeUser(node, "translator", { languages: ["es"] });
  const translator = await officeClient(node, user, { acceptLanguage: "es-ES,es;q=0.9,en;q=0.5" });
  const page = await translator.get("/office");
  assert.equal(htmlTag(page.body), '<html lang="es" dir="ltr">');
  for (const words of [">Traducciones<", ">Cerrar sesión<", ">Ir al contenido<", ">Idioma<"]) {
    assert.ok(page.body.includes(words), `the menu says ${words}`);
  }
  assert.doesNotMatch(page.body, />Log out</);

  const refused = await translator.get("/office/users");
  assert.equal(refused.statusCode, 403);
  assert.ok(refused.body.includes("No permitido"), refused.body.slice(0, 800));
  assert.ok(refused.body.includes("Tu rol (traductor/a) no permite esto: gestionar cuentas."));

  const missing = await translator.get("/office/no-such-page");
  assert.equal(missing.statusCode, 404);
  assert.ok(missing.body.includes("No se ha encontrado esta página."));

  // A form error of a form shown to someone signed out (the password reset), in Spanish.
  const anonymous = await officeClient(node, undefined, { acceptLanguage: "es" });
  const reset = await anonymous.post("/office/reset", { email: "not an address" });
  assert.equal(reset.statusCode, 400);
  assert.ok(reset.body.includes("Escribe una dirección de correo electrónico."), reset.body.slice(0, 2000));
  assert.ok(reset.body.includes("Corrige esto:"));
  assert.ok(reset.body.includes("Restablecer la contraseña"));
  const login = await anonymous.get("/office/login");
  assert.ok(login.body.includes("¿Has olvidado la contraseña?"));
  assert.equal(htmlTag(login.body), '<html lang="es" dir="ltr">');
});

test("a chosen language persists, wins over the browser's, is audited, and can be given back", async () => {
  const user = await makeUser(node, "coordinator", { countries: ["ES"] });
  const client = await officeClient(node, user, { acceptLanguage: "es" });
  const chosen = await client.post("/office/account/language", { locale: "fr", next: "/office/moderation" });
  assert.equal(chosen.statusCode, 303);
  assert.equal(chosen.headers.location, "/office/moderation");
  const stored = await node.db.pool.query("SELECT locale FROM users WHERE id = $1", [user.id]);
  assert.equal(stored.rows[0].locale, "fr");
  const page = await client.get("/office");
  assert.equal(htmlTag(page.body), '<html lang="fr" dir="ltr">');
  assert.ok(page.body.includes(">Se déconnecter<"));
  assert.ok(page.body.includes('<option value="fr" lang="fr" selected'), "the choice is shown");

  // A new session (another browser, still Spanish) keeps the person's choice.
  const elsewhere = await officeClient(node, user, { acceptLanguage: "es" });
  assert.equal(htmlTag((await elsewhere.get("/office")).body), '<html lang="fr" dir="ltr">');

  const audited = await node.db.pool.query(
    "SELECT before, after FROM audit_log WHERE action = 'choose_language' AND entity_id = $1",
    [String(user.id)],
  );
  assert.deepEqual(audited.rows, [{ before: { locale: null }, after: { locale: "fr" } }]);

  // The blank choice follows the browser again.
  assert.equal((await client.post("/office/account/language", { locale: "" })).statusCode, 303);
  assert.equal(htmlTag((await client.get("/office")).body), '<html lang="es" dir="ltr">');

  // A language outside the list is refused and changes nothing; an outside address is no return.
  const bad = await client.post("/office/account/language", { locale: "xx" });
  assert.equal(bad.statusCode, 400);
  const away = await client.post("/office/account/language", { locale: "ru", next: "https://evil.example/" });
  assert.equal(away.headers.location, "/office");
  assert.equal(htmlTag((await client.get("/office")).body), '<html lang="ru" dir="ltr">');
});

test("Arabic sets the page right to left", async () => {
  const admin = await officeClient(node, await makeUser(node, "admin"), { acceptLanguage: "ar-EG" });
  const page = await admin.get("/office");
  assert.equal(htmlTag(page.body), '<html lang="ar" dir="rtl">');
  assert.ok(page.body.includes(">تسجيل الخروج<"));
});

test("the language form needs a session and a CSRF token", async () => {
  const anonymous = await officeClient(node);
  const response = await anonymous.post("/office/account/language", { locale: "es" });
  assert.equal(response.statusCode, 401);
  const user = await makeUser(node, "organizer");
  const client = await officeClient(node, user);
  const forged = await client.post("/office/account/language", { locale: "es", _csrf: "forged" });
  assert.equal(forged.statusCode, 403);
  const stored = await node.db.pool.query("SELECT locale FROM users WHERE id = $1", [user.id]);
  assert.equal(stored.rows[0].locale, null);
});

test("the translations page speaks Spanish to a Spanish translator, its form errors too", async () => {
  const translator = await officeClient(node, await makeUser(node, "translator", { languages: ["es"] }), {
    acceptLanguage: "es",
  });
  const page = await translator.get("/office/translations");
  assert.equal(page.statusCode, 200, page.body.slice(0, 500));
  for (const words of [
    "<h1>Traducciones</h1>",
    "<h2>Tu cola de trabajo</h2>",
    "Exportar / Importar",
    "Idioma del archivo",
  ]) {
    assert.ok(page.body.includes(words), `the page says ${words}`);
  }
  assert.doesNotMatch(page.body, /Your queue|Export \/ Import/);

  const admin = await officeClient(node, await makeUser(node, "admin"), { acceptLanguage: "es" });
  const refused = await admin.post("/office/translations/languages", { language: "not a tag!" });
  assert.equal(refused.statusCode, 422);
  assert.ok(refused.body.includes("Escribe una etiqueta de idioma, p. ej. sw o pt-BR."));
  assert.ok(refused.body.includes("Abrir un idioma para traducir"));
});

test("every back-office page is in each interface language, with no message key left showing", async () => {
  const pages = [
    "/office",
    "/office/translations",
    "/office/cases",
    "/office/cases/new",
    "/office/campaigns",
    "/office/campaigns/new",
    "/office/sections",
    "/office/sections/new",
    "/office/events",
    "/office/events/new",
    "/office/reports",
    "/office/reports/new",
    "/office/reports/import",
    "/office/moderation",
    "/office/users",
    "/office/users/new",
    "/office/audit",
    "/office/outbox",
    "/office/no-such-page",
  ];
  const admin = await makeUser(node, "admin");
  const english = await officeClient(node, admin);
  const englishTitles = new Map<string, string>();
  for (const url of pages)
    englishTitles.set(url, /<h1>([^<]*)<\/h1>/.exec((await english.get(url)).body)?.[1] ?? "");
  for (const locale of UI_LOCALES) {
    const client = await officeClient(node, admin, { acceptLanguage: locale });
    for (const url of pages) {
      const page = await client.get(url);
      assert.ok(page.statusCode < 500, `${locale} ${url}: ${page.statusCode}`);
      assert.equal(htmlTag(page.body), `<html lang="${locale}" dir="${locale === "ar" ? "rtl" : "ltr"}">`);
      const key = /\boffice\.[a-zA-Z]+\.[a-zA-Z.]+/.exec(page.body.replaceAll("/assets/office.css", ""));
      assert.equal(key, null, `${locale} ${url} shows a message key`);
      const title = /<h1>([^<]*)<\/h1>/.exec(page.body)?.[1] ?? "";
      // French writes "Sections" as English does; every other heading differs from the English one.
      if (locale !== "en" && !(locale === "fr" && title === "Sections"))
        assert.notEqual(title, englishTitles.get(url), `${locale} ${url}: the heading is translated`);
      if (locale !== "en")
        assert.ok(!page.body.includes(">Log out<"), `${locale} ${url}: the menu is translated`);
    }
  }
});
