import type pg from "pg";
import { pickText } from "./texts.js";

export interface CaseText {
  title: string;
  summary: string;
  story: string;
  ask: string;
  /** The case's own sample letter in this language; '' when the site's default is used. */
  sampleLetter: string;
  /** What the photo shows, for readers who cannot see it; '' when not written. */
  photoAlt: string;
  /** Where solidarity cards go; '' when not written. */
  cardsAddress: string;
}

/** A target's texts in one language ('' for a part not translated). */
export interface TargetText {
  title: string;
  salutation: string;
  postalAddress: string;
}

export interface TargetRow extends TargetText {
  id: number;
  name: string;
  email: string | null;
  /** The approved translations of its title, salutation and address, by language. */
  texts: Record<string, TargetText>;
}

export interface PhotoVariant {
  width: number;
  height: number;
  url: string;
}

export interface CasePhoto {
  id: string;
  /** Narrowest first. */
  variants: PhotoVariant[];
}

export interface CaseDetail {
  id: number;
  slug: string;
  country: string;
  /** The language the case is written in; its targets' own fields are in it. */
  sourceLanguage: string;
  /** Only the languages approved for the public site. */
  texts: Record<string, CaseText>;
  targets: TargetRow[];
  photo: CasePhoto | null;
}

export const photoUrl = (id: string, width: number) => `/photos/${id}/${width}.webp`;

/** One text and the language it is in (a part may fall back to the source language). */
export interface LocalText {
  text: string;
  language: string;
}

/**
 * A target's title, salutation and address for a reader of the case in `language` (one of the
 * case's public languages): each part in that language when it is translated and approved,
 * else in the case's source language — so every part says which language it is in.
 */
export function localTarget(
  detail: CaseDetail,
  target: TargetRow,
  language: string,
): Record<keyof TargetText, LocalText> & { name: string } {
  const translated = language === detail.sourceLanguage ? undefined : target.texts[language];
  const part = (key: keyof TargetText): LocalText => {
    const text = translated?.[key] ?? "";
    return text !== "" ? { text, language } : { text: target[key], language: detail.sourceLanguage };
  };
  return {
    name: target.name,
    title: part("title"),
    salutation: part("salutation"),
    postalAddress: part("postalAddress"),
  };
}

/** Where solidarity cards go, in the reader's language if it is written there, else the source's. */
export function cardsAddress(
  detail: CaseDetail,
  language: string,
  campaignDefault: string,
): LocalText | undefined {
  const written = Object.fromEntries(
    Object.entries(detail.texts)
      .filter(([, t]) => t.cardsAddress.trim() !== "")
      .map(([tag, t]) => [tag, t.cardsAddress]),
  );
  const picked = pickText(written, language, campaignDefault);
  return picked ? { text: picked.text, language: picked.language } : undefined;
}

const CASE_COLUMNS: Record<string, keyof CaseText> = {
  title: "title",
  summary: "summary",
  story: "story",
  ask: "ask",
  sample_letter: "sampleLetter",
  photo_alt: "photoAlt",
  cards_address: "cardsAddress",
};
const TARGET_PARTS: Record<string, keyof TargetText> = {
  title: "title",
  salutation: "salutation",
  address: "postalAddress",
};

/**
 * The published cases an edition features, with their public texts, targets and photo. A
 * translation shows what was approved of it (case_text_fields.published_text), which stays
 * while its source moves on; texts from before the back office have no field rows and show as
 * they are.
 */
export async function casesOfCampaign(db: pg.Pool, campaignId: number): Promise<CaseDetail[]> {
  const [cases, texts, published, targets, photos] = await Promise.all([
    db.query(
      `SELECT c.id, c.slug, c.country, c.photo_id, c.source_language
         FROM campaign_cases cc JOIN cases c ON c.id = cc.case_id
        WHERE cc.campaign_id = $1 AND c.published ORDER BY cc.position, c.slug`,
      [campaignId],
    ),
    db.query(
      `SELECT t.case_id, t.language, t.title, t.summary, t.story, t.ask, t.sample_letter, t.photo_alt,
              t.cards_address
         FROM case_texts t JOIN campaign_cases cc ON cc.case_id = t.case_id
        WHERE cc.campaign_id = $1 AND t.public ORDER BY t.language`,
      [campaignId],
    ),
    db.query(
      `SELECT f.case_id, f.language, f.field, f.published_text
         FROM case_text_fields f JOIN campaign_cases cc ON cc.case_id = f.case_id
         JOIN cases c ON c.id = f.case_id
         JOIN case_texts t ON t.case_id = f.case_id AND t.language = f.language AND t.public
        WHERE cc.campaign_id = $1 AND f.language <> c.source_language`,
      [campaignId],
    ),
    db.query(
      `SELECT t.id, t.case_id, t.name, t.title, t.salutation, t.postal_address, t.email FROM targets t
         JOIN campaign_cases cc ON cc.case_id = t.case_id WHERE cc.campaign_id = $1 ORDER BY t.position, t.id`,
      [campaignId],
    ),
    db.query(
      `SELECT p.set_id, p.width, p.height FROM case_photos p
         JOIN cases c ON c.photo_id = p.set_id JOIN campaign_cases cc ON cc.case_id = c.id
        WHERE cc.campaign_id = $1 ORDER BY p.width`,
      [campaignId],
    ),
  ]);
  const byId = new Map<number, CaseDetail>();
  const byPhoto = new Map<string, CasePhoto>();
  const targetsById = new Map<number, TargetRow>();
  for (const row of cases.rows) {
    const photo: CasePhoto | null = row.photo_id ? { id: row.photo_id, variants: [] } : null;
    if (photo) byPhoto.set(photo.id, photo);
    byId.set(row.id, {
      id: row.id,
      slug: row.slug,
      country: row.country,
      sourceLanguage: row.source_language,
      texts: {},
      targets: [],
      photo,
    });
  }
  for (const row of texts.rows) {
    const detail = byId.get(row.case_id);
    if (detail)
      detail.texts[row.language] = {
        title: row.title,
        summary: row.summary,
        story: row.story,
        ask: row.ask,
        sampleLetter: row.sample_letter,
        photoAlt: row.photo_alt,
        cardsAddress: row.cards_address,
      };
  }
  for (const row of targets.rows) {
    const target: TargetRow = {
      id: row.id,
      name: row.name,
      title: row.title,
      salutation: row.salutation,
      postalAddress: row.postal_address,
      email: row.email,
      texts: {},
    };
    targetsById.set(row.id, target);
    byId.get(row.case_id)?.targets.push(target);
  }
  for (const row of published.rows) {
    const text: string = row.published_text ?? "";
    const caseColumn = CASE_COLUMNS[row.field];
    const caseText = byId.get(row.case_id)?.texts[row.language];
    if (caseColumn && caseText) {
      caseText[caseColumn] = text;
      continue;
    }
    const match = /^target\.(\d+)\.(\w+)$/.exec(row.field);
    const target = match ? targetsById.get(Number(match[1])) : undefined;
    const part = match ? TARGET_PARTS[match[2] ?? ""] : undefined;
    if (!target || !part || text === "") continue;
    const translated = target.texts[row.language] ?? { title: "", salutation: "", postalAddress: "" };
    translated[part] = text;
    target.texts[row.language] = translated;
  }
  for (const row of photos.rows) {
    byPhoto
      .get(row.set_id)
      ?.variants.push({ width: row.width, height: row.height, url: photoUrl(row.set_id, row.width) });
  }
  for (const detail of byId.values()) if (detail.photo?.variants.length === 0) detail.photo = null;
  return [...byId.values()];
}
