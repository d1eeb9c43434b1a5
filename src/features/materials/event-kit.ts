import type pg from "pg";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { chromeLocale, wordingFor } from "./wording.js";

// The event kit's how-to. An edition may write (and translate) its own; until it has, and in a
// language it has not translated, the kit says what the interface catalog says. This is the
// one place that decides, so the edition's text is wired in here.

export interface EventKitText {
  text: string;
  /** The language the text is in (the asked one, or the fallback chain's). */
  language: string;
}

export async function eventKitText(
  _db: pg.Pool,
  _campaign: CampaignInfo,
  language: string,
): Promise<EventKitText> {
  // The edition's own text (per language, with statuses) is read here once editions carry it.
  return {
    text: wordingFor(language).t("materials.kit.default"),
    language: chromeLocale(language),
  };
}
