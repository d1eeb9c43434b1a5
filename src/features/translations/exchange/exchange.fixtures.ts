import assert from "node:assert/strict";
import { po } from "gettext-parser";
import convert, { type Element } from "xml-js";
import type { TestApp } from "../../../../test/support/app.js";
import type { OfficeClient } from "../../../../test/support/office.js";

// What a translator's tool does to an exported file, done by script for the tests: fill in the
// targets (and states) of its units, leaving everything else as it was.

export type Filler = (id: string, source: string) => string | undefined;

const local = (name: string | undefined) => (name ?? "").replace(/^.*:/, "");
const kids = (e: Element | undefined) => (e?.elements ?? []).filter((c) => c.type === "element");
const textOf = (e: Element | undefined) =>
  (e?.elements ?? []).map((c) => (c.type === "text" ? String(c.text) : "")).join("");

function walk(e: Element, name: string, found: Element[] = []): Element[] {
  for (const child of kids(e)) {
    if (local(child.name) === name) found.push(child);
    else walk(child, name, found);
  }
  return found;
}

/** Fills an XLIFF 2.0 or 1.2 file; `state` is written on each filled unit when given. */
export function fillXliff(xml: string, fill: Filler, state?: string): string {
  const tree = convert.xml2js(xml, { compact: false }) as Element;
  const root = kids(tree)[0] as Element;
  const v2 = String(root.attributes?.version).startsWith("2");
  for (const unit of walk(root, v2 ? "unit" : "trans-unit")) {
    const holder = v2 ? (kids(unit).find((c) => c.name === "segment") as Element) : unit;
    const source = kids(holder).find((c) => c.name === "source");
    const target = fill(String(unit.attributes?.id), textOf(source));
    if (target === undefined) continue;
    holder.elements = (holder.elements ?? []).filter((c) => c.name !== "target");
    const at = (holder.elements ?? []).indexOf(source as Element) + 1;
    const element: Element = {
      type: "element",
      name: "target",
      ...(!v2 && state ? { attributes: { state } } : {}),
      elements: [{ type: "text", text: target }],
    };
    holder.elements.splice(at, 0, element);
    if (v2 && state) holder.attributes = { ...holder.attributes, state };
  }
  return convert.js2xml(tree, { spaces: 2 });
}

/** Fills a PO file; the filled entries lose their fuzzy flag unless `fuzzy` is set. */
export function fillPo(text: string, fill: Filler, fuzzy = false): string {
  const parsed = po.parse(text);
  for (const [context, entries] of Object.entries(parsed.translations)) {
    for (const entry of Object.values(entries)) {
      if (context === "") continue;
      const target = fill(context, entry.msgid);
      if (target === undefined) continue;
      entry.msgstr = [target];
      entry.comments = { ...entry.comments, flag: fuzzy ? "fuzzy" : "" };
      if (!fuzzy) delete entry.comments.flag;
    }
  }
  return po.compile(parsed).toString("utf8");
}

export const fillFile = (text: string, fill: Filler, state?: string) =>
  text.trimStart().startsWith("<") ? fillXliff(text, fill, state) : fillPo(text, fill);

export async function exportOf(client: OfficeClient, query: string) {
  const response = await client.get(`/office/translations/export?${query}`);
  assert.equal(response.statusCode, 200, response.body.slice(0, 300));
  return response;
}

/** Posts a file to the import; a "?" field is the address's language instead. */
export const importInto = (
  client: OfficeClient,
  text: string,
  { "?": query, ...fields }: Record<string, string> = {},
) =>
  client.postMultipart(`/office/translations/import${query ? `?language=${query}` : ""}`, fields, {
    field: "file",
    filename: "translated.xlf",
    contentType: "application/octet-stream",
    data: Buffer.from(text, "utf8"),
  });

/** Field → stored status of one case's translation. */
export const fieldStatuses = async (t: TestApp, caseId: number, language: string) =>
  Object.fromEntries(
    (
      await t.db.pool.query<{ field: string; status: string }>(
        "SELECT field, status FROM case_text_fields WHERE case_id = $1 AND language = $2",
        [caseId, language],
      )
    ).rows.map((r) => [r.field, r.status]),
  );

/** Everything an import may write. */
export async function snapshot(t: TestApp) {
  const q = async (sql: string) => (await t.db.pool.query(sql)).rows;
  return {
    fields: await q("SELECT * FROM case_text_fields ORDER BY case_id, language, field"),
    texts: await q("SELECT * FROM case_texts ORDER BY case_id, language"),
    audit: await q("SELECT count(*)::int AS n FROM audit_log"),
    overrides: await q("SELECT * FROM message_overrides ORDER BY locale, key"),
  };
}
