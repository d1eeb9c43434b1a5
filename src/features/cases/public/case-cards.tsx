import type { CaseDetail } from "../../../core/catalog/case-details.js";
import type { CampaignInfo } from "../../../core/catalog/catalog.js";
import { pickText } from "../../../core/catalog/texts.js";
import { direction } from "../../../platform/i18n/locales.js";
import type { Messages } from "../../../platform/i18n/messages.js";
import { localHref } from "../../../platform/views/layout.js";

// The case cards of the home and section pages.

/** The featured cases, each in the reader's language or its fallback; counts when given. */
export function CaseCards(props: {
  m: Messages;
  campaign: CampaignInfo;
  cases: CaseDetail[];
  counts?: Record<string, number>;
}) {
  const { m, campaign, counts } = props;
  return (
    <section aria-labelledby="cases-title">
      <h2 id="cases-title">{m.t("cases.title")}</h2>
      <ul class="cards">
        {props.cases.map((c) => {
          const picked = pickText(c.texts, m.locale, campaign.defaultLanguage);
          if (!picked) return null;
          return (
            <li class="card" lang={picked.language} dir={direction(picked.language)}>
              <h3>
                <a href={localHref(m.locale, `/cases/${c.slug}`)}>{picked.text.title}</a>
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
