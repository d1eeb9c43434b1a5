import { po } from "gettext-parser";
import convert, { type Element } from "xml-js";

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
