import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../../test/support/app.js";
import { makeUser, type OfficeClient, officeClient } from "../../../../test/support/office.js";
import { messagesFor } from "../../../platform/i18n/messages.js";
import { fillFile } from "./exchange.fixtures.js";

// The interface's messages out and back in: imported messages are checked as ICU MessageFormat
// with the English placeholders, stored as overrides, and shown by every page in that language.

let t: TestApp;
let admin: OfficeClient;
let spanish: OfficeClient;

before(async () => {
  t = await startTestApp();
  admin = await officeClient(t, await makeUser(t, "admin"));
  spanish = await officeClient(t, await makeUser(t, "translator", { languages: ["es"] }));
});
after(async () => {
  await t.close();
});

const exportCatalog = async (query: string) => {
  const response = await admin.get(`/office/translations/catalogs/export?${query}`);
  assert.equal(response.statusCode, 200, response.body.slice(0, 300));
  return response.body;
};
const importCatalog = (client: OfficeClient, text: string) =>
  client.postMultipart(
    "/office/translations/catalogs/import",
    {},
    { field: "file", filename: "messages.po", contentType: "text/plain", data: Buffer.from(text, "utf8") },
  );
const overrides = async () =>
  (await t.db.pool.query("SELECT locale, key, message FROM message_overrides ORDER BY locale, key")).rows;
const only = (key: string, message: string) => (id: string) =>
  id === `message/${key}` ? message : undefined;

test("the catalogs export every message with its English source and the current translation", async () => {
  const po = await exportCatalog("language=es&format=po");
  assert.match(
    po,
    /msgctxt "message\/counter\.dates"\nmsgid "From \{start\} to \{end\}"\nmsgstr "Del \{start\} al \{end\}"/,
  );
  assert.match(po, /#\. Keep the placeholders: \{end\} \{start\}/);
  const xliff = await exportCatalog("language=zh-hans&format=xliff2");
  assert.match(xliff, /trgLang="zh-Hans"/);
  assert.match(xliff, /<unit id="message\/nav\.cases">/);
  assert.equal(
    (await admin.get("/office/translations/catalogs/export?language=de&format=po")).statusCode,
    422,
  );
  assert.equal(
    (await spanish.get("/office/translations/catalogs/export?language=es&format=po")).statusCode,
    403,
  );
});

test("an imported message is stored and shown by the pages; the same file again changes nothing", async () => {
  const earlier = await t.app.inject({ method: "GET", url: "/es" });
  assert.match(earlier.body, /del total del año pasado/);
  const exported = await exportCatalog("language=es&format=xliff2");
  const filled = fillFile(exported, only("counter.ofLastYear", "del total del maratón pasado"), "final");
  const response = await importCatalog(admin, filled);
  assert.equal(response.statusCode, 200, response.body.slice(0, 500));
  assert.match(response.body, /1 unit imported into es/);
  assert.deepEqual(await overrides(), [
    { locale: "es", key: "counter.ofLastYear", message: "del total del maratón pasado" },
  ]);
  assert.equal(messagesFor("es").t("counter.ofLastYear"), "del total del maratón pasado");
  // The home page is a shared page: the catalog's announcement moved its version.
  const home = await t.app.inject({ method: "GET", url: "/es" });
  assert.match(home.body, /del total del maratón pasado/);
  assert.doesNotMatch(home.body, /del total del año pasado/);
  const again = await importCatalog(admin, filled);
  assert.match(again.body, /0 units imported into es/);
  const audit = await t.db.pool.query(
    "SELECT count(*)::int AS n FROM audit_log WHERE entity = 'message_catalog'",
  );
  assert.equal(audit.rows[0].n, 1);
});

test("a message that is not ICU, or changes the placeholders, refuses the whole file naming key and line", async () => {
  const exported = await exportCatalog("language=fr&format=po");
  const lineOf = (text: string, key: string) =>
    text.slice(0, text.indexOf(`msgctxt "message/${key}"`)).split("\n").length;
  const bad: [string, (id: string) => string | undefined, RegExp][] = [
    [
      "unbalanced braces",
      (id) =>
        id === "message/counter.dates"
          ? "Du {start au {end}"
          : id === "message/nav.cases"
            ? "Dossiers"
            : undefined,
      /The message &quot;counter\.dates&quot; is not valid ICU MessageFormat/,
    ],
    [
      "a renamed placeholder",
      only("counter.dates", "Du {debut} au {end}"),
      /&quot;counter\.dates&quot; must use the placeholders of the English one \(\{end\} \{start\}\), not \{debut\} \{end\}/,
    ],
  ];
  for (const [what, fill, message] of bad) {
    const before = await overrides();
    const text = fillFile(exported, fill);
    const response = await importCatalog(admin, text);
    assert.equal(response.statusCode, 422, `${what}: ${response.body.slice(0, 300)}`);
    assert.match(response.body, message, what);
    assert.match(response.body, new RegExp(`\\(line ${lineOf(text, "counter.dates")}\\)`), what);
    assert.deepEqual(await overrides(), before, `${what}: nothing stored`);
  }
  // A case file is not a catalog, and a catalog is not a case file.
  const cases = await admin.get("/office/translations/export?language=fr&format=po");
  assert.match((await importCatalog(admin, cases.body)).body, /This file holds case texts/);
  const asCases = await admin.postMultipart(
    "/office/translations/import",
    {},
    { field: "file", filename: "m.po", contentType: "text/plain", data: Buffer.from(exported) },
  );
  assert.equal(asCases.statusCode, 422);
  assert.match(asCases.body, /This file holds interface messages/);
  assert.equal((await importCatalog(spanish, exported)).statusCode, 403);
});

test("a message imported on another node reaches this one with the catalog's announcement", async () => {
  const version = t.runtime.catalog().version;
  // What another node's import leaves: the row, and the announcement after its commit.
  await t.db.pool.query(
    "INSERT INTO message_overrides (locale, key, message) VALUES ('pl', 'counter.ofLastYear', 'z innego węzła')",
  );
  await t.db.pool.query("NOTIFY inkwell_catalog");
  const deadline = Date.now() + 10_000;
  while (messagesFor("pl").t("counter.ofLastYear") !== "z innego węzła" && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(messagesFor("pl").t("counter.ofLastYear"), "z innego węzła");
  assert.ok(t.runtime.catalog().version > version, "the public version moved with it");
  const home = await t.app.inject({ method: "GET", url: "/pl" });
  assert.match(home.body, /z innego węzła/);
});
