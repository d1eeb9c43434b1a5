import type pg from "pg";

export interface CaseText {
  title: string;
  summary: string;
  story: string;
  ask: string;
  /** The case's own sample letter in this language; '' when the site's default is used. */
  sampleLetter: string;
  /** What the photo shows, for readers who cannot see it; '' when not written. */
  photoAlt: string;
}

export interface TargetRow {
  name: string;
  title: string;
  postalAddress: string;
  email: string | null;
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
  /** Only the languages approved for the public site. */
  texts: Record<string, CaseText>;
  targets: TargetRow[];
  photo: CasePhoto | null;
}

export const photoUrl = (id: string, width: number) => `/photos/${id}/${width}.webp`;

/** The published cases an edition features, with their public texts, targets and photo. */
export async function casesOfCampaign(db: pg.Pool, campaignId: number): Promise<CaseDetail[]> {
  const [cases, texts, targets, photos] = await Promise.all([
    db.query(
      `SELECT c.id, c.slug, c.country, c.photo_id FROM campaign_cases cc JOIN cases c ON c.id = cc.case_id
        WHERE cc.campaign_id = $1 AND c.published ORDER BY cc.position, c.slug`,
      [campaignId],
    ),
    db.query(
      `SELECT t.case_id, t.language, t.title, t.summary, t.story, t.ask, t.sample_letter, t.photo_alt
         FROM case_texts t JOIN campaign_cases cc ON cc.case_id = t.case_id
        WHERE cc.campaign_id = $1 AND t.public ORDER BY t.language`,
      [campaignId],
    ),
    db.query(
      `SELECT t.case_id, t.name, t.title, t.postal_address, t.email FROM targets t
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
  for (const row of cases.rows) {
    const photo: CasePhoto | null = row.photo_id ? { id: row.photo_id, variants: [] } : null;
    if (photo) byPhoto.set(photo.id, photo);
    byId.set(row.id, { id: row.id, slug: row.slug, country: row.country, texts: {}, targets: [], photo });
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
      };
  }
  for (const row of targets.rows) {
    byId.get(row.case_id)?.targets.push({
      name: row.name,
      title: row.title,
      postalAddress: row.postal_address,
      email: row.email,
    });
  }
  for (const row of photos.rows) {
    byPhoto
      .get(row.set_id)
      ?.variants.push({ width: row.width, height: row.height, url: photoUrl(row.set_id, row.width) });
  }
  for (const detail of byId.values()) if (detail.photo?.variants.length === 0) detail.photo = null;
  return [...byId.values()];
}
