import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type pg from "pg";
import { Problem } from "../../../platform/http/problems.js";
import { ot } from "../../office/index.js";

// What an exchange file holds, whatever its format (XLIFF 2.0, XLIFF 1.2, PO): a header naming
// what was exported and signed, and units, each with a stable id, the source text, the current
// target, its state and the source revision it was exported from.
//
// The signature: HMAC-SHA256, with the database's exchange key (migration 016), over the kind,
// both languages, the export time and, for every unit sorted by id, its id, source revision
// and the SHA-256 of its source text. Targets are left out: they are what a translator changes.
// So an import can tell a file whose units were added, removed or renamed, whose source texts
// were edited or whose revisions were moved forward (to pass a changed source for a current
// one) from a file exported here and translated.

export const FORMATS = ["xliff2", "xliff12", "po"] as const;
export type Format = (typeof FORMATS)[number];
/** Case texts, or the interface's message catalogs. */
export type Kind = "cases" | "catalog";
export type UnitStatus = "missing" | "draft" | "needs_review" | "approved" | "outdated";

export interface ExportUnit {
  id: string;
  source: string;
  target: string;
  status: UnitStatus;
  revision: string;
  notes: string[];
  maxLength?: number;
}

export interface Header {
  kind: Kind;
  sourceLanguage: string;
  targetLanguage: string;
  exportedAt: string;
}

export interface ExportFile extends Header {
  signature: string;
  units: ExportUnit[];
}

export interface ReadUnit {
  id: string;
  source: string;
  target: string;
  /**
   * The file marks the target as done: XLIFF 2.0 reviewed or final, XLIFF 1.2 signed-off or
   * final, a PO entry not fuzzy. Only such a unit is approved by an import that asks for it.
   */
  final: boolean;
  revision: string;
  line: number;
}

export interface ReadFile extends Header {
  format: Format;
  signature: string;
  /** The line the signature is on, for the message that says it does not match. */
  signatureLine: number;
  /** The line that names the target language. */
  languageLine: number;
  units: ReadUnit[];
}

/**
 * A file that cannot be imported as it is: 422 naming the problem and its line, in the back
 * office's language (`office.exchange.file.<message>` with its values; a reader on a worker
 * thread runs in the request's language too, see files.ts).
 */
export function fileProblem(
  code: string,
  message: string,
  values: Record<string, string | number>,
  line: number,
  unit?: string,
): Problem {
  const text = ot("office.exchange.file.atLine", {
    message: ot(`office.exchange.file.${message}`, values),
    line,
  });
  return new Problem(422, code, text, { line, ...(unit ? { unit } : {}) });
}

/** The 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** The line of the first of the needles found in the text; 1 when none is. */
export function lineOf(text: string, ...needles: string[]): number {
  for (const needle of needles) {
    const at = text.indexOf(needle);
    if (at !== -1) return lineAt(text, at);
  }
  return 1;
}

/**
 * The line of each match's first group, in one pass over the text: a file of many units must
 * not be searched once per unit (a 10 MB file of 50,000 units would take minutes).
 */
export function linesOf(text: string, pattern: RegExp): Map<string, number> {
  const lines = new Map<string, number>();
  let line = 1;
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    for (let i = text.indexOf("\n", at); i !== -1 && i < match.index; i = text.indexOf("\n", i + 1)) line++;
    at = match.index;
    const key = match[1];
    if (key !== undefined && !lines.has(key)) lines.set(key, line);
  }
  return lines;
}

/** Line endings as texts are stored. */
export const uniform = (text: string) => text.replace(/\r\n?/g, "\n");

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

let key: Promise<string> | undefined;

/** The exchange key, read once per process (it never changes). */
export function exchangeKey(db: pg.Pool): Promise<string> {
  key ??= db
    .query<{ secret: string }>("SELECT secret FROM exchange_keys")
    .then((result) => {
      const secret = result.rows[0]?.secret;
      if (!secret) throw new Error("the exchange key is missing (migration 016)");
      return secret;
    })
    .catch((error) => {
      key = undefined;
      throw error;
    });
  return key;
}

export function sign(
  secret: string,
  header: Header,
  units: { id: string; revision: string; source: string }[],
): string {
  const manifest = [...units]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((u) => [u.id, u.revision, sha256(uniform(u.source))]);
  const signed = JSON.stringify([
    "inkwell-exchange-1",
    header.kind,
    header.sourceLanguage,
    header.targetLanguage,
    header.exportedAt,
    manifest,
  ]);
  return createHmac("sha256", secret).update(signed).digest("base64url");
}

export function signatureMatches(secret: string, file: ReadFile): boolean {
  const expected = Buffer.from(sign(secret, file, file.units));
  const given = Buffer.from(file.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Content types and file name endings of the formats. */
export const MEDIA: Record<Format, { type: string; extension: string; label: string }> = {
  xliff2: { type: "application/xliff+xml; charset=utf-8", extension: "xlf", label: "XLIFF 2.0" },
  xliff12: { type: "application/x-xliff+xml; charset=utf-8", extension: "xlf", label: "XLIFF 1.2" },
  po: { type: "text/x-gettext-translation; charset=utf-8", extension: "po", label: "PO (gettext)" },
};
