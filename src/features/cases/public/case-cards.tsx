import type { CaseDetail } from "../../../core/catalog/case-details.js";
import type { CampaignInfo } from "../../../core/catalog/catalog.js";
import { pickText } from "../../../core/catalog/texts.js";
import { direction, isUiLocale } from "../../../platform/i18n/locales.js";
import type { Messages } from "../../../platform/i18n/messages.js";
import { localHref } from "../../../platform/views/layout.js";

// The case cards of the home and section pages.

/**
 * Which text of a case a card shows: the first of `preferred` (a section's languages, when the
 * interface does not speak them) the case is public in — a Dutch section's page, whose interface
 * is English, shows the Dutch text and links to its page (/nl/cases/…); else the reader's
 * language or its fallback.
 */
export function cardText(c: CaseDetail, locale: string, campaignDefault: string, preferred: string[] = []) {
  for (const language of preferred) {
    const text = c.texts[language];
    if (text) return { text, language, isFallback: false };
  }
  return pickText(c.texts, locale, campaignDefault);
}

/** The featured cases, each in the reader's language or its fallback; counts when given. */
export function CaseCards(props: {
  m: Messages;
  campaign: CampaignInfo;
  cases: CaseDetail[];
  counts?: Record<string, number>;
  /** Languages to show a case in before the fallback chain's (a section's). */
  preferred?: string[];
}) {
  const { m, campaign, counts } = props;
  return (
    <section aria-labelledby="cases-title">
      <h2 id="cases-title">{m.t("cases.title")}</h2>
      <ul class="cards">
        {props.cases.map((c) => {
          const picked = cardText(c, m.locale, campaign.defaultLanguage, props.preferred);
          if (!picked) return null;
          // A language the interface does not speak has a case page of its own (/ca/cases/…).
          const own =
            !isUiLocale(picked.language) && picked.language.split("-")[0] !== m.locale.split("-")[0];
          const href = own ? `/${picked.language}/cases/${c.slug}` : localHref(m.locale, `/cases/${c.slug}`);
          return (
            <li class="card" lang={picked.language} dir={direction(picked.language)}>
              <h3>
                <a href={href}>{picked.text.title}</a>
              </h3>
              <p>{picked.text.summary}</p>
              {counts ? (
                <p class="card-count">
                  <span data-live-case={c.slug}>{m.number(counts[c.slug] ?? 0)}</span>
                </p>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
