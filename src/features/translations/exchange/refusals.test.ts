import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestApp, type TestApp } from "../../../../test/support/app.js";
import { makeUser, type OfficeClient, officeClient } from "../../../../test/support/office.js";
import { createCase } from "../../cases/fixtures.js";
import { exportOf, fillFile, fillPo, fillXliff, importInto, snapshot } from "./exchange.fixtures.js";

// Files an import must refuse whole: broken, for another language, oversized, or tampered with.
// Each answer names the problem and its line, and the database is as it was.

let t: TestApp;
let admin: OfficeClient;
let spanish: OfficeClient;
const SLUG = "refused-case";

before(async () => {
  t = await startTestApp();
  admin = await officeClient(t, await makeUser(t, "admin"));
  spanish = await officeClient(t, await makeUser(t, "translator", { languages: ["es"] }));
  await createCase(t, admin, { slug: SLUG });
});
after(async () => {
  await t.close();
});

const exportFile = exportOf;
const importFile = importInto;

test("each broken, foreign or tampered file is refused naming the problem and line; nothing changes", async () => {
  const exported = (await exportFile(spanish, `language=es&format=xliff2&case=${SLUG}`)).body;
  const po = (await exportFile(spanish, `language=es&format=po&case=${SLUG}`)).body;
  const french12 = (await exportFile(admin, `language=fr&format=xliff12&case=${SLUG}`)).body;
  const fill = (text: string) =>
    fillFile(text, (id, source) => (id.startsWith("case/") ? `[x] ${source}` : undefined));
  const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split("\n").length;
  const storyLine = lineOf(fill(exported), `id="case/${SLUG}/story"`);
  const cases: [string, OfficeClient, string, Record<string, string>, number, RegExp][] = [
    [
      "not a translation file",
      spanish,
      "This is a letter, not a PO file.\n",
      {},
      422,
      /readable PO file.*\(line 1\)/,
    ],
    [
      "not XML",
      spanish,
      fill(exported).replace("</segment>", "</segmnt>"),
      {},
      422,
      /not well-formed XML.*\(line \d+\)/,
    ],
    [
      "wrong XLIFF version",
      spanish,
      fill(exported).replace('version="2.0"', 'version="3.0"'),
      {},
      422,
      /XLIFF version &quot;3\.0&quot;.*\(line 2\)/,
    ],
    [
      "another language than chosen",
      spanish,
      fill(exported),
      { language: "fr" },
      422,
      /translation into es, not fr \(line 2\)/,
    ],
    [
      "a language the importer does not translate",
      spanish,
      fill(french12),
      {},
      403,
      /You do not translate into fr/,
    ],
    [
      "an unknown unit id",
      spanish,
      fill(exported).replace(`id="case/${SLUG}/story"`, 'id="case/no-such-case/story"'),
      {},
      422,
      new RegExp(
        `Unit &quot;case/no-such-case/story&quot; names no case text to translate \\(line ${storyLine}\\)`,
      ),
    ],
    [
      "an altered source text",
      spanish,
      fill(exported).replace("She has been threatened twice.", "She is fine."),
      {},
      422,
      new RegExp(
        `source text of unit &quot;case/${SLUG}/story&quot; is not the one exported.*\\(line ${storyLine}\\)`,
      ),
    ],
    [
      "a forged source revision",
      spanish,
      fill(exported).replace(
        '<mda:meta type="source-revision">1</mda:meta>',
        '<mda:meta type="source-revision">9</mda:meta>',
      ),
      {},
      422,
      /signature does not match.*\(line 8\)/,
    ],
    [
      "a changed signature",
      spanish,
      fillPo(po, (_id, source) => `[x] ${source}`).replace(
        /X-Inkwell-Signature: [\w-]+/,
        "X-Inkwell-Signature: forged",
      ),
      {},
      422,
      /signature does not match.*\(line \d+\)/,
    ],
    [
      "no signature at all",
      spanish,
      fillPo(po, (_id, s) => s).replace(/"X-Inkwell-Signature: [\w-]+\\n"\n/, ""),
      {},
      422,
      /no Inkwell export header/,
    ],
    [
      "one target too long among good ones",
      spanish,
      fillXliff(exported, (id, source) => (id.endsWith("/title") ? "x".repeat(201) : `[x] ${source}`)),
      {},
      422,
      /has 201 characters; at most 200 fit \(line \d+\)/,
    ],
  ];
  for (const [what, client, text, fields, status, message] of cases) {
    const before = await snapshot(t);
    const response = await importFile(client, text, fields);
    assert.equal(response.statusCode, status, `${what}: ${response.body.slice(0, 400)}`);
    assert.match(response.body, message, what);
    assert.deepEqual(await snapshot(t), before, `${what}: nothing changed`);
  }
  // Over 10 MB: 413 before anything is read.
  const before = await snapshot(t);
  const huge = await importFile(spanish, `${fill(exported)}<!--${"x".repeat(10 * 1024 * 1024)}-->`);
  assert.equal(huge.statusCode, 413);
  assert.match(huge.body, /too large/);
  assert.deepEqual(await snapshot(t), before);
});
