import type { CaseDetail } from "../../../core/catalog/case-details.js";
import type { CampaignInfo } from "../../../core/catalog/catalog.js";
import { type PickedText, pickText } from "../../../core/catalog/texts.js";
import { direction } from "../../../platform/i18n/locales.js";
import type { Messages } from "../../../platform/i18n/messages.js";
import { Layout, localHref, type PageContext } from "../../../platform/views/layout.js";
import { CaseCards } from "../../cases/index.js";
import { Intro } from "../../home/index.js";
import { uiLocaleOf } from "../locale.js";
import type { Section, SectionContacts } from "../queries.js";

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
  /** The cases the section features (in its order), or all of the edition's if it features none. */
  cases: CaseDetail[];
  /** The edition's other cases, when the section features some. */
  otherCases: CaseDetail[];
  /** The embeddable counter's address and the snippet to copy (plain text, escaped on output). */
  embed: { src: string; snippet: string };
  /** The section's own introduction and how to reach it, in the reader's language or the fallback's. */
  intro?: PickedText<string>;
  contactsText?: PickedText<string>;
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

/** The edition's other cases, as a plain list after the ones the section features. */
function OtherCases(props: { m: Messages; campaign: CampaignInfo; cases: CaseDetail[] }) {
  const { m, campaign } = props;
  if (props.cases.length === 0) return null;
  return (
    <section aria-labelledby="other-cases-title">
      <h2 id="other-cases-title">{m.t("section.otherCases")}</h2>
      <ul>
        {props.cases.map((c) => {
          const picked = pickText(c.texts, m.locale, campaign.defaultLanguage);
          if (!picked) return null;
          return (
            <li lang={picked.language} dir={direction(picked.language)}>
              <a href={localHref(m.locale, `/cases/${c.slug}`)}>{picked.text.title}</a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Contacts(props: { m: Messages; contacts: SectionContacts; text?: PickedText<string> }) {
  const { m, contacts, text } = props;
  // Checked when entered; checked again here so that a row written another way never
  // becomes a javascript: link.
  const website = contacts.website?.startsWith("https://") ? contacts.website : null;
  if (!contacts.email && !contacts.phone && !website && !contacts.postalAddress && !text) return null;
  return (
    <section aria-labelledby="contact-title" class="section-contact">
      <h2 id="contact-title">{m.t("section.contact.title")}</h2>
      {text ? <Intro intro={text} /> : null}
      <dl>
        {contacts.email ? (
          <>
            <dt>{m.t("section.contact.email")}</dt>
            <dd>
              <a href={`mailto:${contacts.email}`} dir="ltr">
                {contacts.email}
              </a>
            </dd>
          </>
        ) : null}
        {contacts.phone ? (
          <>
            <dt>{m.t("section.contact.phone")}</dt>
            <dd>
              <a href={`tel:${contacts.phone.replace(/[^\d+]/g, "")}`} dir="ltr">
                {contacts.phone}
              </a>
            </dd>
          </>
        ) : null}
        {website ? (
          <>
            <dt>{m.t("section.contact.website")}</dt>
            <dd>
              <a href={website} dir="ltr">
                {website.replace(/^https:\/\//, "").replace(/\/$/, "")}
              </a>
            </dd>
          </>
        ) : null}
        {contacts.postalAddress ? (
          <>
            <dt>{m.t("section.contact.address")}</dt>
            <dd>
              <address dir="auto">
                {contacts.postalAddress.split(/\r?\n/).map((line, i) => (
                  <>
                    {i > 0 ? <br /> : null}
                    {line}
                  </>
                ))}
              </address>
            </dd>
          </>
        ) : null}
      </dl>
    </section>
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
    <Layout ctx={ctx} title={data.section.name} refreshWithoutScript={60} scripts={["/assets/live.js"]}>
      <h1>{data.section.name}</h1>
      <p class="lead">{m.t("section.lead", { country: countryName, campaign: ctx.campaignTitle })}</p>
      {data.intro ? <Intro intro={data.intro} /> : null}
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

      {/* A section whose languages the interface does not speak (Dutch) shows its cases in them. */}
      <CaseCards
        m={m}
        campaign={data.campaign}
        cases={data.cases}
        preferred={
          data.section.languages.some((l) => uiLocaleOf(l) === m.locale) ? [] : data.section.languages
        }
      />
      <OtherCases m={m} campaign={data.campaign} cases={data.otherCases} />

      <Contacts m={m} contacts={data.section.contacts} text={data.contactsText} />

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
