import { createHash } from "node:crypto";
import type pg from "pg";
import type { CaseDetail } from "../../core/catalog/case-details.js";
import type { CampaignInfo, Catalog } from "../../core/catalog/catalog.js";
import { currentCampaign } from "../../core/catalog/current.js";
import type { Messages } from "../../platform/i18n/messages.js";
import {
  eventKitText,
  type MaterialCase,
  packPaper,
  servesLanguage,
  toMaterialCase,
} from "../materials/index.js";
import type { Section } from "../sections/index.js";
import { FIELDS, fieldState, loadTranslations } from "../translations/index.js";

// What a pack holds, as data: per featured case, the language its texts are in, the revision of
// each of its texts in that language, its photo and a digest of everything the materials show;
// and the edition's event kit. The pack is named by the sha-256 of this manifest, so it moves
// exactly when something it shows moves, and is the same on every node.

export const PACK_MATERIALS = ["case-sheet", "letters", "solidarity-cards", "poster"] as const;
export type PackMaterial = (typeof PACK_MATERIALS)[number];

/** Where a material stands in the ZIP. */
export const entryName = (slug: string, material: PackMaterial | "event-kit", language: string) =>
  material === "event-kit" ? `event-kit-${language}.pdf` : `${slug}/${material}-${slug}-${language}.pdf`;

export interface ManifestCase {
  slug: string;
  title: string;
  /** The language the case's texts are in here: the pack's, or the one filling in. */
  textLanguage: string;
  /** Field → revision of its text in textLanguage. */
  revisions: Record<string, number>;
  photo: string | null;
  /** sha-256 of what the materials show of the case (texts, targets, where cards go). */
  digest: string;
  materials: PackMaterial[];
}

export interface Manifest {
  version: 1;
  campaign: string;
  language: string;
  /** The paper every document of the pack is laid out on (the section's country's). */
  paper: "a4" | "letter";
  cases: ManifestCase[];
  kit: { language: string; digest: string };
}

export interface PackPlan {
  manifest: Manifest;
  hash: string;
  campaign: CampaignInfo;
  /** What each case's materials are rendered from (the photo is read when the pack is built). */
  materials: Map<string, { material: MaterialCase; detail: CaseDetail }>;
  kit: { text: string; language: string };
}

export interface PlanSource {
  db: pg.Pool;
  catalog: Catalog;
  publicUrl: string;
  casesOf(campaignId: number): Promise<CaseDetail[]>;
}

const sha256 = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");

/**
 * The cases a section's pack holds: those it features in the edition, in its order; a section
 * that features none gets all of the edition's, as its public page shows them.
 */
export function packCases(all: CaseDetail[], section: Section, campaignId: number): CaseDetail[] {
  const byId = new Map(all.map((c) => [c.id, c]));
  const featured = (section.featured.get(campaignId) ?? []).flatMap((id) => byId.get(id) ?? []);
  return featured.length > 0 ? featured : all;
}

/** The pack of `section` in `language` for the current edition; undefined without one. */
export async function planPack(
  source: PlanSource,
  section: Section,
  language: string,
): Promise<PackPlan | undefined> {
  const campaign = currentCampaign(source.catalog);
  if (!campaign) return undefined;
  const details = packCases(await source.casesOf(campaign.id), section, campaign.id);
  const translations = await loadTranslations(
    source.db,
    details.map((d) => d.id),
  );
  const materials = new Map<string, { material: MaterialCase; detail: CaseDetail }>();
  const cases: ManifestCase[] = [];
  for (const detail of details) {
    const material = toMaterialCase(detail, campaign, language, source.publicUrl);
    if (!material) continue;
    // A language the site does not serve this case in: the QR codes open the page in the
    // language that fills in, which exists.
    const shown = servesLanguage(detail, language, campaign)
      ? material
      : { ...material, pageUrl: material.pageUrl.replace(`/${language}/`, `/${material.textLanguage}/`) };
    materials.set(detail.slug, { material: shown, detail });
    const entry = translations.get(detail.id);
    const revisions: Record<string, number> = {};
    if (entry)
      for (const field of FIELDS) {
        const state = fieldState(entry, material.textLanguage, field);
        if (state.status !== "missing") revisions[field] = state.revision;
      }
    const { photo: _photo, ...shows } = shown;
    cases.push({
      slug: detail.slug,
      title: material.title,
      textLanguage: material.textLanguage,
      revisions,
      photo: detail.photo?.id ?? null,
      digest: sha256(shows),
      materials: [...PACK_MATERIALS],
    });
  }
  const kit = await eventKitText(source.db, campaign, language);
  const manifest: Manifest = {
    version: 1,
    campaign: campaign.slug,
    language,
    paper: packPaper(section.country, language),
    cases,
    kit: { language: kit.language, digest: sha256([campaign.title, kit.text]) },
  };
  return { manifest, hash: sha256(manifest), campaign, materials, kit };
}

/** A language's name in `locale` (English unless said), or its tag when it has none. */
const languageName = (tag: string, locale = "en") => {
  try {
    return new Intl.DisplayNames([locale], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
};

export { languageName };

/**
 * What changed in a section's language from one pack to the next, as lines for its
 * coordinators, in `m`'s language: a case or a material now in the pack's own language is new;
 * one whose texts or photo moved is updated.
 */
export function packChanges(before: Manifest | undefined, after: Manifest, m: Messages): string[] {
  const name = (tag: string) => languageName(tag, m.locale);
  const language = name(after.language);
  const lines: string[] = [];
  const old = new Map((before?.cases ?? []).map((c) => [c.slug, c]));
  const inOwnLanguage = (c: { textLanguage: string }) => c.textLanguage === after.language;
  for (const c of after.cases) {
    const was = old.get(c.slug);
    for (const material of c.materials) {
      const what = m.t(`office.packs.what.${material}`, { title: c.title });
      const fills = inOwnLanguage(c) ? undefined : name(c.textLanguage);
      if (!was?.materials.includes(material) || (inOwnLanguage(c) && !inOwnLanguage(was)))
        lines.push(
          fills
            ? m.t("office.packs.change.newFilling", { language, what, fills })
            : m.t("office.packs.change.new", { language, what }),
        );
      else if (was.digest !== c.digest || was.photo !== c.photo)
        lines.push(
          fills
            ? m.t("office.packs.change.updatedFilling", { what, fills })
            : m.t("office.packs.change.updated", { what }),
        );
    }
  }
  const removed = [...old.values()].filter((c) => !after.cases.some((n) => n.slug === c.slug));
  for (const c of removed) lines.push(m.t("office.packs.change.removed", { title: c.title }));
  if (before && before.kit.digest !== after.kit.digest) lines.push(m.t("office.packs.change.kitUpdated"));
  if (!before) lines.push(m.t("office.packs.change.kitNew", { language }));
  return lines;
}
