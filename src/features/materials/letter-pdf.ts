import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { NodeCompiler } from "@myriaddreamin/typst-ts-node-compiler";
import { Problem } from "../../platform/http/problems.js";

// A supporter's letter as a print-ready PDF. Typst lays it out: it shapes every script with
// HarfBuzz (rustybuzz), applies the Unicode bidi algorithm, breaks CJK lines, subsets and embeds
// the fonts and writes a text layer that maps glyphs back to the characters typed. The layout is
// in letter.typ; this file turns the input into the data that layout reads.

export interface LetterInput {
  /** BCP 47 tag of the letter's language, e.g. "ar", "zh-Hans", "hi", "ru", "en". */
  language: string;
  paper: "a4" | "letter";
  sender?: { name?: string; address?: string };
  /** The target's postalAddress has one line per `\n`. */
  target: { name: string; title: string; postalAddress: string };
  /** Already formatted for the reader. */
  date: string;
  /** Paragraphs separated by blank lines; typed by a supporter, so untrusted. */
  body: string;
}

export const LETTER_BODY_MAX_CHARS = 10_000;

// The other fields are short by nature; caps keep a hostile one from filling pages.
const FIELD_MAX_CHARS = {
  "sender.name": 200,
  "sender.address": 500,
  "target.name": 300,
  "target.title": 300,
  "target.postalAddress": 1000,
  date: 100,
} as const;

/** Bad input for a letter: answered as a 422 problem by the web layer. */
export class LetterInputError extends Problem {
  constructor(
    code: "letter_too_long" | "letter_empty" | "letter_language_invalid",
    readonly field: string,
    message: string,
    readonly limit?: number,
  ) {
    super(422, code, message, limit === undefined ? { field } : { field, limit });
  }
}

const FONT_DIR = fileURLToPath(new URL("../../../assets/fonts/", import.meta.url));
const TEMPLATE_URL = new URL("./letter.typ", import.meta.url);
const TEMPLATE = readFileSync(TEMPLATE_URL, "utf8");

export const FONTS = {
  latin: "Noto Sans",
  arabic: "Noto Naskh Arabic",
  hebrew: "Noto Sans Hebrew",
  devanagari: "Noto Sans Devanagari",
  cjk: "Noto Sans CJK SC",
} as const;

// The script's own font goes first so that the characters shared between fonts (digits, spaces,
// punctuation) are drawn in the style of the letter's script.
export const PRIMARY_FONT: Record<string, string> = {
  Arab: FONTS.arabic,
  Hebr: FONTS.hebrew,
  Deva: FONTS.devanagari,
  Hans: FONTS.cjk,
  Hant: FONTS.cjk,
};

export const RTL_SCRIPTS = new Set(["Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg"]);
const STRONG = /[\p{L}\u200E\u200F]/u;
const STRONG_RTL =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Adlam}\u200F]/u;

type Dir = "ltr" | "rtl";

/** The direction of a text on its own, by its first strong character (Unicode bidi P2–P3). */
function ownDirection(text: string, fallback: Dir): Dir {
  const first = STRONG.exec(text)?.[0];
  if (first === undefined) return fallback;
  return STRONG_RTL.test(first) ? "rtl" : "ltr";
}

// Control characters other than the line feed mean nothing on paper, and a lone surrogate
// cannot travel through JSON to the layout; NFC gives the shaper one spelling of each letter.
function clean(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, " ")
    .replace(/[^\P{Cc}\n]/gu, "")
    .replace(/\p{Cs}/gu, "\uFFFD")
    .normalize("NFC");
}

function capped(field: keyof typeof FIELD_MAX_CHARS, value: string): string {
  const text = clean(value);
  const limit = FIELD_MAX_CHARS[field];
  if ([...text].length > limit) {
    throw new LetterInputError(
      "letter_too_long",
      field,
      `${field} is longer than ${limit} characters.`,
      limit,
    );
  }
  return text;
}

function lines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

