import type { CaseDetail } from "../../core/catalog/case-details.js";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import type { CounterView } from "../../core/counter/presenter.js";
import type { Series } from "../../core/counter/timeline.js";
import { Layout, type PageContext } from "../../platform/views/layout.js";
import { CountryList } from "../../platform/views/parts.js";
import { CaseCards } from "../cases/index.js";
import { CounterPanel } from "./counter-panel.js";
import { TimelineChart } from "./timeline-chart.js";

export interface HomeData {
  campaign: CampaignInfo;
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

export function HomePage(props: { ctx: PageContext; data: HomeData }) {
  const { ctx, data } = props;
  const { m } = ctx;
  const topCountries = Object.entries(data.view.byCountry).slice(0, TOP);
  return (
    <Layout ctx={ctx} title={data.campaign.title} refreshWithoutScript={60} scripts={["/assets/live.js"]}>
      <h1>{data.campaign.title}</h1>
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
