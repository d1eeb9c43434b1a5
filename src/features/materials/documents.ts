import type { MaterialCase } from "./model.js";
import { qrSvg } from "./qr.js";
import { clean, languageSpec, paragraphs, type Typeset, typeset } from "./typeset.js";
import { appealLetter, letterDate, wordingFor } from "./wording.js";

// The five materials as PDFs, each from a MaterialCase (or the event kit's text) and its layout
// in layouts/. The texts are the case's, in its language; the words around them are the
// interface catalog's (wording.ts), in the chrome's language.

export type Paper = "a4" | "letter" | "a3";
const TYPST_PAPER: Record<Paper, string> = { a4: "a4", letter: "us-letter", a3: "a3" };

/** Body sizes tried in turn until a material fits its pages (pt). */
const SIZES = [10.5, 9.5, 8.5, 7.5];

// A letter is in one language: its salutation and closing follow the case's texts (a Spanish
// reader given the English text gets an English letter), the instructions around follow the reader.
function specs(c: { language: string; textLanguage: string }) {
  const m = wordingFor(c.language);
  const letter = wordingFor(c.textLanguage);
  return { m, letter, chrome: languageSpec(m.locale), content: languageSpec(c.textLanguage) };
}

/** The photo as the layouts open it; Typst tells JPEG, PNG and WebP apart by their bytes. */
const imagesOf = (c: MaterialCase): Record<string, Uint8Array> => (c.photo ? { "photo.img": c.photo } : {});

/** The largest size at which the layout fits `maxPages`; the smallest when none does. */
function fitting(maxPages: number, make: (size: number) => Typeset): Typeset {
  let last: Typeset | undefined;
  for (const size of SIZES) {
    last = make(size);
    if (last.pages <= maxPages) return last;
  }
  return last as Typeset;
}

export const CASE_SHEET_MAX_PAGES = 2;

/** The case sheet: photo, story, the ask, each target's salutation and address, how to send, a QR code. */
export async function renderCaseSheet(c: MaterialCase, paper: "a4" | "letter"): Promise<Uint8Array> {
  const { m, letter, chrome, content } = specs(c);
  const data = {
    paper: TYPST_PAPER[paper],
    chrome,
    content,
    campaign: clean(c.campaignTitle),
    title: clean(c.title),
    summary: clean(c.summary),
    story: paragraphs(c.story),
    ask: paragraphs(c.ask),
    photoAlt: clean(c.photoAlt),
    targets: c.targets.map((t) => ({
      salutation: clean(appealLetter(letter, c, t).salutation),
      address: [t.title, t.name, ...t.addressLines].map(clean).filter((l) => l !== ""),
    })),
    cardsAddress: c.cardsAddress.map(clean),
    qr: await qrSvg(c.pageUrl),
    url: c.pageUrl,
    labels: {
      story: m.t("materials.sheet.story"),
      ask: m.t("materials.sheet.ask"),
      targets: m.t("materials.sheet.targets"),
      howToSend: m.t("materials.sheet.howToSend"),
      sendLetters: m.t("materials.sheet.sendLetters"),
      cards: m.t(c.cardsAddress.length > 0 ? "materials.sheet.sendCards" : "materials.sheet.noCards"),
      qr: m.t("materials.qr.case"),
    },
  };
  const images = imagesOf(c);
  return fitting(CASE_SHEET_MAX_PAGES, (size) => typeset("case-sheet.typ", { ...data, size }, images)).pdf;
}

const STRONG_RTL = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}]/u;
const STRONG = /\p{L}/u;
/** The direction of a text on its own, by its first strong character (Unicode bidi P2–P3). */
function ownDirection(text: string, fallback: "ltr" | "rtl"): "ltr" | "rtl" {
  const first = STRONG.exec(text)?.[0];
  if (first === undefined) return fallback;
  return STRONG_RTL.test(first) ? "rtl" : "ltr";
}

