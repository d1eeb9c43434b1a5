import {
  type CaseDetail,
  cardsAddress,
  type LocalText,
  localTarget,
} from "../../../core/catalog/case-details.js";
import type { CampaignInfo } from "../../../core/catalog/catalog.js";
import { pickText } from "../../../core/catalog/texts.js";
import type { CounterView } from "../../../core/counter/presenter.js";
import { direction } from "../../../platform/i18n/locales.js";
import { Layout, localHref, type PageContext } from "../../../platform/views/layout.js";
import { CountryList } from "../../../platform/views/parts.js";
import type { Done, FormState, WallMessage } from "../../acting/index.js";
import { ActForms, SolidarityWall } from "../../acting/index.js";
import { appealLetterText, CaseMaterialLinks, toMaterialCase, wordingFor } from "../../materials/index.js";
import { ShareLinks } from "../../sharing/index.js";

export interface CaseData {
  acting: {
    state: FormState | undefined;
    done: Done | undefined;
    /** The case page's own path, in the reader's language; forms post below it. */
    actionBase: string;
    /** RETENTION_MONTHS: what the sign form's notice promises (features/privacy keeps it). */
    retentionMonths: number;
  };
  campaign: CampaignInfo;
  detail: CaseDetail;
  /** The language the case is read in: the interface's, or one the address names (/ca/cases/…). */
  language: string;
  /** Approved messages of solidarity. */
  wall: WallMessage[];
  view: CounterView;
  /** This case's actions by country, largest first. */
  countries: [string, number][];
  /** The page's absolute address (no query) and the text the share links send with it. */
  share: { url: string; text: string };
}

/**
 * The case's photo, its text for readers who cannot see it picked like the case's texts (the
 * reader's language, then the fallbacks). Browsers choose the variant the screen needs.
 */
function CasePhoto(props: {
  detail: CaseDetail;
  locale: string;
  campaignDefault: string;
  textLanguage: string;
}) {
  const { photo } = props.detail;
  const largest = photo?.variants[photo.variants.length - 1];
  if (!photo || !largest) return null;
  const withAlt = Object.fromEntries(
    Object.entries(props.detail.texts)
      .filter(([, t]) => t.photoAlt.trim() !== "")
      .map(([language, t]) => [language, t.photoAlt]),
  );
  const alt = pickText(withAlt, props.locale, props.campaignDefault);
  return (
    <figure class="case-photo">
      <img
        src={largest.url}
        srcset={photo.variants.map((v) => `${v.url} ${v.width}w`).join(", ")}
        sizes="(min-width: 60rem) 58rem, calc(100vw - 2rem)"
        width={largest.width}
        height={largest.height}
        alt={alt?.text ?? ""}
        lang={alt && alt.language !== props.textLanguage ? alt.language : undefined}
        loading="eager"
        decoding="async"
      />
    </figure>
  );
}

/** A text in its own language: marked when it is not the surrounding one. */
function Part(props: { part: LocalText; around: string }) {
  const { part } = props;
  if (part.language === props.around) return <>{part.text}</>;
  return (
    <span lang={part.language} dir={direction(part.language)}>
      {part.text}
    </span>
  );
}

/** Lines of an address, each in its language. */
function Lines(props: { part: LocalText; around: string }) {
  return (
    <>
      {props.part.text
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => (
          <>
            <br />
            <Part part={{ text: line, language: props.part.language }} around={props.around} />
          </>
        ))}
    </>
  );
}

function Paragraphs(props: { text: string }) {
  return (
    <>
      {props.text
        .split(/\n\s*\n/)
        .filter((p) => p.trim())
        .map((p) => (
          <p>{p.trim()}</p>
        ))}
    </>
  );
}

/**
 * The letter form's addressees and its sample letter (to the first; the PDF readdresses it to
 * the one chosen): the case's own sample, else the language's, as the appeal letters have them.
 */
function letterForm(
  locale: string,
  data: CaseData,
  publicUrl: string,
): { targets: string[]; sample: string } {
  const material = toMaterialCase(data.detail, data.campaign, locale, publicUrl);
  const first = material?.targets[0];
  if (!material || !first) return { targets: [], sample: "" };
  // The letter is in the language of the case's text, which may be a fallback's.
  const m = wordingFor(material.textLanguage);
  return {
    targets: material.targets.map((t) => [t.title, t.name].filter((s) => s.trim() !== "").join(", ")),
    sample: appealLetterText(m, material, first),
  };
}

