import type pg from "pg";
import { isCountryCode } from "../../../core/ledger/intake.js";
import type { FormBody } from "../../office/form.js";
import { text } from "../../office/form.js";
import type { Errors } from "../../office/ui.js";
import {
  emptyTexts,
  FIELDS,
  type FieldName,
  loadTranslations,
  materialize,
  refreshPublic,
  type Texts,
} from "../../translations/fields.js";

// A case as the back office edits it: where it is featured, its source texts, its targets and
// where solidarity cards go. Parsed from the form, validated as a whole, then written in one
// transaction by saveCase.

export const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Target rows in the form: the case's targets and this many blank ones to add more. */
export const SPARE_TARGETS = 2;
export const MIN_TARGET_ROWS = 3;

/** Body limit of the forms that carry a case's texts: urlencoded non-Latin text takes up to
 * 9 bytes a character. */
export const TEXT_FORM_LIMIT = 1024 * 1024;

/** Longest accepted text per field, in characters (the letter form takes 10 000). */
export const MAX_LENGTH: Record<FieldName, number> = {
  title: 200,
  summary: 1000,
  story: 20_000,
  ask: 2000,
  sample_letter: 10_000,
  photo_alt: 500,
};

export const FIELD_LABELS: Record<FieldName, string> = {
  title: "Title (the person's or community's name)",
  summary: "Summary",
  story: "Story",
  ask: "The ask",
  sample_letter: "Sample letter",
  photo_alt: "Photo description (for people who cannot see it)",
};

export interface TargetDraft {
  name: string;
  title: string;
  postalAddress: string;
  email: string;
}

export interface CaseDraft {
  slug: string;
  country: string;
  sourceLanguage: string;
  texts: Texts;
  solidarityAddress: string;
  targets: TargetDraft[];
  /** Campaign id → position. */
  campaigns: Map<number, number>;
  published: boolean;
}

export interface CampaignRow {
  id: number;
  slug: string;
  title: string;
  startsAt: Date;
}

