import { type GetTextTranslation, type GetTextTranslations, po } from "gettext-parser";
import {
  type ExportFile,
  fileProblem,
  type Kind,
  lineOf,
  linesOf,
  type ReadFile,
  type ReadUnit,
  uniform,
} from "./units.js";

// PO files through gettext-parser. Each unit is an entry whose msgctxt is the unit id, msgid the
// source and msgstr the target; a target not approved is "fuzzy"; the notes and the source
// revision are extracted comments ("#."), which PO editors show and keep. The export header is in
// the PO header: X-Inkwell-Kind, X-Inkwell-Exported-At, X-Inkwell-Signature, X-Source-Language.

const REVISION = /^source revision: (\S+)$/m;

export function writePo(file: ExportFile): Buffer {
  const entries: Record<string, Record<string, GetTextTranslation>> = {};
  for (const unit of file.units) {
    entries[unit.id] = {
      [unit.source]: {
        msgctxt: unit.id,
        msgid: unit.source,
        msgstr: [unit.target],
        comments: {
          extracted: [...unit.notes, `source revision: ${unit.revision}`].join("\n"),
          ...(unit.target !== "" && unit.status !== "approved" ? { flag: "fuzzy" } : {}),
        },
      },
    };
  }
  return po.compile({
    charset: "utf-8",
    headers: {
      "Content-Type": "text/plain; charset=UTF-8",
      "Content-Transfer-Encoding": "8bit",
      Language: file.targetLanguage,
      "X-Source-Language": file.sourceLanguage,
      "X-Inkwell-Kind": file.kind,
      "X-Inkwell-Exported-At": file.exportedAt,
      "X-Inkwell-Signature": file.signature,
    },
    translations: entries,
  });
}

const quoted = (value: string) => JSON.stringify(value);

/** Reads a PO file; refuses what is not one, naming the line. */
export function readPo(source: string): ReadFile {
  let parsed: GetTextTranslations;
  try {
    parsed = po.parse(source);
  } catch (error) {
    const line = (error as { lineNumber?: number }).lineNumber ?? 1;
    const message = (error as Error).message
      .replace(/^Error parsing PO data: /, "")
      .replace(/ at line \d+.*$/s, "");
    throw fileProblem("malformed_po", "malformedPo", { detail: message }, line);
  }
  const headers = parsed.headers ?? {};
  const header = (name: string) =>
    Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  const signatureLine = lineOf(source, "X-Inkwell-Signature");
  const kind = header("X-Inkwell-Kind");
  const signature = header("X-Inkwell-Signature");
  const exportedAt = header("X-Inkwell-Exported-At");
  if ((kind !== "cases" && kind !== "catalog") || !signature || !exportedAt)
    throw fileProblem("unsigned", "unsignedPo", {}, signatureLine);
  const contextLines = linesOf(source, /^msgctxt ("(?:[^"\\]|\\.)*")/gm);
  const lineOfContext = (context: string | undefined) =>
    contextLines.get(quoted(context ?? "")) ?? lineOf(source, `msgctxt ${quoted(context ?? "")}`);
  const units: ReadUnit[] = [];
  for (const [context, entries] of Object.entries(parsed.translations)) {
    for (const entry of Object.values(entries)) {
      if (context === "" && entry.msgid === "") continue; // the header
      const line = entry.msgctxt
        ? lineOfContext(entry.msgctxt)
        : lineOf(source, `msgid ${quoted(entry.msgid)}`);
      if (!entry.msgctxt) throw fileProblem("unknown_unit", "noContext", {}, line);
      const flags = (entry.comments?.flag ?? "").split(",").map((f) => f.trim());
      units.push({
        id: entry.msgctxt,
        source: uniform(entry.msgid),
        target: uniform(entry.msgstr[0] ?? ""),
        final: !flags.includes("fuzzy"),
        revision: REVISION.exec(entry.comments?.extracted ?? "")?.[1] ?? "",
        line,
      });
    }
  }
  return {
    format: "po",
    kind: kind as Kind,
    sourceLanguage: header("X-Source-Language") ?? "",
    targetLanguage: header("Language") ?? "",
    exportedAt,
    signature,
    signatureLine,
    languageLine: lineOf(source, '"Language:'),
    units,
  };
}
