import jsqr from "jsqr";
import * as mupdf from "mupdf";

// jsQR is a CommonJS bundle: its module.exports is the function, which its types describe as an
// ES default export (what NodeNext then types as `jsqr.default`).
const exported: unknown = jsqr;
const jsQR = typeof exported === "function" ? (exported as typeof jsqr.default) : jsqr.default;

// Reading a PDF back as a reader (and a phone's camera) gets it: MuPDF's text layer (it honours
// Typst's /ActualText spans, so Devanagari comes back in logical order), its fonts, the glyphs
// drawn as .notdef (a character no bundled font had), and QR codes decoded with jsQR from the
// page rendered to pixels.

export interface PdfPage {
  width: number;
  height: number;
  text: string;
  /** Each line's text with its box (x0, y0, x1, y1). */
  lines: { text: string; box: [number, number, number, number] }[];
  fonts: string[];
  notdef: number;
}

function fontsOf(doc: mupdf.Document, index: number): string[] {
  const fonts: string[] = [];
  doc
    .asPDF()
    ?.findPage(index)
    .get("Resources", "Font")
    .forEach((font) => {
      fonts.push(
        font
          .get("BaseFont")
          .asName()
          .replace(/^[A-Z]{6}\+/, "")
          .replace(/-Identity-H$/, ""),
      );
    });
  return fonts;
}

export function readPdf(pdf: Uint8Array): PdfPage[] {
  const doc = mupdf.Document.openDocument(pdf, "application/pdf");
  const pages: PdfPage[] = [];
  for (let i = 0; i < doc.countPages(); i++) {
    const page = doc.loadPage(i);
    const [x0, y0, x1, y1] = page.getBounds();
    const lines: PdfPage["lines"] = [];
    page.toStructuredText("preserve-whitespace").walk({
      beginLine: (bbox) => lines.push({ text: "", box: [bbox[0], bbox[1], bbox[2], bbox[3]] }),
      onChar: (c) => {
        const line = lines.at(-1);
        if (line) line.text += c;
      },
    });
    let notdef = 0;
    const device = new mupdf.Device({
      fillText: (text) =>
        text.walk({
          showGlyph: (_font, _trm, glyph) => {
            if (glyph === 0) notdef++;
          },
        }),
    });
    page.run(device, mupdf.Matrix.identity);
    device.close();
    pages.push({
      width: x1 - x0,
      height: y1 - y0,
      text: lines.map((l) => l.text).join("\n"),
      lines,
      fonts: fontsOf(doc, i),
      notdef,
    });
  }
  return pages;
}

/** The QR code on a page, decoded from the page rendered at `dpi`; null when none is found. */
export function decodeQr(pdf: Uint8Array, index = 0, dpi = 200): string | null {
  const doc = mupdf.Document.openDocument(pdf, "application/pdf");
  const scale = dpi / 72;
  const pix = doc
    .loadPage(index)
    .toPixmap(mupdf.Matrix.scale(scale, scale), mupdf.ColorSpace.DeviceRGB, false);
  const [w, h, stride] = [pix.getWidth(), pix.getHeight(), pix.getStride()];
  const rgb = pix.getPixels();
  // jsQR reads RGBA: the page is opaque, on white.
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const from = y * stride + x * 3;
      const to = (y * w + x) * 4;
      rgba[to] = rgb[from] ?? 255;
      rgba[to + 1] = rgb[from + 1] ?? 255;
      rgba[to + 2] = rgb[from + 2] ?? 255;
      rgba[to + 3] = 255;
    }
  return jsQR(rgba, w, h)?.data ?? null;
}

/** Text compared as a reader reads it: compatibility forms folded, whitespace ignored. */
export const squash = (text: string) => text.normalize("NFKC").replace(/\s+/g, "");

/** Letters-and-marks words and digit runs, in order (for right-to-left text, see assertWords). */
export const words = (text: string): string[] =>
  text.normalize("NFKC").match(/\p{L}[\p{L}\p{M}]*|\p{N}+/gu) ?? [];
