import type pg from "pg";
import { canonicalLanguage } from "../../../platform/rules.js";
import { ot } from "../../office/index.js";
import {
  emptyTexts,
  FIELDS,
  type FieldName,
  loadTranslations,
  materialize,
  refreshPublic,
  TARGET_PARTS,
  type TargetPart,
  type Texts,
  targetField,
  withdrawPublished,
} from "../../translations/index.js";
import { type CampaignOption, type CaseDraft, filledTargets, SaveRefused, type StoredCase } from "./model.js";

// The SQL of the case pages, each query with the row it returns.

type Db = pg.Pool | pg.PoolClient;

interface CampaignOptionRow {
  id: number;
  slug: string;
  title: string;
  starts_at: Date;
}

/** Every edition, newest first: the editions a case may be featured in. */
export async function campaignOptions(db: Db): Promise<CampaignOption[]> {
  const found = await db.query<CampaignOptionRow>(
    "SELECT id, slug, title, starts_at FROM campaigns ORDER BY starts_at DESC",
  );
  return found.rows.map((r) => ({ id: r.id, slug: r.slug, title: r.title, startsAt: r.starts_at }));
}

export interface CaseListRow {
  id: number;
  slug: string;
  published: boolean;
  source_language: string;
  /** In the source language; '' before it is written. */
  title: string;
  public_translations: number;
  translations: number;
}

export interface FeaturedRow {
  campaign_id: number;
  case_id: number;
}

export async function listCases(db: Db): Promise<{ cases: CaseListRow[]; featured: FeaturedRow[] }> {
  const [cases, featured] = await Promise.all([
    db.query<CaseListRow>(
      `SELECT c.id, c.slug, c.published, c.source_language, coalesce(s.title, '') AS title,
              (count(t.language) FILTER (WHERE t.public))::int AS public_translations,
              count(t.language)::int AS translations
         FROM cases c
         LEFT JOIN case_texts s ON s.case_id = c.id AND s.language = c.source_language
         LEFT JOIN case_texts t ON t.case_id = c.id AND t.language <> c.source_language
        GROUP BY c.id, s.title ORDER BY c.slug`,
    ),
    db.query<FeaturedRow>("SELECT campaign_id, case_id FROM campaign_cases ORDER BY campaign_id, position"),
  ]);
  return { cases: cases.rows, featured: featured.rows };
}

interface CaseRow {
  id: number;
  slug: string;
  country: string;
  source_language: string;
  published: boolean;
  photo_id: string | null;
}

interface TargetRow {
  id: number;
  name: string;
  title: string;
  salutation: string;
  postal_address: string;
  email: string | null;
}

interface CampaignCaseRow {
  campaign_id: number;
  position: number;
}

export async function loadCase(db: Db, id: number, lock = false): Promise<StoredCase | undefined> {
  const found = await db.query<CaseRow>(
    `SELECT id, slug, country, source_language, published, photo_id
       FROM cases WHERE id = $1 ${lock ? "FOR UPDATE" : ""}`,
    [id],
  );
  const row = found.rows[0];
  if (!row) return undefined;
  // One query after the other: this may run on a transaction's client.
  const texts = await db.query<Texts>(
    `SELECT ${FIELDS.join(", ")} FROM case_texts WHERE case_id = $1 AND language = $2`,
    [id, row.source_language],
  );
  const targets = await db.query<TargetRow>(
    "SELECT id, name, title, salutation, postal_address, email FROM targets WHERE case_id = $1 ORDER BY position, id",
    [id],
  );
  const campaigns = await db.query<CampaignCaseRow>(
    "SELECT campaign_id, position FROM campaign_cases WHERE case_id = $1 ORDER BY campaign_id",
    [id],
  );
  return {
    id: row.id,
    slug: row.slug,
    country: row.country.trim(),
    sourceLanguage: row.source_language,
    published: row.published,
    photoId: row.photo_id,
    texts: { ...emptyTexts(), ...(texts.rows[0] ?? {}) },
    targets: targets.rows.map((t) => ({
      id: t.id,
      name: t.name,
      title: t.title,
      salutation: t.salutation,
      postalAddress: t.postal_address,
      email: t.email ?? "",
    })),
    campaigns: campaigns.rows.map((c) => ({ id: c.campaign_id, position: c.position })),
  };
}

