import type { Paper } from "./documents.js";

// Which paper a material is printed on when nobody says: US Letter where it is the paper in
// use, A4 everywhere else. The territories are CLDR's (supplementalData.xml, measurementData:
// paperSize type="US-Letter"), the list browsers and print dialogs use.

export const LETTER_TERRITORIES: ReadonlySet<string> = new Set([
  "BZ",
  "CA",
  "CL",
  "CO",
  "CR",
  "GT",
  "MX",
  "NI",
  "PA",
  "PH",
  "PR",
  "SV",
  "US",
  "VE",
]);

/** The paper of a country (ISO 3166-1 alpha-2); A4 for any other or none. */
export const paperOfRegion = (region: string | null | undefined): Paper =>
  region && LETTER_TERRITORIES.has(region.toUpperCase()) ? "letter" : "a4";

/** The region a language tag names (`es-MX` → MX), or null (`es`, `zh-Hant`, a bad tag). */
export function regionOf(tag: string): string | null {
  try {
    const region = new Intl.Locale(tag).region;
    return region && /^[A-Z]{2}$/.test(region) ? region : null;
  } catch {
    return null;
  }
}

/**
 * The paper a public material is printed on when the address has no `?paper=`: the region of
 * the address's language (`/es-MX/…` → Letter); else the region of the reader's first language
 * (`Accept-Language: en-US,en` → Letter), so a reader in the United States or Mexico following a
 * plain link gets the paper in their printer; else A4. `varies` says the answer depended on the
 * reader (the response then says `Vary: Accept-Language`).
 */
export function defaultPaper(
  language: string,
  acceptLanguage: string | undefined,
): { paper: Paper; varies: boolean } {
  const own = regionOf(language);
  if (own) return { paper: paperOfRegion(own), varies: false };
  const first = acceptLanguage?.split(",")[0]?.split(";")[0]?.trim();
  return { paper: paperOfRegion(first ? regionOf(first) : null), varies: true };
}

/**
 * A section's pack: US Letter for a section in a Letter country (United States, Canada, Mexico,
 * the Philippines …) or for a language of such a region (es-US), A4 for the others.
 */
export const packPaper = (country: string, language: string): "a4" | "letter" =>
  paperOfRegion(country) === "letter" || paperOfRegion(regionOf(language)) === "letter" ? "letter" : "a4";