function paragraphs(body: string): string[] {
  const text = clean(body);
  const length = [...text].length;
  if (length > LETTER_BODY_MAX_CHARS) {
    throw new LetterInputError(
      "letter_too_long",
      "body",
      `The letter has ${length} characters; at most ${LETTER_BODY_MAX_CHARS} fit.`,
      LETTER_BODY_MAX_CHARS,
    );
  }
  const result = text
    .split(/\n\s*\n/)
    .map((p) => lines(p).join("\n"))
    .filter((p) => p !== "");
  if (result.length === 0) throw new LetterInputError("letter_empty", "body", "The letter is empty.");
  return result;
}

function languageOf(tag: string): { lang: string; region: string | null; script: string } {
  let locale: Intl.Locale;
  try {
    locale = new Intl.Locale(tag);
  } catch {
    throw new LetterInputError(
      "letter_language_invalid",
      "language",
      `"${tag}" is not a BCP 47 language tag.`,
    );
  }
  // Typst takes ISO 639 codes and two-letter regions only.
  if (!/^[a-z]{2,3}$/.test(locale.language)) {
    throw new LetterInputError("letter_language_invalid", "language", `"${tag}" has no ISO 639 language.`);
  }
  const region = locale.region && /^[A-Z]{2}$/.test(locale.region) ? locale.region : null;
  // The script decides direction and fonts; when the tag does not say it, CLDR's likely
  // subtags do ("ar" → Arab, "zh-TW" → Hant). The region is passed only when given.
  return { lang: locale.language, region, script: locale.maximize().script ?? "Latn" };
}

let compiler: NodeCompiler | undefined;

// One compiler for the process (letters and share images): creating it reads every font, and its
// cache makes the next documents faster. Only the bundled fonts are named in the layouts, so the
// system fonts it also indexes are never used; the bundled ones are indexed first and win any clash.
export function typst(): NodeCompiler {
  compiler ??= NodeCompiler.create({
    workspace: fileURLToPath(new URL(".", TEMPLATE_URL)),
    fontArgs: [{ fontPaths: [FONT_DIR] }],
  });
  return compiler;
}

/** The letter as a PDF; throws LetterInputError for input that cannot make a letter. */
export async function renderLetterPdf(input: LetterInput): Promise<Uint8Array> {
  const { lang, region, script } = languageOf(input.language);
  const dir: Dir = RTL_SCRIPTS.has(script) ? "rtl" : "ltr";
  const primary = PRIMARY_FONT[script] ?? FONTS.latin;
  const senderAddress = lines(capped("sender.address", input.sender?.address ?? ""));
  const address = [
    capped("target.name", input.target.name),
    capped("target.title", input.target.title),
    ...lines(capped("target.postalAddress", input.target.postalAddress)),
  ].filter((line) => line.trim() !== "");
  const data = {
    title: capped("target.name", input.target.name),
    paper: input.paper === "letter" ? "us-letter" : "a4",
    // The window of a #10 envelope sits lower on a Letter page folded in three than a DL one on A4.
    windowTopMm: input.paper === "letter" ? 54 : 50,
    lang,
    region,
    dir,
    fonts: [primary, ...Object.values(FONTS).filter((f) => f !== primary)],
    senderName: capped("sender.name", input.sender?.name ?? "").trim(),
    senderAddress,
    senderAddressDir: ownDirection(senderAddress.join(" "), dir),
    address,
    addressDir: ownDirection(address.join(" "), dir),
    date: capped("date", input.date).trim(),
    paragraphs: paragraphs(input.body),
  };

  // The data travels as a JSON string in sys.inputs and the layout only places its strings as
  // text, so nothing a person typed is ever read as Typst markup or code.
  const c = typst();
  const result = c.compile({ mainFileContent: TEMPLATE, inputs: { letter: JSON.stringify(data) } });
  try {
    const doc = result.result;
    if (result.hasError() || doc === null) {
      const diagnostics = result.takeDiagnostics()?.shortDiagnostics ?? [];
      throw new Error(`Typst could not lay out the letter: ${JSON.stringify(diagnostics)}`);
    }
    const pdf = c.pdf(doc);
    // A plain Uint8Array view (no copy): some consumers, pdf.js among them, refuse a Buffer.
    return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  } finally {
    // Typst memoizes layouts across compilations; evicting old entries keeps memory flat.
    c.evictCache(10);
  }
}
