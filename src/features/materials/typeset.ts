import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { FONTS, PRIMARY_FONT, RTL_SCRIPTS, typst } from "./letter-pdf.js";

// What every material shares: how a language becomes the settings Typst needs (ISO code,
// direction, the bundled fonts with the script's own first), how text is cleaned before it
// travels as JSON, and one compile call that also carries images as in-memory files.

/** A part of a document in one language: Typst's `text` settings for it. */
export interface LanguageSpec {
  lang: string;
  region: string | null;
  dir: "ltr" | "rtl";
  fonts: string[];
}

/** Typst's settings for a BCP 47 tag; the script decides fonts and direction (CLDR likely subtags). */
export function languageSpec(tag: string): LanguageSpec {
  const locale = new Intl.Locale(tag);
  const script = locale.maximize().script ?? "Latn";
  const primary = PRIMARY_FONT[script] ?? FONTS.latin;
  const region = locale.region && /^[A-Z]{2}$/.test(locale.region) ? locale.region : null;
  return {
    lang: locale.language,
    region,
    dir: RTL_SCRIPTS.has(script) ? "rtl" : "ltr",
    fonts: [primary, ...Object.values(FONTS).filter((f) => f !== primary)],
  };
}

// Control characters other than the line feed mean nothing on paper, and a lone surrogate
// cannot travel through JSON; NFC gives the shaper one spelling of each letter.
export function clean(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, " ")
    .replace(/[^\P{Cc}\n]/gu, "")
    .replace(/\p{Cs}/gu, "\uFFFD")
    .normalize("NFC")
    .trim();
}

/** Paragraphs (separated by blank lines), each with its lines trimmed. */
export function paragraphs(text: string): string[] {
  return clean(text)
    .split(/\n\s*\n/)
    .map((p) =>
      p
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== "")
        .join("\n"),
    )
    .filter((p) => p !== "");
}

export const lines = (text: string): string[] =>
  clean(text)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");

const WORKSPACE = fileURLToPath(new URL(".", import.meta.url));
const LAYOUTS = new URL("./layouts/", import.meta.url);

/** A layout's Typst source, by file name in layouts/. */
export const layoutPath = (name: string) => fileURLToPath(new URL(name, LAYOUTS));

export interface Typeset {
  pdf: Uint8Array;
  pages: number;
}

/**
 * Compiles a layout with its data (one JSON string, read by the layout as `sys.inputs.data`)
 * and images (in-memory files the layout opens by the names given here, e.g. "photo.webp").
 * Compilation is synchronous, so the files mapped for one document are never seen by another.
 */
export function typeset(layout: string, data: unknown, images: Record<string, Uint8Array> = {}): Typeset {
  const c = typst();
  const mapped: string[] = [];
  // Files are named by their content: Typst's caches key on the path.
  const names: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(images)) {
    const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
    const path = `${WORKSPACE}__images/${hash}-${name}`;
    c.mapShadow(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    mapped.push(path);
    // The layout finds it by the name without its extension: `images.photo`.
    names[name.replace(/\.[^.]+$/, "")] = `/__images/${hash}-${name}`;
  }
  try {
    const result = c.compile({
      mainFilePath: layoutPath(layout),
      inputs: { data: JSON.stringify(data), images: JSON.stringify(names) },
    });
    const doc = result.result;
    if (result.hasError() || doc === null) {
      const diagnostics = result.takeDiagnostics()?.shortDiagnostics ?? [];
      throw new Error(`Typst could not lay out ${layout}: ${JSON.stringify(diagnostics)}`);
    }
    // A warning (an unknown font family, an image it could not read as given) means the PDF is
    // not what the layout says: refused rather than served.
    const warnings = result.takeWarnings()?.shortDiagnostics ?? [];
    if (warnings.length > 0)
      throw new Error(`Typst warned laying out ${layout}: ${JSON.stringify(warnings)}`);
    const pages = doc.numOfPages;
    const pdf = c.pdf(doc);
    return { pdf: new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength), pages };
  } finally {
    for (const path of mapped) c.unmapShadow(path);
    c.evictCache(10);
  }
}
