import Negotiator from "negotiator";
import { closeUiLocale, DEFAULT_LOCALE, type UiLocale } from "../../platform/i18n/locales.js";

// Which interface language a section's page speaks when its URL has no language prefix.
//
// A section's landing is the section talking to its own public, so its own language comes
// first — but never against what the visitor's browser says:
//   1. the visitor's most preferred language that the section also works in (a Canadian
//      reader with "fr-CA, en" gets French, with "en, fr" English);
//   2. else any interface language the visitor asks for (an English reader on the Polish
//      section's page gets English: the header said otherwise);
//   3. else — no header, "*", or only languages we have no interface for — the section's
//      first language, if we have an interface for it (es-ES → es);
//   4. else English, like every other page.
// Only the section's *first* language is presumed in step 3: Belgium's is Dutch, which has no
// interface, and guessing French for every Belgian would be the wrong guess for half of them.

/** The interface language for one BCP 47 tag (es-MX → es, zh-CN → zh-Hans), if there is one. */
export const uiLocaleOf = (tag: string): UiLocale | undefined => closeUiLocale(tag);

export function sectionLocale(acceptLanguage: string | undefined, sectionLanguages: string[]): UiLocale {
  const requested = acceptLanguage
    ? new Negotiator({ headers: { "accept-language": acceptLanguage } }).languages().filter((l) => l !== "*")
    : [];
  const spoken = new Set(sectionLanguages.map(uiLocaleOf));
  for (const tag of requested) {
    const locale = uiLocaleOf(tag);
    if (locale && spoken.has(locale)) return locale;
  }
  for (const tag of requested) {
    const locale = uiLocaleOf(tag);
    if (locale) return locale;
  }
  const first = sectionLanguages[0];
  return (first ? uiLocaleOf(first) : undefined) ?? DEFAULT_LOCALE;
}
