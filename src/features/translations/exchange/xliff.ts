import { js2xliff, jsToXliff12, type XliffUnit, xliff2js, xliff12ToJs } from "xliff";
import convert, { type Element } from "xml-js";
import {
  type ExportFile,
  fileProblem,
  type Kind,
  lineOf,
  linesOf,
  type ReadFile,
  type ReadUnit,
  type UnitStatus,
  uniform,
} from "./units.js";

// XLIFF 2.0 and 1.2 through the `xliff` package: it writes and reads the documents, units,
// sources, targets, notes and size restrictions. What it does not model is added to (or read
// from) the same XML tree with xml-js, the parser it is built on: segment and target states,
// and Inkwell's export header and per-unit source revision —
//   2.0: the Metadata module (<mda:metadata>) on the file and on each unit;
//   1.2: an <iw:export> element in the file's <header>, an iw:source-revision attribute on each
//        trans-unit (XLIFF 1.2 allows elements and attributes of other namespaces there).

const MDA = "urn:oasis:names:tc:xliff:metadata:2.0";
const IW = "urn:inkwell:exchange:1";
const FILE_ID = "inkwell";

const STATE2: Record<UnitStatus, string> = {
  missing: "initial",
  draft: "initial",
  outdated: "initial",
  needs_review: "translated",
  approved: "final",
};
const STATE12: Record<UnitStatus, string> = {
  missing: "new",
  draft: "needs-translation",
  outdated: "needs-translation",
  needs_review: "needs-review-translation",
  approved: "final",
};
const FINAL2 = new Set(["reviewed", "final"]);
const FINAL12 = new Set(["signed-off", "final"]);

const local = (name: string | undefined) => (name ?? "").replace(/^.*:/, "");
const children = (element: Element | undefined, name?: string) =>
  (element?.elements ?? []).filter((e) => e.type === "element" && (!name || local(e.name) === name));
const attr = (element: Element | undefined, name: string): string | undefined => {
  const value = element?.attributes?.[name];
  return value === undefined ? undefined : String(value);
};
/** Every element with the local name, depth first (units sit in files and groups). */
function descendants(element: Element, name: string, found: Element[] = []): Element[] {
  for (const child of children(element)) {
    if (local(child.name) === name) found.push(child);
    else descendants(child, name, found);
  }
  return found;
}
const text = (element: Element | undefined) =>
  (element?.elements ?? [])
    .map((e) => (e.type === "text" || e.type === "cdata" ? String(e.text ?? e.cdata) : ""))
    .join("");

const el = (name: string, attributes: Record<string, string> | null, elements: Element[] = []): Element => ({
  type: "element",
  name,
  ...(attributes ? { attributes } : {}),
  elements,
});

function metadata(entries: Record<string, string>): Element {
  return el("mda:metadata", null, [
    el(
      "mda:metaGroup",
      { category: "inkwell" },
      Object.entries(entries).map(([type, value]) =>
        el("mda:meta", { type }, [{ type: "text", text: value }]),
      ),
    ),
  ]);
}

function resources(file: ExportFile): Record<string, XliffUnit> {
  return Object.fromEntries(
    file.units.map((u) => [
      u.id,
      {
        source: u.source,
        ...(u.target !== "" ? { target: u.target } : {}),
        note: u.notes,
        ...(u.maxLength ? { additionalAttributes: { sizeRestriction: u.maxLength } } : {}),
      },
    ]),
  );
}

function serialize(tree: { elements?: Element[] }): string {
  return convert.js2xml(
    { declaration: { attributes: { version: "1.0", encoding: "UTF-8" } }, elements: tree.elements },
    { spaces: 2 },
  );
}

export async function writeXliff2(file: ExportFile): Promise<string> {
  const xml = await js2xliff(
    {
      sourceLanguage: file.sourceLanguage,
      targetLanguage: file.targetLanguage,
      resources: { [FILE_ID]: resources(file) },
    },
    { indent: "  " },
  );
  const tree = convert.xml2js(xml, { compact: false }) as Element;
  const root = children(tree, "xliff")[0] as Element;
  root.attributes = { ...root.attributes, "xmlns:mda": MDA };
  const fileElement = children(root, "file")[0] as Element;
  fileElement.elements?.unshift(
    metadata({ kind: file.kind, "exported-at": file.exportedAt, signature: file.signature }),
  );
  const byId = new Map(file.units.map((u) => [u.id, u]));
  for (const unit of descendants(fileElement, "unit")) {
    const exported = byId.get(attr(unit, "id") ?? "");
    if (!exported) continue;
    unit.elements?.unshift(metadata({ "source-revision": exported.revision }));
    const segment = children(unit, "segment")[0];
    if (segment)
      segment.attributes = { state: STATE2[exported.status], subState: `inkwell:${exported.status}` };
  }
  return serialize(tree);
}

export async function writeXliff12(file: ExportFile): Promise<string> {
  const units = resources(file);
  const byId = new Map(file.units.map((u) => [u.id, u]));
  for (const [id, unit] of Object.entries(units)) {
    const exported = byId.get(id);
    const { sizeRestriction, ...rest } = unit.additionalAttributes ?? {};
    unit.additionalAttributes = {
      ...rest,
      ...(sizeRestriction ? { maxwidth: String(sizeRestriction), "size-unit": "char" } : {}),
      "iw:source-revision": exported?.revision ?? "",
    };
  }
  const xml = await jsToXliff12(
    {
      sourceLanguage: file.sourceLanguage,
      targetLanguage: file.targetLanguage,
      resources: { [FILE_ID]: units },
    },
    { indent: "  " },
  );
  const tree = convert.xml2js(xml, { compact: false }) as Element;
  const root = children(tree, "xliff")[0] as Element;
  root.attributes = { ...root.attributes, "xmlns:iw": IW };
  const fileElement = children(root, "file")[0] as Element;
  fileElement.elements?.unshift(
    el("header", null, [
      el("iw:export", { kind: file.kind, "exported-at": file.exportedAt, signature: file.signature }),
    ]),
  );
  for (const unit of descendants(fileElement, "trans-unit")) {
    const exported = byId.get(attr(unit, "id") ?? "");
    const target = children(unit, "target")[0];
    if (exported && target) target.attributes = { state: STATE12[exported.status] };
  }
  return serialize(tree);
}