export async function setPublished(client: pg.PoolClient, id: number, published: boolean): Promise<void> {
  await client.query("UPDATE cases SET published = $2, updated_at = now() WHERE id = $1", [id, published]);
}

/** A target's source text of one part, as the translations name it. */
const TARGET_COLUMNS: Record<TargetPart, "title" | "salutation" | "postalAddress"> = {
  title: "title",
  salutation: "salutation",
  address: "postalAddress",
};

/**
 * Writes a case (a new one when id is undefined) inside the caller's transaction. Source texts
 * that changed get the next revision, kept with its text, so their translations become outdated
 * (and, for a substantial change, leave the public site); translations are then re-checked for
 * the public site. Throws SaveRefused for what only the database knows.
 */
export async function saveCase(
  client: pg.PoolClient,
  draft: CaseDraft,
  campaigns: CampaignOption[],
  existing: StoredCase | undefined,
  userId: number,
): Promise<number> {
  // The form was validated: a new case's language tag is a well-formed one.
  const sourceLanguage = existing?.sourceLanguage ?? canonicalLanguage(draft.sourceLanguage) ?? "";
  let caseId: number;
  if (!existing) {
    const inserted = await client.query<{ id: number }>(
      `INSERT INTO cases (slug, country, source_language, published)
       VALUES ($1, $2, $3, $4) ON CONFLICT (slug) DO NOTHING RETURNING id`,
      [draft.slug, draft.country, sourceLanguage, draft.published],
    );
    if (!inserted.rows[0]) throw new SaveRefused({ slug: "office.cases.error.slugTaken" });
    caseId = inserted.rows[0].id;
  } else {
    caseId = existing.id;
    await client.query("UPDATE cases SET country = $2, published = $3, updated_at = now() WHERE id = $1", [
      caseId,
      draft.country,
      draft.published,
    ]);
  }
  await saveEditions(client, caseId, draft, campaigns, existing);
  // Read before the targets change: the old source texts are compared with the new ones.
  const state = (await loadTranslations(client, [caseId])).get(caseId);
  if (state) await materialize(client, state);
  const old = state?.texts.get(sourceLanguage);
  const sources = await saveTargets(client, caseId, draft, existing);

  // Source texts, and the revision of each source field.
  await client.query(
    `INSERT INTO case_texts (case_id, language, ${FIELDS.join(", ")}, public)
     VALUES ($1, $2, ${FIELDS.map((_, i) => `$${i + 3}`).join(", ")}, true)
     ON CONFLICT (case_id, language) DO UPDATE SET
       ${FIELDS.map((f, i) => `${f} = $${i + 3}`).join(", ")}, public = true`,
    [caseId, sourceLanguage, ...FIELDS.map((f) => draft.texts[f])],
  );
  for (const field of FIELDS) sources.set(field, draft.texts[field]);
  for (const [field, text] of sources) {
    const stored = state?.rows.get(sourceLanguage)?.get(field);
    const before = old?.[field];
    const changed = before !== undefined && before !== text;
    if (stored && !changed) continue;
    // A field without a row yet (a new case, a new field, a new target) starts at revision 1.
    const revision = stored ? stored.revision + 1 : changed && before !== "" ? 2 : 1;
    await client.query(
      `INSERT INTO case_text_fields (case_id, language, field, status, revision, source_revision, updated_by, edited_by)
       VALUES ($1, $2, $3, 'approved', $4, NULL, $5, $5)
       ON CONFLICT (case_id, language, field) DO UPDATE
         SET status = 'approved', revision = EXCLUDED.revision, updated_at = now(), updated_by = $5, edited_by = $5`,
      [caseId, sourceLanguage, field, revision, userId],
    );
    const substantial = draft.substantial && stored !== undefined;
    await client.query(
      `INSERT INTO case_source_revisions (case_id, field, revision, text, substantial, created_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (case_id, field, revision) DO UPDATE SET text = EXCLUDED.text, substantial = EXCLUDED.substantial`,
      [caseId, field, revision, text, substantial, userId],
    );
    if (substantial) await withdrawPublished(client, caseId, sourceLanguage, field, revision);
  }
  await refreshPublic(client, caseId);
  return caseId;
}

