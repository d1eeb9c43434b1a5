import type { CaseDetail } from "../../core/catalog/case-details.js";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import type { PickedText } from "../../core/catalog/texts.js";
import type { CounterView } from "../../core/counter/presenter.js";
import type { Series } from "../../core/counter/timeline.js";
import { direction } from "../../platform/i18n/locales.js";
import { Layout, type PageContext } from "../../platform/views/layout.js";
import { CountryList } from "../../platform/views/parts.js";
import { CaseCards } from "../cases/index.js";
import { CounterPanel } from "./counter-panel.js";
import { TimelineChart } from "./timeline-chart.js";

export interface HomeData {
  campaign: CampaignInfo;
  /** The edition's introduction in the reader's language, or the fallback's (with its language). */
  intro?: PickedText<string>;
  status: string;
  view: CounterView;
  /** Set while the node is cut off from the ledger: when its numbers were last exact. */
  staleSince?: Date;
  cases: CaseDetail[];
  timeline: { current: Series; previous: Series | null };
  /** The world map (SVG) and its table alternative (HTML), rendered and escaped by web/map. */
  map: { svg: string; table: string };
}

const TOP = 10;

/** Paragraphs of an edition's introduction; a fallback in another language says which it is. */
export function Intro(props: { intro: PickedText<string> }) {
  const { intro } = props;
  const other = intro.isFallback;
  return (
    <div
      class="intro"
      lang={other ? intro.language : undefined}
      dir={other ? direction(intro.language) : undefined}
    >
      {intro.text.split(/\n{2,}/).map((paragraph) => (
        <p>{paragraph}</p>
      ))}
    </div>
  );
}

export function HomePage(props: { ctx: PageContext; data: HomeData }) {
  const { ctx, data } = props;
  const { m } = ctx;
  const topCountries = Object.entries(data.view.byCountry).slice(0, TOP);
  return (
    <Layout ctx={ctx} title={ctx.campaignTitle} refreshWithoutScript={60} scripts={["/assets/live.js"]}>
      <h1>{ctx.campaignTitle}</h1>
      {data.intro ? <Intro intro={data.intro} /> : null}
      <p class="dates">
        {m.t("counter.dates", { start: m.date(data.campaign.startsAt), end: m.date(data.campaign.endsAt) })}
      </p>
      <CounterPanel
        m={m}
        campaign={data.campaign}
        view={data.view}
        status={data.status}
        staleSince={data.staleSince}
      />

      <CaseCards m={m} campaign={data.campaign} cases={data.cases} counts={data.view.byCase} />

      <section aria-labelledby="map-title" class="map">
        <h2 id="map-title">{m.t("map.title")}</h2>
        {/* web/map escapes every text it renders into the SVG and the table. */}
        <div class="map-figure" dangerouslySetInnerHTML={{ __html: data.map.svg }} />
        <details>
          <summary>{m.t("map.table")}</summary>
          <div dangerouslySetInnerHTML={{ __html: data.map.table }} />
        </details>
      </section>

      <TimelineChart m={m} current={data.timeline.current} previous={data.timeline.previous} />

      <CountryList m={m} id="countries-title" title={m.t("top.countries")} countries={topCountries} />
    </Layout>
  );
}
