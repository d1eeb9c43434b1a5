import countries from "i18n-iso-countries";
import { escapeText } from "./escape.js";
import { isCount } from "./scale.js";

export interface CountryTableOptions {
  /** Says what the table shows, e.g. "Actions per country, w4r-2025". */
  caption: string;
  countryHeader: string;
  countHeader: string;
  /** Localized country name for an ISO 3166-1 alpha-2 code. */
  labelFor(code: string): string;
  formatNumber(n: number): string;
  /** Locale for ordering ties by name (defaults to the runtime's). */
  locale?: string;
}

/**
 * The map's text alternative: every country with actions, most first. It also lists what the map
 * cannot show (territories missing from the atlas), so it is the complete answer, not a summary.
 */
export function renderCountryTable(counts: Record<string, number>, options: CountryTableOptions): string {
  const rows = Object.entries(counts)
    .filter(([code, n]) => /^[A-Z]{2}$/.test(code) && countries.isValid(code) && isCount(n))
    .map(([code, n]) => ({ name: options.labelFor(code), n }))
    .sort((a, b) => b.n - a.n || a.name.localeCompare(b.name, options.locale));

  const body = rows
    .map(
      ({ name, n }) =>
        `<tr><th scope="row">${escapeText(name)}</th><td class="num">${escapeText(options.formatNumber(n))}</td></tr>`,
    )
    .join("");
  return (
    `<table class="country-table"><caption>${escapeText(options.caption)}</caption>` +
    `<thead><tr><th scope="col">${escapeText(options.countryHeader)}</th>` +
    `<th scope="col" class="num">${escapeText(options.countHeader)}</th></tr></thead>` +
    `<tbody>${body}</tbody></table>`
  );
}
