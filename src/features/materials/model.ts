import type pg from "pg";
import sharp from "sharp";
import { type CaseDetail, cardsAddress, localTarget } from "../../core/catalog/case-details.js";
import type { CampaignInfo, Catalog } from "../../core/catalog/catalog.js";
import { currentCampaign } from "../../core/catalog/current.js";
import { pickText } from "../../core/catalog/texts.js";
import { isUiLocale } from "../../platform/i18n/locales.js";
import { lines } from "./typeset.js";

// What a material shows of a case, in one language. Every material is built from this one
// shape (toMaterialCase, and loadMaterialCase with the photo): the translated per-target fields
// (title, salutation, address lines) and "where solidarity cards go" come from the catalog's
// case details, along the same fallback chain as the case page.

export interface MaterialTarget {
  name: string;
  title: string;
  /** The target's own salutation in this language; '' when none (the language's template is used). */
  salutation: string;
  /** For the language's salutation template; unknown gives the neutral form. */
  gender?: "female" | "male";
  addressLines: string[];
}

export interface MaterialCase {
  campaignId: number;
  campaignTitle: string;
  slug: string;
  /** The language asked for (a BCP 47 tag): the page the QR codes open is in it. */
  language: string;
  /** The language the case's texts are in: the asked one, or its fallback. */
  textLanguage: string;
  title: string;
  summary: string;
  story: string;
  ask: string;
  /** The case's own sample letter in this language; '' when the language's template is used. */
  sampleLetter: string;
  photoAlt: string;
  /** Where solidarity cards go, one line each; empty when the case says nothing. */
  cardsAddress: string[];
  targets: MaterialTarget[];
  /** The case page in `language`, absolute. */
  pageUrl: string;
  /** The case's photo (JPEG), at most PHOTO_WIDTH wide; absent when it has none. */
  photo?: Uint8Array;
}

export interface MaterialSource {
  db: pg.Pool;
  catalog: Catalog;
  publicUrl: string;
  casesOf(campaignId: number): Promise<CaseDetail[]>;
}

/** Wide enough for a poster's photo at print size, small enough to keep PDFs light. */
const PHOTO_WIDTH = 1600;

export const casePageUrl = (publicUrl: string, language: string, slug: string) =>
  `${publicUrl.replace(/\/+$/, "")}/${language}/cases/${slug}`;

/**
 * Whether materials exist in `language` for a case: an interface language (texts then follow
 * the fallback chain, as the case page does), or a language the case itself is published in.
 */
export function servesLanguage(detail: CaseDetail, language: string, campaign: CampaignInfo): boolean {
  if (isUiLocale(language)) return true;
  const picked = pickText(detail.texts, language, campaign.defaultLanguage);
  return picked !== undefined && !picked.isFallback;
}

/**
 * A case as materials show it, from what the catalog holds (no database read): the case page
 * uses it for its letter form. The photo is loadMaterialCase's.
 */
export function toMaterialCase(
  detail: CaseDetail,
  campaign: CampaignInfo,
  language: string,
  publicUrl: string,
): MaterialCase | undefined {
  const picked = pickText(detail.texts, language, campaign.defaultLanguage);
  if (!picked) return undefined;
  const withAlt = Object.fromEntries(
    Object.entries(detail.texts)
      .filter(([, t]) => t.photoAlt.trim() !== "")
      .map(([tag, t]) => [tag, t.photoAlt]),
  );
  return {
    campaignId: campaign.id,
    campaignTitle: campaign.title,
    slug: detail.slug,
    language,
    textLanguage: picked.language,
    title: picked.text.title,
    summary: picked.text.summary,
    story: picked.text.story,
    ask: picked.text.ask,
    sampleLetter: picked.text.sampleLetter,
    photoAlt: pickText(withAlt, language, campaign.defaultLanguage)?.text ?? "",
    cardsAddress: lines(cardsAddress(detail, picked.language, campaign.defaultLanguage)?.text ?? ""),
    // Each target's parts in the text's language where translated, else the source's. A
    // salutation is only used in its own language: a source-language "Dear …" in a Spanish
    // letter would be wrong, so the language's template greets instead.
    targets: detail.targets.map((t) => {
      const local = localTarget(detail, t, picked.language);
      return {
        name: local.name,
        title: local.title.text,
        salutation: local.salutation.language === picked.language ? local.salutation.text : "",
        addressLines: lines(local.postalAddress.text),
      };
    }),
    pageUrl: casePageUrl(publicUrl, language, detail.slug),
  };
}

/** The current edition's case `slug` as materials show it in `language`; undefined when there is none. */
export async function loadMaterialCase(
  source: MaterialSource,
  slug: string,
  language: string,
): Promise<MaterialCase | undefined> {
  const campaign = currentCampaign(source.catalog);
  if (!campaign) return undefined;
  const detail = (await source.casesOf(campaign.id)).find((c) => c.slug === slug);
  if (!detail || !servesLanguage(detail, language, campaign)) return undefined;
  const material = toMaterialCase(detail, campaign, language, source.publicUrl);
  if (!material) return undefined;
  return { ...material, photo: await materialPhoto(source.db, detail) };
}

/** The case's photo as materials carry it: the widest variant up to PHOTO_WIDTH, as JPEG. */
export async function materialPhoto(db: pg.Pool, detail: CaseDetail): Promise<Uint8Array | undefined> {
  const variants = detail.photo?.variants ?? [];
  const variant = variants.filter((v) => v.width <= PHOTO_WIDTH).at(-1) ?? variants[0];
  const photo =
    detail.photo && variant
      ? await db.query<{ bytes: Buffer }>("SELECT bytes FROM case_photos WHERE set_id = $1 AND width = $2", [
          detail.photo.id,
          variant.width,
        ])
      : undefined;
  const webp = photo?.rows[0]?.bytes;
  // As JPEG: a PDF carries JPEG as it is (DCTDecode), where a WebP is decoded and stored as
  // pixels, ten times the size of the photo.
  const jpeg = webp ? await sharp(webp).jpeg({ quality: 85, mozjpeg: true }).toBuffer() : undefined;
  return jpeg ? new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength) : undefined;
}
