import type { CampaignInfo } from "../../campaigns/catalog.js";
import type { CaseDetail } from "../../campaigns/queries.js";
import type { Messages } from "../../i18n/messages.js";
import { uiLocaleOf } from "../../sections/locale.js";
import type { Section } from "../../sections/queries.js";
import { Layout, localHref, type PageContext } from "./layout.js";
import { CaseCards } from "./parts.js";

// A national section's landing: its languages, its country's live count against its own goal
// and against the world, the cases to act for, and the counter to put on its own website.
// Every number carries data-live… so assets/live.js moves it; without scripts the page
// refreshes itself.

export interface SectionData {
  section: Section;
  campaign: CampaignInfo;
  status: "upcoming" | "open" | "closed";
  /** This country's actions in the campaign, and the world's. */
  count: number;
  total: number;
  /** The section's own goal for the campaign, when it set one. */
  goal: number | undefined;
  cases: CaseDetail[];
  /** The embeddable counter's address and the snippet to copy (plain text, escaped on output). */
  embed: { src: string; snippet: string };
}

/** A language's name in that language ("polski", "English (United States)"), for tags from the database. */
function nativeName(tag: string): string {
  try {
    return new Intl.DisplayNames([tag], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

function Languages(props: { m: Messages; section: Section }) {
  const { m, section } = props;
  return (
    <p class="section-languages">
      {m.t("section.languages")}{" "}
      {section.languages.map((tag, i) => {
        const ui = uiLocaleOf(tag);
        const name = nativeName(tag);
        return (
          <>
            {i > 0 ? ", " : null}
            {ui ? (
              <a href={localHref(ui, `/s/${section.country}`)} lang={tag} hreflang={ui}>
                {name}
              </a>
            ) : (
              <span lang={tag}>{name}</span>
            )}
          </>
        );
      })}
    </p>
  );
}

export function SectionPage(props: { ctx: PageContext; data: SectionData }) {
  const { ctx, data } = props;
  const { m } = ctx;
  const { country } = data.section;
  const countryName = m.country(country);
  const share = data.total > 0 ? data.count / data.total : 0;
  // One decimal: most countries are a few percent of the world, many below one.
  const shareText = new Intl.NumberFormat(m.locale, { style: "percent", maximumFractionDigits: 1 }).format(
    share,
  );
  const ofGoal = data.goal ? data.count / data.goal : null;
  return (
    <Layout ctx={ctx} title={data.section.name} refreshWithoutScript={30} scripts={["/assets/live.js"]}>
      <h1>{data.section.name}</h1>
      <p class="lead">{m.t("section.lead", { country: countryName, campaign: data.campaign.title })}</p>
      <Languages m={m} section={data.section} />

      <section
        class="counter"
        aria-labelledby="section-count"
        data-stream={`/api/v1/campaigns/${data.campaign.slug}/counter/stream`}
        data-locale={m.locale}
      >
        <h2 id="section-count">{m.t("section.countTitle", { country: countryName })}</h2>
        <p class="total">
          <span class="number" data-live-country={country}>
            {m.number(data.count)}
          </span>{" "}
          <span
            data-live-country={country}
            data-plural={JSON.stringify(m.pluralForms("counter.actionsLabel"))}
          >
            {m.t("counter.actionsLabel", { count: data.count })}
          </span>
        </p>
        {data.goal && ofGoal !== null ? (
          <div class="goal">
            <progress
              max={data.goal}
              value={Math.min(data.count, data.goal)}
              aria-label={m.t("section.progress")}
              data-live-country={country}
            />
            <p>
              <strong data-live-country={country} data-of={data.goal}>
                {m.percent(ofGoal)}
              </strong>{" "}
              {m.t("section.ofGoal", { goal: m.number(data.goal) })}
            </p>
          </div>
        ) : null}
        <p class="compare">
          <strong data-live-country={country} data-of="total">
            {shareText}
          </strong>{" "}
          {m.t("section.ofWorld")}{" "}
          <span class="muted">
            (<span data-live="total">{m.number(data.total)}</span>{" "}
            <span data-live-label="total" data-plural={JSON.stringify(m.pluralForms("section.worldLabel"))}>
              {m.t("section.worldLabel", { count: data.total })}
            </span>
            )
          </span>
        </p>
        {data.status === "open" ? null : (
          <p class="status">
            {data.status === "closed"
              ? m.t("counter.closed")
              : m.t("counter.upcoming", { start: m.date(data.campaign.startsAt) })}
          </p>
        )}
      </section>

      <CaseCards m={m} campaign={data.campaign} cases={data.cases} />

      <section aria-labelledby="embed-title" class="embed-code">
        <h2 id="embed-title">{m.t("section.embedTitle")}</h2>
        <p>{m.t("section.embedHelp")}</p>
        {/* Code is left to right in every language. */}
        <pre dir="ltr">
          <code>{data.embed.snippet}</code>
        </pre>
        <p>
          <a href={data.embed.src}>{m.t("section.embedPreview")}</a>
        </p>
      </section>
    </Layout>
  );
}
