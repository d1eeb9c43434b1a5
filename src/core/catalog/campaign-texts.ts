import type { CampaignInfo } from "./catalog.js";
import { pickField } from "./entity-texts.js";
import type { PickedText } from "./texts.js";

// An edition's title and introduction as a public page shows them: the catalog holds each
// language's approved text (entity-texts.ts), and the reader's language picks one.

/** An edition's title or intro in a reader's language, along the fallback chain. */
export function campaignText(
  campaign: CampaignInfo,
  field: "title" | "intro",
  locale: string,
): PickedText<string> | undefined {
  return pickField(campaign.texts, field, locale, campaign.defaultLanguage);
}

/** An edition's title in a reader's language (its own title when nothing else is there). */
export const campaignTitle = (campaign: CampaignInfo, locale: string): string =>
  campaignText(campaign, "title", locale)?.text ?? campaign.title;
