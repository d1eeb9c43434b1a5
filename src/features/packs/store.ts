import type pg from "pg";
import { isUiLocale, type UiLocale } from "../../platform/i18n/locales.js";
import type { Manifest } from "./manifest.js";

// The packs' tables (migration 018). A pack row is claimed before it is built; the claim is what
// keeps two nodes from building the same pack: INSERT ... ON CONFLICT lets one of them in, and
// takes over only a claim older than the build bound (its node died) or a failed one.

export interface StoredPack {
  hash: string;
  manifest: Manifest;
  state: "building" | "ready" | "failed";
  builtAt: Date | null;
  bytes: number | null;
}

interface PackRow {
  hash: string;
  manifest: Manifest;
  state: StoredPack["state"];
  built_at: Date | null;
  bytes: number | null;
}

const ofRow = (row: PackRow): StoredPack => ({
  hash: row.hash,
  manifest: row.manifest,
  state: row.state,
  builtAt: row.built_at,
  bytes: row.bytes,
});

export async function findPack(db: pg.Pool, hash: string): Promise<StoredPack | undefined> {
  const result = await db.query<PackRow>(
    "SELECT hash, manifest, state, built_at, bytes FROM material_packs WHERE hash = $1",
    [hash],
  );
  return result.rows[0] && ofRow(result.rows[0]);
}

/** The state of each pack named, in one query (the materials page asks for all of them). */
export async function packStates(
  db: pg.Pool,
  hashes: string[],
): Promise<Map<string, { state: StoredPack["state"]; builtAt: Date | null }>> {
  const result = await db.query<{ hash: string; state: StoredPack["state"]; built_at: Date | null }>(
    "SELECT hash, state, built_at FROM material_packs WHERE hash = ANY($1)",
    [hashes],
  );
  return new Map(result.rows.map((r) => [r.hash, { state: r.state, builtAt: r.built_at }]));
}

/** Whether this node may build `hash` now (true once, whoever asks, until the claim goes stale). */
export async function claimPack(
  db: pg.Pool,
  hash: string,
  manifest: Manifest,
  builder: string,
  staleMs: number,
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO material_packs (hash, language, manifest, state, builder)
     VALUES ($1, $2, $3, 'building', $4)
     ON CONFLICT (hash) DO UPDATE SET builder = EXCLUDED.builder, claimed_at = now(), state = 'building'
      WHERE material_packs.state = 'failed'
         OR (material_packs.state = 'building' AND material_packs.claimed_at < now() - $5 * interval '1 millisecond')
     RETURNING hash`,
    [hash, manifest.language, JSON.stringify(manifest), builder, staleMs],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function completePack(db: pg.Pool, hash: string, builder: string, zip: Buffer): Promise<void> {
  await db.query(
    `UPDATE material_packs SET state = 'ready', zip = $3, bytes = $4, built_at = now()
      WHERE hash = $1 AND builder = $2 AND state = 'building'`,
    [hash, builder, zip, zip.length],
  );
}

export async function failPack(db: pg.Pool, hash: string, builder: string): Promise<void> {
  await db.query(
    "UPDATE material_packs SET state = 'failed' WHERE hash = $1 AND builder = $2 AND state = 'building'",
    [hash, builder],
  );
}

export async function packZip(db: pg.Pool, hash: string): Promise<Buffer | undefined> {
  const result = await db.query<{ zip: Buffer }>(
    "SELECT zip FROM material_packs WHERE hash = $1 AND state = 'ready'",
    [hash],
  );
  return result.rows[0]?.zip;
}

/**
 * Points a section's language at a built pack. Only the one whose update moves the pointer
 * gets the manifest it moved from (or null for a first pack): that one tells the coordinators.
 */
export async function pointPack(
  db: pg.Pool,
  sectionId: number,
  language: string,
  hash: string,
): Promise<{ moved: boolean; previous: Manifest | null }> {
  const result = await db.query<{ previous: Manifest | null }>(
    `WITH moved AS (
       INSERT INTO material_pack_current (section_id, language, hash)
       VALUES ($1, $2, $3)
       ON CONFLICT (section_id, language) DO UPDATE
         SET previous_hash = material_pack_current.hash, hash = EXCLUDED.hash, updated_at = now()
         WHERE material_pack_current.hash <> EXCLUDED.hash
       RETURNING previous_hash
     )
     SELECT (SELECT manifest FROM material_packs p WHERE p.hash = moved.previous_hash) AS previous FROM moved`,
    [sectionId, language, hash],
  );
  const row = result.rows[0];
  return row ? { moved: true, previous: row.previous } : { moved: false, previous: null };
}

export interface CurrentPack {
  sectionId: number;
  language: string;
  hash: string;
  builtAt: Date | null;
  updatedAt: Date;
}

export async function currentPacks(db: pg.Pool, sectionIds: number[]): Promise<CurrentPack[]> {
  const result = await db.query<{
    section_id: number;
    language: string;
    hash: string;
    built_at: Date | null;
    updated_at: Date;
  }>(
    `SELECT c.section_id, c.language, c.hash, p.built_at, c.updated_at
       FROM material_pack_current c JOIN material_packs p ON p.hash = c.hash
      WHERE c.section_id = ANY($1)`,
    [sectionIds],
  );
  return result.rows.map((r) => ({
    sectionId: r.section_id,
    language: r.language,
    hash: r.hash,
    builtAt: r.built_at,
    updatedAt: r.updated_at,
  }));
}

export async function logDownload(
  db: pg.Pool,
  sectionId: number,
  language: string,
  hash: string,
  userId: number,
): Promise<void> {
  await db.query(
    "INSERT INTO material_pack_downloads (section_id, language, hash, user_id) VALUES ($1, $2, $3, $4)",
    [sectionId, language, hash, userId],
  );
}

export interface Download {
  country: string;
  language: string;
  hash: string;
  email: string | null;
  at: Date;
}

export async function recentDownloads(db: pg.Pool, limit = 200): Promise<Download[]> {
  const result = await db.query<{
    country: string;
    language: string;
    hash: string;
    email: string | null;
    at: Date;
  }>(
    `SELECT s.country, d.language, d.hash, u.email, d.downloaded_at AS at
       FROM material_pack_downloads d JOIN sections s ON s.id = d.section_id
       LEFT JOIN users u ON u.id = d.user_id
      ORDER BY d.downloaded_at DESC, d.id DESC LIMIT $1`,
    [limit],
  );
  return result.rows.map((r) => ({ ...r, country: r.country.trim() }));
}

/** The section's coordinators' addresses (accounts that can sign in). */
/** The section's coordinators, with the back office's language each chose (if any). */
export async function coordinatorEmails(
  db: pg.Pool,
  sectionId: number,
): Promise<{ email: string; locale: UiLocale | undefined }[]> {
  const result = await db.query<{ email: string; locale: string | null }>(
    `SELECT email, locale FROM users
      WHERE role = 'coordinator' AND $1 = ANY(section_ids) AND disabled_at IS NULL ORDER BY email`,
    [sectionId],
  );
  return result.rows.map((r) => ({
    email: r.email,
    locale: r.locale && isUiLocale(r.locale) ? r.locale : undefined,
  }));
}