/** The sources and targets as the `xliff` package reads them, by unit id. */
function flatUnits(units: Record<string, XliffUnit>, into = new Map<string, XliffUnit>()) {
  for (const [id, unit] of Object.entries(units)) {
    if (unit.groupUnits) flatUnits(unit.groupUnits, into);
    else into.set(id, unit);
  }
  return into;
}

const escapeAttr = (value: string) =>
  value.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");

/** Reads an XLIFF 2.0 or 1.2 file; refuses what is not one, naming the line. */
export async function readXliff(source: string): Promise<ReadFile> {
  let tree: Element;
  try {
    tree = convert.xml2js(source, { compact: false }) as Element;
  } catch (error) {
    const message = (error as Error).message;
    // sax counts lines from 0.
    const line = Number(/Line: (\d+)/.exec(message)?.[1] ?? 0) + 1;
    throw fileProblem("malformed_xml", "malformedXml", { detail: message.split("\n")[0] ?? "" }, line);
  }
  const root = children(tree)[0];
  if (!root || local(root.name) !== "xliff")
    throw fileProblem("not_xliff", "notXliff", { root: root?.name ?? "" }, 1);
  const rootLine = lineOf(source, "<xliff");
  const version = attr(root, "version") ?? "";
  const v2 = ["2.0", "2.1", "2.2"].includes(version);
  if (!v2 && version !== "1.2") throw fileProblem("xliff_version", "xliffVersion", { version }, rootLine);
  const files = children(root, "file");
  if (files.length !== 1) throw fileProblem("xliff_files", "xliffFiles", { count: files.length }, rootLine);
  const fileElement = files[0] as Element;
  const parsed = v2 ? await xliff2js(source) : await xliff12ToJs(source);
  const texts = flatUnits(Object.values(parsed.resources ?? {})[0] ?? {});
  // Unit ids as written in the file (attribute text, escaped), found where they are defined.
  const unitLines = linesOf(source, /<(?:[\w-]+:)?(?:unit|trans-unit)\b[^>]*?\bid=(?:"([^"]*)"|'[^']*')/g);
  const lineOfUnit = (id: string) => unitLines.get(escapeAttr(id)) ?? rootLine;

  let header: Record<string, string | undefined>;
  if (v2) {
    const meta = children(children(children(fileElement, "metadata")[0], "metaGroup")[0], "meta");
    header = Object.fromEntries(meta.map((m) => [attr(m, "type") ?? "", text(m)]));
  } else {
    const exported = children(children(fileElement, "header")[0], "export")[0];
    header = {
      kind: attr(exported, "kind"),
      "exported-at": attr(exported, "exported-at"),
      signature: attr(exported, "signature"),
    };
  }
  const units: ReadUnit[] = [];
  for (const unit of descendants(fileElement, v2 ? "unit" : "trans-unit")) {
    const id = attr(unit, "id") ?? "";
    const line = lineOfUnit(id);
    const value = texts.get(id);
    if (v2 && children(unit, "segment").length !== 1)
      throw fileProblem("segmented", "segmented", { id }, line, id);
    const textOf = (part: "source" | "target") => {
      const content = value?.[part] ?? "";
      if (typeof content !== "string")
        throw fileProblem("inline_markup", "inlineMarkup", { part, id }, line, id);
      return uniform(content);
    };
    let state: string | undefined;
    let revision: string | undefined;
    if (v2) {
      state = attr(children(unit, "segment")[0], "state");
      const meta = children(children(children(unit, "metadata")[0], "metaGroup")[0], "meta");
      revision = meta.filter((m) => attr(m, "type") === "source-revision").map(text)[0];
    } else {
      state = attr(children(unit, "target")[0], "state");
      revision = Object.entries(unit.attributes ?? {})
        .find(([name]) => local(name) === "source-revision")?.[1]
        ?.toString();
    }
    units.push({
      id,
      source: textOf("source"),
      target: textOf("target"),
      final: state !== undefined && (v2 ? FINAL2 : FINAL12).has(state),
      revision: revision ?? "",
      line,
    });
  }
  const signatureLine = lineOf(source, "signature");
  const kind = header.kind;
  if ((kind !== "cases" && kind !== "catalog") || !header.signature || !header["exported-at"])
    throw fileProblem("unsigned", "unsignedXliff", {}, signatureLine > 1 ? signatureLine : rootLine);
  const srcLang = v2 ? attr(root, "srcLang") : attr(fileElement, "source-language");
  const trgLang = v2 ? attr(root, "trgLang") : attr(fileElement, "target-language");
  return {
    format: v2 ? "xliff2" : "xliff12",
    kind: kind as Kind,
    sourceLanguage: srcLang ?? "",
    targetLanguage: trgLang ?? "",
    exportedAt: header["exported-at"],
    signature: header.signature,
    signatureLine,
    languageLine: lineOf(source, v2 ? "trgLang" : "target-language"),
    units,
  };
}
