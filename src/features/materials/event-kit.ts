import type pg from "pg";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { isUiLocale } from "../../platform/i18n/locales.js";
import { loadCampaignText } from "../campaigns/index.js";
import { chromeLocale, wordingFor } from "./wording.js";

// The event kit's how-to. An edition may write (and translate) its own (the edition's
// "event kit" text in the office); a reader gets, in this order: the edition's text in her
// language, the interface's own how-to in her language, the edition's text in the fallback
// chain's language, the interface's how-to in the closest interface language.

export interface EventKitText {
  text: string;
  /** The language the text is in (the asked one, or the fallback chain's). */
  language: string;
}

export async function eventKitText(
  db: pg.Pool,
  campaign: CampaignInfo,
  language: string,
): Promise<EventKitText> {
  const edition = await loadCampaignText(db, campaign.id, language, "event_kit");
  const written = edition && edition.text.trim() !== "" ? edition : undefined;
  if (written && !written.isFallback) return { text: written.text, language: written.language };
  const catalog = { text: wordingFor(language).t("materials.kit.default"), language: chromeLocale(language) };
  if (isUiLocale(language) || !written) return catalog;
  return { text: written.text, language: written.language };
}
