import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";

// The languages the public site's interface is available in. Case texts may exist in many
// more languages (sections translate them); those fall back along the chain in cases/texts.ts.
export const UI_LOCALES = ["en", "es", "fr", "pl", "ar", "zh-Hans", "ru"] as const;
export type UiLocale = (typeof UI_LOCALES)[number];
export const DEFAULT_LOCALE: UiLocale = "en";

const RTL_LANGUAGES = new Set(["ar", "fa", "he", "ur", "ps", "dv", "yi"]);

export function isUiLocale(tag: string): tag is UiLocale {
  return (UI_LOCALES as readonly string[]).includes(tag);
}

export function direction(locale: string): "rtl" | "ltr" {
  return RTL_LANGUAGES.has(locale.split("-")[0]?.toLowerCase() ?? "") ? "rtl" : "ltr";
}

/**
 * The interface language that serves readers of one language tag (ca → es, be → ru, zh → zh-Hans),
 * by CLDR's language distances; undefined when none is close enough (de, zh-TW).
 */
export function closeUiLocale(tag: string): UiLocale | undefined {
  try {
    // "und" is no interface language: it stands for "none close enough".
    const found = match([tag], [...UI_LOCALES], "und");
    return isUiLocale(found) ? found : undefined;
  } catch {
    return undefined;
  }
}

/** The best interface language for an Accept-Language header (zh-CN → zh-Hans, es-MX → es). */
export function negotiateLocale(acceptLanguage: string | undefined): UiLocale {
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const requested = new Negotiator({ headers: { "accept-language": acceptLanguage } }).languages();
  try {
    return match(requested, [...UI_LOCALES], DEFAULT_LOCALE) as UiLocale;
  } catch {
    // Malformed tags in the header: ignore them rather than fail the page.
    return DEFAULT_LOCALE;
  }
}
