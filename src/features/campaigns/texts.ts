import type pg from "pg";
import {
  type CampaignField,
  loadEntityTexts,
  type PickedText,
  pickField,
  publicTexts,
} from "../../core/catalog/entity-texts.js";

/**
 * An edition's text (title, intro, event kit) for a reader of `language`: the approved text in
 * that language, else along the fallback chain (the language without its region, the edition's
 * default language, any approved one). Undefined when the edition has no such text at all.
 */
export async function loadCampaignText(
  db: pg.Pool | pg.PoolClient,
  campaignId: number,
  language: string,
  field: CampaignField,
): Promise<PickedText<string> | undefined> {
  const campaign = await db.query<{ default_language: string; title: string }>(
    "SELECT default_language, title FROM campaigns WHERE id = $1",
    [campaignId],
  );
  const row = campaign.rows[0];
  if (!row) return undefined;
  const texts = publicTexts(
    (await loadEntityTexts(db, "campaign", [campaignId])).get(campaignId) ?? [],
    row.default_language,
  );
  const source = texts.get(row.default_language) ?? new Map<string, string>();
  source.set("title", row.title);
  texts.set(row.default_language, source);
  return pickField(texts, field, language, row.default_language);
}
