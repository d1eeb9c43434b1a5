import { match } from "@formatjs/intl-localematcher";
import { DEFAULT_LOCALE, isUiLocale, UI_LOCALES, type UiLocale } from "../../platform/i18n/locales.js";
import { type Messages, messagesFor } from "../../platform/i18n/messages.js";
import type { MaterialCase, MaterialTarget } from "./model.js";
import { paragraphs } from "./typeset.js";

// The words a material adds around the case's own texts (headings, the letter's salutation and
// closing, instructions), from the interface catalogs (messages/). A language without a
// catalog of its own (hi, ca, …) gets them in the interface language its fallback chain
// reaches, and the layouts mark that part with its own language.

/** The interface language for a material in `language`: itself, its base language, else the default. */
export function chromeLocale(language: string, campaignDefault = DEFAULT_LOCALE): UiLocale {
  if (isUiLocale(language)) return language;
  try {
    const found = match([language, campaignDefault], [...UI_LOCALES], DEFAULT_LOCALE);
    return isUiLocale(found) ? found : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

export const wordingFor = (language: string): Messages => messagesFor(chromeLocale(language));

/** The salutation of a letter to `target`: its own when it has one, else the language's template. */
export function salutationFor(m: Messages, target: MaterialTarget): string {
  if (target.salutation.trim() !== "") return target.salutation.trim();
  return m.t("materials.letter.salutation", {
    gender: target.gender ?? "other",
    name: target.name,
    title: target.title,
  });
}

/** A greeting: one short line ending as greetings do, in any of the scripts used. */
const GREETING = /^[^\n]{1,160}[,:!،：！]$/u;

export interface AppealLetter {
  salutation: string;
  /** The letter below the salutation, closing included. */
  body: string[];
}

/**
 * The appeal letter to one target. The case's own sample letter when it has one (its greeting
 * line, if it starts with one, gives way to this target's salutation), else the language's
 * template around the ask.
 */
export function appealLetter(m: Messages, c: MaterialCase, target: MaterialTarget): AppealLetter {
  const salutation = salutationFor(m, target);
  const own = paragraphs(c.sampleLetter);
  if (own.length > 0) {
    const [first, ...rest] = own;
    return { salutation, body: first !== undefined && GREETING.test(first) ? rest : own };
  }
  return {
    salutation,
    body: [
      m.t("materials.letter.intro", { name: c.title }),
      ...paragraphs(c.ask),
      m.t("materials.letter.closing"),
    ],
  };
}

/** The letter as one editable text (the case page's form): salutation, then the body. */
export function appealLetterText(m: Messages, c: MaterialCase, target: MaterialTarget): string {
  const letter = appealLetter(m, c, target);
  return [letter.salutation, ...letter.body].join("\n\n");
}

/**
 * A letter typed from the case page's form, addressed to another target than the first: the
 * first target's salutation, if the letter still starts with it, becomes the chosen one's.
 */
export function readdressed(body: string, from: string, to: string): string {
  const trimmed = body.replace(/\r\n?/g, "\n").replace(/^\s+/, "");
  return from !== "" && trimmed.startsWith(`${from}\n`) ? `${to}${trimmed.slice(from.length)}` : body;
}

/** Today's date as the language writes it (Intl, CLDR): in the letter's language, not the chrome's. */
export function letterDate(language: string, now: Date): string {
  try {
    return new Intl.DateTimeFormat(language, { dateStyle: "long", timeZone: "UTC" }).format(now);
  } catch {
    return new Intl.DateTimeFormat(DEFAULT_LOCALE, { dateStyle: "long", timeZone: "UTC" }).format(now);
  }
}
