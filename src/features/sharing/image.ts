import { readFileSync } from "node:fs";
import sharp, { type OverlayOptions } from "sharp";
import { FONTS, PRIMARY_FONT, RTL_SCRIPTS, typst } from "../materials/index.js";

// A share image (og:image): 1200 × 630 PNG with the case's photo, its name, the ask on one line
// and the count. Typst lays the text out with the bundled Noto fonts (as for printed letters:
// HarfBuzz shaping, bidi, CJK, nothing taken from the server's fonts) and writes it as an SVG of
// glyph outlines, so librsvg inside sharp rasterises it without needing any font at all; sharp
// then puts the photo and the text on the background.

export const SHARE_WIDTH = 1200;
export const SHARE_HEIGHT = 630;
const PHOTO_WIDTH = 480;
const MARGIN = 56;
const INK = "#1b1b1f";
const ACCENT = "#ffdd00";

const TEMPLATE = readFileSync(new URL("./card.typ", import.meta.url), "utf8");

export interface ShareCard {
  /** The language of the texts (a BCP 47 tag): picks the fonts and the direction. */
  language: string;
  site: string;
  title: string;
  line: string;
  count: string;
  countLabel: string;
  /** The photo, in any format sharp reads (case photos are WebP). */
  photo?: Buffer;
}

function script(tag: string): { lang: string; script: string } {
  const locale = new Intl.Locale(tag);
  return { lang: locale.language, script: locale.maximize().script ?? "Latn" };
}

// Control characters mean nothing in an image, and a lone surrogate cannot travel through JSON.
const clean = (text: string) =>
  text
    .replace(/\s+/g, " ")
    .replace(/\p{Cc}/gu, "")
    .replace(/\p{Cs}/gu, "\uFFFD")
    .normalize("NFC")
    .trim();

/** The text layer, as SVG: glyph outlines, no fonts needed to draw it. */
function textLayer(card: ShareCard, rtl: boolean): string {
  const { lang, script: s } = script(card.language);
  const primary = PRIMARY_FONT[s] ?? FONTS.latin;
  const photoSide = card.photo ? PHOTO_WIDTH : 0;
  const width = SHARE_WIDTH - photoSide - 2 * MARGIN;
  const data = {
    dir: rtl ? "rtl" : "ltr",
    lang,
    fonts: [primary, ...Object.values(FONTS).filter((f) => f !== primary)],
    // The photo is on the start side: left in left-to-right languages, right in right-to-left.
    x: rtl ? MARGIN : photoSide + MARGIN,
    width,
    site: clean(card.site),
    title: clean(card.title),
    line: clean(card.line),
    count: clean(card.count),
    countLabel: clean(card.countLabel),
  };
  const c = typst();
  const result = c.compile({ mainFileContent: TEMPLATE, inputs: { card: JSON.stringify(data) } });
  try {
    const doc = result.result;
    if (result.hasError() || doc === null) {
      const diagnostics = result.takeDiagnostics()?.shortDiagnostics ?? [];
      throw new Error(`Typst could not lay out the share image: ${JSON.stringify(diagnostics)}`);
    }
    return c.plainSvg(doc);
  } finally {
    c.evictCache(10);
  }
}

/**
 * The image as PNG. PNG rather than WebP: X and Facebook take both, but WhatsApp's and LinkedIn's
 * previews are documented for JPEG and PNG only. A 256-colour palette (libimagequant, dithered)
 * keeps it well under WhatsApp's ~300 KB limit for preview images, with a photo too.
 */
export async function renderShareImage(card: ShareCard): Promise<Buffer> {
  const rtl = RTL_SCRIPTS.has(script(card.language).script);
  const layers: OverlayOptions[] = [];
  if (card.photo) {
    const photo = await sharp(card.photo)
      .resize(PHOTO_WIDTH, SHARE_HEIGHT, { fit: "cover", position: "attention" })
      .toBuffer();
    layers.push({ input: photo, left: rtl ? SHARE_WIDTH - PHOTO_WIDTH : 0, top: 0 });
  }
  // A band of the campaign's yellow along the bottom edge.
  layers.push({
    input: { create: { width: SHARE_WIDTH, height: 12, channels: 4, background: ACCENT } },
    left: 0,
    top: SHARE_HEIGHT - 12,
  });
  layers.push({ input: Buffer.from(textLayer(card, rtl)), left: 0, top: 0 });
  return sharp({ create: { width: SHARE_WIDTH, height: SHARE_HEIGHT, channels: 3, background: INK } })
    .composite(layers)
    .png({ palette: true, quality: 80, effort: 4, compressionLevel: 9 })
    .toBuffer();
}
