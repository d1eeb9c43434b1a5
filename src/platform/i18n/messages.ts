import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import countries from "i18n-iso-countries";
import { IntlMessageFormat } from "intl-messageformat";
import { DEFAULT_LOCALE, UI_LOCALES, type UiLocale } from "./locales.js";

// Interface strings are ICU MessageFormat messages: one JSON catalog per locale in catalogs/ for
// the shared page chrome, and each feature's own keys in src/features/<feature>/messages/.
// English is the reference: every catalog has exactly its keys (a test enforces it).

const CATALOG_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "catalogs");
// Found by folder, not imported: the platform knows no feature, features bring their messages.
const FEATURES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "features");

export type Catalog = Record<string, string>;

/**
 * A locale's catalog: `catalogs/<locale>.json` merged with every
 * `features/<feature>/messages/<locale>.json`, so features keep their strings apart. A key defined twice is a mistake and fails loudly.
 */
export function loadCatalog(locale: string): Catalog {
  const files = [
    path.join(CATALOG_DIR, `${locale}.json`),
    ...readdirSync(FEATURES_DIR, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((dir) => path.join(FEATURES_DIR, dir.name, "messages", `${locale}.json`))
      .filter((file) => existsSync(file)),
  ];
  const catalog: Catalog = {};
  for (const file of files) {
    for (const [key, message] of Object.entries(JSON.parse(readFileSync(file, "utf8")) as Catalog)) {
      if (key in catalog) throw new Error(`Message "${key}" is defined twice for ${locale} (${file})`);
      catalog[key] = message;
    }
  }
  return catalog;
}

// A missing message falls back to English at run time rather than breaking a page; the
// catalog test keeps that from shipping.
const catalogs = new Map<UiLocale, Catalog>(
  UI_LOCALES.filter((l) => existsSync(path.join(CATALOG_DIR, `${l}.json`))).map((l) => [l, loadCatalog(l)]),
);
const compiled = new Map<string, IntlMessageFormat>();

// Messages imported in the back office (translation exchange) win over the shipped catalogs.
// They are read from the database with the catalog, so every node swaps them at once.
let overrides = new Map<string, Catalog>();

/** Replaces the imported messages (locale → key → message); compiled messages are dropped. */
export function setMessageOverrides(next: Map<string, Catalog>): void {
  overrides = next;
  compiled.clear();
}

/** A locale's message as pages show it: the imported one, else the shipped one. */
export function effectiveMessage(locale: string, key: string): string | undefined {
  return overrides.get(locale)?.[key] ?? catalogs.get(locale as UiLocale)?.[key];
}

// i18n-iso-countries has no script subtags: Simplified Chinese names are its "zh".
const COUNTRY_LANGUAGE: Record<UiLocale, string> = {
  en: "en",
  es: "es",
  fr: "fr",
  pl: "pl",
  ar: "ar",
  "zh-Hans": "zh",
  ru: "ru",
};
for (const language of new Set(Object.values(COUNTRY_LANGUAGE))) {
  countries.registerLocale(
    JSON.parse(
      readFileSync(fileURLToPath(import.meta.resolve(`i18n-iso-countries/langs/${language}.json`)), "utf8"),
    ),
  );
}

export interface Messages {
  locale: UiLocale;
  t(key: string, values?: Record<string, string | number | Date>): string;
  number(n: number): string;
  percent(ratio: number): string;
  date(d: Date): string;
  /** A moment in UTC: the time of day, with the date when it is not today's. */
  moment(d: Date, now?: Date): string;
  country(code: string): string;
  /** The message for a count in each plural category of the locale, for scripts that update numbers. */
  pluralForms(key: string): Record<string, string>;
}

const SAMPLES = [0, 1, 2, 3, 5, 11, 21, 22, 25, 100, 101, 102, 0.5];

// Building a language's formatters (five Intl objects) costs more than serving a shared page
// from memory: each language's Messages is built once (it holds no state of its own).
const built = new Map<UiLocale, Messages>();

export function messagesFor(locale: UiLocale): Messages {
  let messages = built.get(locale);
  if (!messages) {
    messages = buildMessages(locale);
    built.set(locale, messages);
  }
  return messages;
}

function buildMessages(locale: UiLocale): Messages {
  const catalog = catalogs.get(locale) ?? (catalogs.get(DEFAULT_LOCALE) as Catalog);
  const numbers = new Intl.NumberFormat(locale);
  const percents = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" });
  const times = new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone: "UTC" });
  const moments = new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "UTC",
  });
  return {
    locale,
    t(key, values) {
      const id = `${locale}\u0000${key}`;
      let format = compiled.get(id);
      if (!format) {
        const source = overrides.get(locale)?.[key] ?? catalog[key] ?? catalogs.get(DEFAULT_LOCALE)?.[key];
        if (source === undefined) throw new Error(`Missing message "${key}"`);
        format = new IntlMessageFormat(source, locale);
        compiled.set(id, format);
      }
      return String(format.format(values));
    },
    number: (n) => numbers.format(n),
    percent: (ratio) => percents.format(ratio),
    date: (d) => dates.format(d),
    moment: (d, now = new Date()) =>
      d.toISOString().slice(0, 10) === now.toISOString().slice(0, 10) ? times.format(d) : moments.format(d),
    pluralForms(key) {
      const rules = new Intl.PluralRules(locale);
      const forms: Record<string, string> = {};
      for (const n of SAMPLES) {
        const category = rules.select(n);
        if (!(category in forms)) forms[category] = this.t(key, { count: n });
      }
      return forms;
    },
    country: (code) =>
      countries.getName(code, COUNTRY_LANGUAGE[locale]) ?? countries.getName(code, "en") ?? code,
  };
}