/** One page per target: its address, the date, its salutation, the letter, a sender block to fill in. */
export async function renderAppealLetters(
  c: MaterialCase,
  paper: "a4" | "letter",
  now: Date,
): Promise<Uint8Array> {
  const { m, letter: words, chrome, content } = specs(c);
  const data = {
    paper: TYPST_PAPER[paper],
    // The window of a #10 envelope sits lower on a Letter page folded in three than a DL one on A4.
    windowTopMm: paper === "letter" ? 54 : 50,
    chrome,
    content,
    title: clean(c.title),
    date: letterDate(c.textLanguage, now),
    letters: c.targets.map((t) => {
      const letter = appealLetter(words, c, t);
      const address = [t.title, t.name, ...t.addressLines].map(clean).filter((l) => l !== "");
      return {
        address,
        addressDir: ownDirection(address.join(" "), content.dir),
        salutation: clean(letter.salutation),
        body: letter.body.map(clean),
      };
    }),
    labels: {
      sender: [m.t("materials.letter.senderName"), m.t("materials.letter.senderAddress"), ""],
      signature: m.t("materials.letter.signature"),
    },
  };
  const pages = Math.max(1, c.targets.length);
  return fitting(pages, (size) => typeset("letters.typ", { ...data, size })).pdf;
}

/** Four cards a sheet: the message side, then the address side (where solidarity cards go). */
export async function renderSolidarityCards(c: MaterialCase, paper: "a4" | "letter"): Promise<Uint8Array> {
  const { m, chrome, content } = specs(c);
  const data = {
    paper: TYPST_PAPER[paper],
    chrome,
    content,
    title: clean(c.title),
    campaign: clean(c.campaignTitle),
    // Quarter-Letter cards are 9 mm shorter than A6.
    rules: paper === "letter" ? 9 : 10,
    cardsAddress: c.cardsAddress.map(clean),
    labels: {
      message: m.t("materials.cards.message", { name: clean(c.title) }),
      hint: m.t("materials.cards.hint"),
      to: m.t("materials.cards.to"),
      stamp: m.t("materials.cards.stamp"),
    },
  };
  return typeset("cards.typ", data).pdf;
}

/** The poster: photo, name, the ask on one line, a QR code to the case page. */
export async function renderPoster(c: MaterialCase, paper: Paper): Promise<Uint8Array> {
  const { m, chrome, content } = specs(c);
  const data = {
    paper: TYPST_PAPER[paper],
    // Type grows with the sheet: A3 is A4 scaled by √2.
    scale: paper === "a3" ? Math.SQRT2 : 1,
    chrome,
    content,
    title: clean(c.title),
    campaign: clean(c.campaignTitle),
    // The ask's first paragraph, on one line.
    ask: (paragraphs(c.ask)[0] ?? "").replace(/\s+/g, " "),
    photoAlt: clean(c.photoAlt),
    qr: await qrSvg(c.pageUrl),
    url: c.pageUrl,
    labels: { act: m.t("materials.poster.act") },
  };
  return typeset("poster.typ", data, imagesOf(c)).pdf;
}

export interface EventKit {
  campaignTitle: string;
  /** The language asked for: the words around the text follow it (wording.ts). */
  language: string;
  /** The how-to, paragraphs separated by blank lines, and the language it is written in. */
  text: string;
  textLanguage: string;
  /** Where organizers report their event's letters. */
  reportUrl: string;
}

/** How to run a letter-writing event, and a QR code to the page that takes its report. */
export async function renderEventKit(kit: EventKit, paper: "a4" | "letter"): Promise<Uint8Array> {
  const m = wordingFor(kit.language);
  const data = {
    paper: TYPST_PAPER[paper],
    chrome: languageSpec(m.locale),
    kit: languageSpec(kit.textLanguage),
    title: m.t("materials.kit.title"),
    campaign: clean(kit.campaignTitle),
    text: paragraphs(kit.text),
    qr: await qrSvg(kit.reportUrl),
    url: kit.reportUrl,
    labels: { report: m.t("materials.kit.report"), reportHow: m.t("materials.kit.reportHow") },
  };
  return typeset("event-kit.typ", data).pdf;
}