/**
 * Editions: a case may join any edition, and leave one that has not started and that no
 * section features it in (once started, its actions are counted under it: unpublish instead).
 */
async function saveEditions(
  client: pg.PoolClient,
  caseId: number,
  draft: CaseDraft,
  campaigns: CampaignOption[],
  existing: StoredCase | undefined,
): Promise<void> {
  const now = new Date();
  const before = new Map((existing?.campaigns ?? []).map((c) => [c.id, c.position]));
  for (const [id] of before) {
    if (draft.campaigns.has(id)) continue;
    const campaign = campaigns.find((c) => c.id === id);
    if (campaign && campaign.startsAt <= now)
      throw new SaveRefused({
        campaigns: `${campaign.title} has started: the case cannot leave it. Unpublish it instead.`,
      });
    const featured = await client.query(
      "SELECT 1 FROM section_featured_cases WHERE campaign_id = $1 AND case_id = $2 LIMIT 1",
      [id, caseId],
    );
    if (featured.rowCount)
      throw new SaveRefused({
        campaigns: ot("office.cases.error.sectionsFeature", { title: campaign?.title ?? "—" }),
      });
    await client.query("DELETE FROM campaign_cases WHERE campaign_id = $1 AND case_id = $2", [id, caseId]);
  }
  for (const [id, position] of draft.campaigns) {
    await client.query(
      `INSERT INTO campaign_cases (campaign_id, case_id, position) VALUES ($1, $2, $3)
       ON CONFLICT (campaign_id, case_id) DO UPDATE SET position = EXCLUDED.position`,
      [id, caseId, position],
    );
  }
}

/**
 * Targets keep their ids while they are edited, so their translations stay theirs; a removed
 * target takes its translations and field states with it. Returns each target field's new
 * source text.
 */
async function saveTargets(
  client: pg.PoolClient,
  caseId: number,
  draft: CaseDraft,
  existing: StoredCase | undefined,
): Promise<Map<FieldName, string>> {
  const known = new Set((existing?.targets ?? []).flatMap((t) => (t.id === undefined ? [] : [t.id])));
  const kept = new Set<number>();
  const sources = new Map<FieldName, string>();
  const filled = filledTargets(draft);
  const claimed = new Set(filled.flatMap((t) => (t.id !== undefined && known.has(t.id) ? [t.id] : [])));
  for (const [position, t] of filled.entries()) {
    const values = [t.name, t.title, t.salutation, t.postalAddress, t.email || null, position];
    // A row without its id (a post from a script) edits the target at the same place.
    const atPlace = existing?.targets[position]?.id;
    const unnamed = atPlace !== undefined && !claimed.has(atPlace) ? atPlace : undefined;
    let id = t.id !== undefined && known.has(t.id) ? t.id : unnamed;
    if (id !== undefined && kept.has(id)) id = undefined;
    if (id !== undefined) {
      await client.query(
        `UPDATE targets SET name = $2, title = $3, salutation = $4, postal_address = $5, email = $6,
           position = $7 WHERE id = $1`,
        [id, ...values],
      );
    } else {
      const inserted = await client.query<{ id: number }>(
        `INSERT INTO targets (case_id, name, title, salutation, postal_address, email, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [caseId, ...values],
      );
      id = inserted.rows[0]?.id ?? 0;
    }
    kept.add(id);
    for (const part of TARGET_PARTS) sources.set(targetField(id, part), t[TARGET_COLUMNS[part]]);
  }
  const removed = [...known].filter((id) => !kept.has(id));
  if (removed.length > 0) {
    const fields = removed.flatMap((id) => TARGET_PARTS.map((part) => targetField(id, part)));
    await client.query("DELETE FROM case_text_fields WHERE case_id = $1 AND field = ANY($2)", [
      caseId,
      fields,
    ]);
    await client.query("DELETE FROM case_source_revisions WHERE case_id = $1 AND field = ANY($2)", [
      caseId,
      fields,
    ]);
    await client.query("DELETE FROM targets WHERE id = ANY($1)", [removed]);
  }
  return sources;
}