export function canonicalLanguage(tag: string): string | undefined {
  try {
    return tag === "" ? undefined : Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** Multi-line texts keep their lines; line endings are made uniform. */
const block = (body: FormBody, name: string) => text(body, name).replace(/\r\n?/g, "\n");

/** How many target rows a form sent (the rows are numbered target-0-…, target-1-…). */
function targetRowsSent(body: FormBody): number {
  let highest = -1;
  for (const key of Object.keys(body)) {
    const match = /^target-(\d{1,2})-/.exec(key);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest + 1;
}

/** Rows the form shows: up to the last filled one, then blank ones to add more. */
export function targetRowsOf(draft: CaseDraft): number {
  let last = -1;
  draft.targets.forEach((t, i) => {
    if (!blankTarget(t)) last = i;
  });
  return Math.max(last + 1 + SPARE_TARGETS, MIN_TARGET_ROWS);
}

export function draftOf(body: FormBody): CaseDraft {
  const targetRows = targetRowsSent(body);
  const texts = emptyTexts();
  for (const field of FIELDS) texts[field] = block(body, field);
  const targets: TargetDraft[] = [];
  for (let i = 0; i < targetRows; i++) {
    targets.push({
      name: text(body, `target-${i}-name`),
      title: text(body, `target-${i}-title`),
      postalAddress: block(body, `target-${i}-address`),
      email: text(body, `target-${i}-email`),
    });
  }
  const campaigns = new Map<number, number>();
  const chosen = body.campaigns;
  for (const id of Array.isArray(chosen) ? chosen : chosen ? [chosen] : []) {
    const position = text(body, `position-${id}`);
    campaigns.set(Number(id), position === "" ? 0 : Number(position));
  }
  return {
    slug: text(body, "slug").toLowerCase(),
    country: text(body, "country").toUpperCase(),
    sourceLanguage: text(body, "source_language"),
    texts,
    solidarityAddress: block(body, "solidarity_address"),
    targets,
    campaigns,
    published: text(body, "published") !== "",
  };
}

const blankTarget = (t: TargetDraft) => !t.name && !t.title && !t.postalAddress && !t.email;
export const filledTargets = (draft: CaseDraft) => draft.targets.filter((t) => !blankTarget(t));

/** Checks what can be checked without the database (slug uniqueness is checked on insert). */
export function validate(draft: CaseDraft, campaigns: CampaignRow[], isNew: boolean): Errors {
  const errors: Errors = {};
  if (isNew && !SLUG.test(draft.slug))
    errors.slug = "Use 1 to 63 lower-case letters, digits and hyphens, starting with a letter or digit.";
  if (!/^[A-Z]{2}$/.test(draft.country) || !isCountryCode(draft.country))
    errors.country = "Enter the two-letter country code (ISO 3166-1), e.g. CN.";
  if (isNew && !canonicalLanguage(draft.sourceLanguage))
    errors.source_language = "Enter a language tag, e.g. en, es, pt-BR.";
  for (const field of ["title", "summary", "story", "ask"] as const) {
    if (draft.texts[field] === "") errors[field] = `Enter the ${field === "ask" ? "ask" : field}.`;
  }
  for (const field of FIELDS) {
    if (draft.texts[field].length > MAX_LENGTH[field])
      errors[field] = `Use at most ${MAX_LENGTH[field].toLocaleString("en")} characters.`;
  }
  if (draft.solidarityAddress.length > 1000) errors.solidarity_address = "Use at most 1,000 characters.";
  draft.targets.forEach((t, i) => {
    if (blankTarget(t)) return;
    if (t.name === "" || t.name.length > 200) errors[`target-${i}-name`] = "Enter the target's name.";
    if (t.title.length > 200) errors[`target-${i}-title`] = "Use at most 200 characters.";
    if (t.postalAddress === "" || t.postalAddress.length > 1000)
      errors[`target-${i}-address`] = "Enter the postal address letters go to.";
    if (t.email !== "" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t.email))
      errors[`target-${i}-email`] = "Enter an email address, or leave it empty.";
  });
  if (filledTargets(draft).length === 0)
    errors["target-0-name"] ??= "A case needs at least one target: the person letters are addressed to.";
  const known = new Set(campaigns.map((c) => c.id));
  for (const [id, position] of draft.campaigns) {
    if (!known.has(id)) errors.campaigns = "Choose editions from the list.";
    else if (!Number.isInteger(position) || position < 0 || position > 999)
      errors[`position-${id}`] = "Enter a position from 0 to 999.";
  }
  return errors;
}

/** The case as stored, for the form and for the audit log. */
export interface StoredCase {
  id: number;
  slug: string;
  country: string;
  sourceLanguage: string;
  published: boolean;
  solidarityAddress: string;
  photoId: string | null;
  texts: Texts;
  targets: TargetDraft[];
  campaigns: { id: number; position: number }[];
}

export async function loadCase(
  db: pg.Pool | pg.PoolClient,
  id: number,
  lock = false,
): Promise<StoredCase | undefined> {
  const found = await db.query(
    `SELECT id, slug, country, source_language, published, solidarity_address, photo_id
       FROM cases WHERE id = $1 ${lock ? "FOR UPDATE" : ""}`,
    [id],
  );
  const row = found.rows[0];
  if (!row) return undefined;
  // One query after the other: this may run on a transaction's client.
  const texts = await db.query(
    `SELECT title, summary, story, ask, sample_letter, photo_alt FROM case_texts
      WHERE case_id = $1 AND language = $2`,
    [id, row.source_language],
  );
  const targets = await db.query(
    "SELECT name, title, postal_address, email FROM targets WHERE case_id = $1 ORDER BY position, id",
    [id],
  );
  const campaigns = await db.query(
    "SELECT campaign_id, position FROM campaign_cases WHERE case_id = $1 ORDER BY campaign_id",
    [id],
  );
  return {
    id: row.id,
    slug: row.slug,
    country: row.country.trim(),
    sourceLanguage: row.source_language,
    published: row.published,
    solidarityAddress: row.solidarity_address,
    photoId: row.photo_id,
    texts: { ...emptyTexts(), ...(texts.rows[0] ?? {}) },
    targets: targets.rows.map((t) => ({
      name: t.name,
      title: t.title,
      postalAddress: t.postal_address,
      email: t.email ?? "",
    })),
    campaigns: campaigns.rows.map((c) => ({ id: c.campaign_id, position: c.position })),
  };
}

export const draftFromStored = (stored: StoredCase): CaseDraft => ({
  slug: stored.slug,
  country: stored.country,
  sourceLanguage: stored.sourceLanguage,
  texts: { ...stored.texts },
  solidarityAddress: stored.solidarityAddress,
  targets: stored.targets,
  campaigns: new Map(stored.campaigns.map((c) => [c.id, c.position])),
  published: stored.published,
});

export class SaveRefused extends Error {
  constructor(readonly errors: Errors) {
    super("refused");
  }
}

/**
 * Writes a case (a new one when id is undefined) inside the caller's transaction. Source texts
 * that changed get the next revision, so their translations become outdated; translations are
 * then re-checked for the public site. Throws SaveRefused for what only the database knows.
 */
export async function saveCase(
  client: pg.PoolClient,
  draft: CaseDraft,
  campaigns: CampaignRow[],
  existing: StoredCase | undefined,
  userId: number,
): Promise<number> {
  let caseId: number;
  if (!existing) {
    const inserted = await client.query(
      `INSERT INTO cases (slug, country, source_language, solidarity_address, published)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING RETURNING id`,
      [
        draft.slug,
        draft.country,
        canonicalLanguage(draft.sourceLanguage),
        draft.solidarityAddress,
        draft.published,
      ],
    );
    if (!inserted.rows[0]) throw new SaveRefused({ slug: "Another case already has this slug." });
    caseId = inserted.rows[0].id;
  } else {
    caseId = existing.id;
    await client.query(
      `UPDATE cases SET country = $2, solidarity_address = $3, published = $4, updated_at = now()
        WHERE id = $1`,
      [caseId, draft.country, draft.solidarityAddress, draft.published],
    );
  }
  const sourceLanguage = existing?.sourceLanguage ?? (canonicalLanguage(draft.sourceLanguage) as string);

  // Editions: a case may join any edition, and leave one that has not started and that no
  // section features it in (once started, its actions are counted under it: unpublish instead).
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
        campaigns: `Sections feature this case in ${campaign?.title ?? "an edition"}; they must drop it first.`,
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

  // Targets are replaced as a list (nothing refers to a target row).
  await client.query("DELETE FROM targets WHERE case_id = $1", [caseId]);
  for (const [position, t] of filledTargets(draft).entries()) {
    await client.query(
      "INSERT INTO targets (case_id, position, name, title, postal_address, email) VALUES ($1, $2, $3, $4, $5, $6)",
      [caseId, position, t.name, t.title, t.postalAddress, t.email || null],
    );
  }

  // Source texts, and the revision of each source field.
  const state = (await loadTranslations(client, [caseId])).get(caseId);
  if (state) await materialize(client, state);
  const old = state?.texts.get(sourceLanguage);
  await client.query(
    `INSERT INTO case_texts (case_id, language, title, summary, story, ask, sample_letter, photo_alt, public)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true)
     ON CONFLICT (case_id, language) DO UPDATE SET title = $3, summary = $4, story = $5, ask = $6,
       sample_letter = $7, photo_alt = $8, public = true`,
    [caseId, sourceLanguage, ...FIELDS.map((f) => draft.texts[f])],
  );
  for (const field of FIELDS) {
    const stored = state?.rows.get(sourceLanguage)?.get(field);
    const changed = old !== undefined && old[field] !== draft.texts[field];
    if (stored && !changed) continue;
    await client.query(
      `INSERT INTO case_text_fields (case_id, language, field, status, revision, source_revision, updated_by)
       VALUES ($1, $2, $3, 'approved', $4, NULL, $5)
       ON CONFLICT (case_id, language, field) DO UPDATE
         SET status = 'approved', revision = EXCLUDED.revision, updated_at = now(), updated_by = $5`,
      [caseId, sourceLanguage, field, (stored?.revision ?? (old ? 1 : 0)) + 1, userId],
    );
  }
  await refreshPublic(client, caseId);
  return caseId;
}

/** The audit view of a case: everything but the photo bytes. */
export const auditView = (stored: StoredCase | undefined) => stored ?? null;