export function CasePage(props: { ctx: PageContext; data: CaseData }) {
  const { ctx, data } = props;
  const { m } = ctx;
  const picked = pickText(data.detail.texts, data.language, data.campaign.defaultLanguage);
  if (!picked) return null;
  const { text } = picked;
  const targets = data.detail.targets.map((t) => localTarget(data.detail, t, picked.language));
  const cards = cardsAddress(data.detail, picked.language, data.campaign.defaultLanguage);
  const textDir = direction(picked.language);
  const count = data.view.byCase[data.detail.slug] ?? 0;
  const letter = letterForm(data.language, data, ctx.publicUrl ?? "");
  const languageName =
    new Intl.DisplayNames([m.locale], { type: "language" }).of(picked.language) ?? picked.language;
  return (
    // No refresh without scripts: it would wipe a message being typed (WCAG 2.2.1); the count
    // is as of the page's load, and live with scripts on.
    <Layout
      ctx={ctx}
      title={text.title}
      scripts={[
        "/assets/live.js",
        "/assets/forms.js",
        "/assets/share.js",
        // Only on the page answering a post over its limits (a page for that person only).
        ...(data.acting.state?.limit?.challenge ? ["/assets/challenge.js"] : []),
      ]}
    >
      <p>
        <a href={localHref(m.locale, "/")}>{m.t("case.back")}</a>
      </p>
      <article lang={picked.language} dir={direction(picked.language)} class="case">
        <h1>{text.title}</h1>
        <CasePhoto
          detail={data.detail}
          locale={picked.language}
          campaignDefault={data.campaign.defaultLanguage}
          textLanguage={picked.language}
        />
        {picked.isFallback ? (
          <p class="note" lang={m.locale} dir={direction(m.locale)}>
            {m.t("case.fallback", { language: languageName })}
          </p>
        ) : null}
        <p class="summary">{text.summary}</p>
        <p
          class="case-count"
          lang={m.locale}
          dir={direction(m.locale)}
          data-stream={`/api/v1/campaigns/${data.campaign.slug}/counter/stream`}
          data-locale={m.locale}
        >
          <span data-live-case={data.detail.slug}>{m.number(count)}</span>
        </p>
        <h2 lang={m.locale} dir={direction(m.locale)}>
          {m.t("case.story")}
        </h2>
        <Paragraphs text={text.story} />
        <h2 lang={m.locale} dir={direction(m.locale)}>
          {m.t("case.ask")}
        </h2>
        <Paragraphs text={text.ask} />
      </article>
      <section aria-labelledby="targets-title">
        <h2 id="targets-title">{m.t("case.targets")}</h2>
        {targets.map((target) => (
          <address class="target" lang={picked.language} dir={textDir}>
            <strong>{target.name}</strong>
            {target.title.text ? (
              <>
                <br />
                <Part part={target.title} around={picked.language} />
              </>
            ) : null}
            <Lines part={target.postalAddress} around={picked.language} />
          </address>
        ))}
      </section>
      {cards ? (
        <section aria-labelledby="cards-title">
          <h2 id="cards-title">{m.t("case.cards")}</h2>
          <address class="cards" lang={cards.language} dir={direction(cards.language)}>
            {cards.text.split("\n").map((line, i) => (
              <>
                {i > 0 ? <br /> : null}
                {line}
              </>
            ))}
          </address>
        </section>
      ) : null}
      <CaseMaterialLinks m={m} language={data.language} slug={data.detail.slug} />
      <ShareLinks m={m} id="share" url={data.share.url} text={data.share.text} />
      <ActForms
        m={m}
        afterDone={<ShareLinks m={m} id="share-done" url={data.share.url} text={data.share.text} thanks />}
        action={(form) => `${data.acting.actionBase}/${form}`}
        state={data.acting.state}
        done={data.acting.done}
        caseName={text.title}
        retentionMonths={data.acting.retentionMonths}
        targets={letter.targets}
        sampleLetter={letter.sample}
      />
      <SolidarityWall m={m} messages={data.wall} />
      <CountryList
        m={m}
        id="case-countries"
        title={m.t("case.countries", { name: text.title })}
        countries={data.countries.slice(0, 10)}
      />
    </Layout>
  );
}
