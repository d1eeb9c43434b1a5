import { randomUUID } from "node:crypto";
import type pg from "pg";
import sharp, { type Metadata } from "sharp";
import { ot } from "../../office/index.js";

// Case photos: checked by their content (never by their name or declared type), turned upright,
// stripped of every metadata block — a phone photo's GPS position could endanger the person
// or their family — and resized into WebP variants stored in the database, so every node can
// serve them.

export const PHOTO_WIDTHS = [400, 1200] as const;
export const MIN_WIDTH = 400;
/** Larger images would take too much memory to decode; no real portrait needs them. */
export const MAX_PIXELS = 40_000_000;
const ACCEPTED = new Set(["jpeg", "png", "webp"]);

export class PhotoRejected extends Error {}

export interface PhotoVariantData {
  width: number;
  height: number;
  bytes: Buffer;
}

export async function resizePhoto(data: Buffer): Promise<PhotoVariantData[]> {
  let meta: Metadata;
  try {
    meta = await sharp(data, { limitInputPixels: MAX_PIXELS }).metadata();
  } catch (error) {
    if (/pixel limit/i.test((error as Error).message))
      throw new PhotoRejected(ot("office.cases.photoError.tooLarge"));
    throw new PhotoRejected(ot("office.cases.photoError.unreadable"));
  }
  if (!meta.format || !ACCEPTED.has(meta.format) || !meta.width || !meta.height)
    throw new PhotoRejected(ot("office.cases.photoError.format"));
  if (meta.width * meta.height > MAX_PIXELS) throw new PhotoRejected(ot("office.cases.photoError.tooLarge"));
  // EXIF orientations 5–8 turn the picture a quarter: its upright width is its stored height.
  const uprightWidth = (meta.orientation ?? 1) >= 5 ? meta.height : meta.width;
  if (uprightWidth < MIN_WIDTH)
    throw new PhotoRejected(ot("office.cases.photoError.narrow", { width: uprightWidth, min: MIN_WIDTH }));
  const widths = [...new Set(PHOTO_WIDTHS.map((w) => Math.min(w, uprightWidth)))];
  try {
    return await Promise.all(
      widths.map(async (width) => {
        // sharp writes no metadata unless asked to (withMetadata/keepExif): none is kept.
        const { data: bytes, info } = await sharp(data, { limitInputPixels: MAX_PIXELS })
          .rotate()
          .resize({ width, withoutEnlargement: true })
          .webp({ quality: 80 })
          .toBuffer({ resolveWithObject: true });
        return { width: info.width, height: info.height, bytes };
      }),
    );
  } catch {
    throw new PhotoRejected(ot("office.cases.photoError.damaged"));
  }
}

/** Stores a new photo set for a case, makes it the case's photo and drops the previous one. */
export async function replacePhoto(
  client: pg.PoolClient,
  caseId: number,
  previous: string | null,
  variants: PhotoVariantData[],
): Promise<string> {
  const setId = randomUUID();
  for (const v of variants) {
    await client.query(
      `INSERT INTO case_photos (id, set_id, case_id, width, height, content_type, bytes)
       VALUES ($1, $2, $3, $4, $5, 'image/webp', $6)`,
      [randomUUID(), setId, caseId, v.width, v.height, v.bytes],
    );
  }
  await client.query("UPDATE cases SET photo_id = $2, updated_at = now() WHERE id = $1", [caseId, setId]);
  // A replaced photo may have been replaced for the person's safety: it is not kept.
  if (previous) await client.query("DELETE FROM case_photos WHERE set_id = $1", [previous]);
  return setId;
}

export async function removePhoto(client: pg.PoolClient, caseId: number, previous: string): Promise<void> {
  await client.query("UPDATE cases SET photo_id = NULL, updated_at = now() WHERE id = $1", [caseId]);
  await client.query("DELETE FROM case_photos WHERE set_id = $1", [previous]);
}
