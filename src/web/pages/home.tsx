import type { CampaignInfo } from "../../campaigns/catalog.js";
import type { CaseDetail } from "../../campaigns/queries.js";
import { pickText } from "../../cases/texts.js";
import type { CounterView } from "../../counter/presenter.js";
import type { Series } from "../../counter/timeline.js";
import { direction } from "../../i18n/locales.js";
import { CounterPanel } from "./counter-panel.js";
import { Layout, localHref, type PageContext } from "./layout.js";
import { TimelineChart } from "./timeline-chart.js";

export interface HomeData {
  campaign: CampaignInfo;
  status: string;
  view: CounterView;
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
    <Layout ctx={ctx} title={data.campaign.title} refreshWithoutScript={30} scripts={["/assets/live.js"]}>
      <h1>{data.campaign.title}</h1>
      <p class="dates">
        {m.t("counter.dates", { start: m.date(data.campaign.startsAt), end: m.date(data.campaign.endsAt) })}
      </p>
      <CounterPanel m={m} campaign={data.campaign} view={data.view} status={data.status} />

      <section aria-labelledby="cases-title">
        <h2 id="cases-title">{m.t("cases.title")}</h2>
        <ul class="cards">
          {data.cases.map((c) => {
            const picked = pickText(c.texts, m.locale, data.campaign.defaultLanguage);
            if (!picked) return null;
            return (
              <li class="card" lang={picked.language} dir={direction(picked.language)}>
                <h3>
                  <a href={localHref(m.locale, `/cases/${c.slug}`)}>{picked.text.title}</a>
                </h3>
                <p>{picked.text.summary}</p>
                <p class="card-count">
                  <span data-live-case={c.slug}>{m.number(data.view.byCase[c.slug] ?? 0)}</span>
                </p>
              </li>
            );
          })}
        </ul>
      </section>

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

      <section aria-labelledby="countries-title">
        <h2 id="countries-title">{m.t("top.countries")}</h2>
        <ol class="top">
          {topCountries.map(([code, n]) => (
            <li>
              <span>{m.country(code)}</span> <span class="number">{m.number(n)}</span>
            </li>
          ))}
        </ol>
      </section>
    </Layout>
  );
}
