import type { CampaignInfo } from "../../core/catalog/catalog.js";
import type { CampaignStatus } from "../../core/catalog/current.js";
import type { CounterView } from "../../core/counter/presenter.js";
import type { Series } from "../../core/counter/timeline.js";
import { TimelineChart } from "../home/index.js";
import { Field, formatTime, officeMessages, ot } from "../office/index.js";
import type { ReportRow } from "../reports/index.js";
import type { TranslationProgress } from "../translations/index.js";
import type { CaseProgress, SectionStanding } from "./data.js";
import { type SourceRow, SourcesTable, sharePercent } from "./sources.js";

// The dashboard page: the live counter, the map, the timeline against last year, the sections,
// the cases, translation progress, the latest reports and the export form. The elements marked
// data-live are updated by the public counter stream (assets/live.js).

export interface DashboardProps {
  campaign: CampaignInfo;
  /** Every edition, newest first, for the campaign filter and the export. */
  campaigns: CampaignInfo[];
  previous: CampaignInfo | undefined;
  status: CampaignStatus;
  view: CounterView;
  /** The world map and its table as HTML (map/render.ts escapes every text in them). */
  map: { svg: string; table: string };
  timeline: { current: Series; previous: Series | null };
  leaderboard: SectionStanding[];
  cases: CaseProgress[];
  sources: SourceRow[];
  translations: TranslationProgress;
  reports: ReportRow[];
  canExport: boolean;
}

export function Dashboard(p: DashboardProps) {
  const { campaign, campaigns, previous, status, view, leaderboard, cases, translations, reports } = p;
  const m = officeMessages();
  return (
    <>
      <form class="filters" method="get" action="/office">
        <Field
          name="campaign"
          label={ot("office.dashboard.campaign")}
          value={campaign.slug}
          options={campaigns.map((c) => [c.slug, c.title])}
        />
        <button type="submit" class="secondary">
          {ot("office.dashboard.show")}
        </button>
      </form>

      <section
        class="card dash-counter"
        aria-labelledby="counter-title"
        data-stream={`/api/v1/campaigns/${campaign.slug}/counter/stream`}
        data-locale={m.locale}
      >
        <h2 id="counter-title">{campaign.title}</h2>
        <p class="dash-total">
          <span class="number" data-live="total" id="dash-total">
            {m.number(view.total)}
          </span>{" "}
          {ot("office.dashboard.actions", { count: view.total })}
        </p>
        <p>
          <strong data-live="ofGoal" data-of={campaign.goal}>
            {m.percent(campaign.goal > 0 ? view.total / campaign.goal : 0)}
          </strong>{" "}
          {ot("office.dashboard.ofGoal", { goal: m.number(campaign.goal) })}
          {view.previousTotal !== null && previous ? (
            <>
              {" "}
              ·{" "}
              {ot("office.dashboard.lastYear", {
                title: previous.title,
                total: m.number(view.previousTotal),
              })}
            </>
          ) : null}{" "}
          · <span data-live="perMinute">{m.number(view.perMinute)}</span> {ot("office.dashboard.perMinute")}
        </p>
        <p class="hint">
          {status === "open"
            ? ot("office.dashboard.openUntil", { time: formatTime(campaign.endsAt) })
            : status === "upcoming"
              ? ot("office.dashboard.opens", { time: formatTime(campaign.startsAt) })
              : ot("office.dashboard.ended", { time: formatTime(campaign.endsAt) })}{" "}
          {ot("office.dashboard.live")}
        </p>
      </section>

      <section aria-labelledby="map-title" class="dash-map">
        <h2 id="map-title">{m.t("map.title")}</h2>
        {/* web/map escapes every text it renders into the SVG and the table. */}
        <div class="map-figure" dangerouslySetInnerHTML={{ __html: p.map.svg }} />
        <details>
          <summary>{m.t("map.table")}</summary>
          <div dangerouslySetInnerHTML={{ __html: p.map.table }} />
        </details>
      </section>

      <TimelineChart m={m} current={p.timeline.current} previous={p.timeline.previous} />

      <section aria-labelledby="sections-title">
        <h2 id="sections-title">{ot("office.dashboard.sections")}</h2>
        <table class="dash-sections">
          <thead>
            <tr>
              <th scope="col" class="number">
                #
              </th>
              <th scope="col">{ot("office.dashboard.section")}</th>
              <th scope="col" class="number">
                {ot("office.dashboard.actionsHeader")}
              </th>
              <th scope="col" class="number">
                {ot("office.dashboard.goal")}
              </th>
              <th scope="col" class="number">
                {ot("office.dashboard.ofGoalHeader")}
              </th>
            </tr>
          </thead>
          <tbody>
            {leaderboard.map((s, i) => (
              <tr class={s.mine ? "mine" : undefined}>
                <td class="number">{m.number(i + 1)}</td>
                <th scope="row">
                  {s.name} ({s.country}){s.mine ? <strong> · {ot("office.dashboard.yours")}</strong> : null}
                </th>
                <td class="number" data-live-country={s.country}>
                  {m.number(s.count)}
                </td>
                <td class="number">{s.goal === null ? "—" : m.number(s.goal)}</td>
                <td class="number">
                  {s.goal === null || s.ofGoal === null ? (
                    "—"
                  ) : (
                    <span data-live-country={s.country} data-of={s.goal}>
                      {m.percent(s.ofGoal)}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="cases-title">
        <h2 id="cases-title">{ot("office.dashboard.cases")}</h2>
        <table class="dash-cases">
          <thead>
            <tr>
              <th scope="col">{ot("office.dashboard.case")}</th>
              <th scope="col" class="number">
                {ot("office.dashboard.actionsHeader")}
              </th>
              <th scope="col" class="number">
                {ot("office.dashboard.share")}
              </th>
              <th scope="col" class="number">
                {ot("office.dashboard.evenShare")}
              </th>
            </tr>
          </thead>
          <tbody>
            {cases.map((c) => (
              <tr>
                <th scope="row">{c.slug}</th>
                <td class="number" data-live-case={c.slug}>
                  {m.number(c.count)}
                </td>
                <td class="number">{sharePercent(m.locale, c.share)}</td>
                <td class="number">{c.ofEvenGoal === null ? "—" : m.percent(c.ofEvenGoal)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="hint">{ot("office.dashboard.evenShareHint", { count: campaign.cases.size })}</p>
      </section>

      <SourcesTable rows={p.sources} total={view.total} />

      <section aria-labelledby="translations-title">
        <h2 id="translations-title">{ot("office.dashboard.translations")}</h2>
        {translations.cases.length === 0 || translations.languages.length === 0 ? (
          <p>{ot("office.dashboard.noTranslations")}</p>
        ) : (
          // Focusable, so keyboard users can scroll the wide table.
          <section class="scroll" tabindex={0} aria-labelledby="translations-title">
            <table class="dash-translations">
              <caption class="sr-only">{ot("office.dashboard.translationsCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{ot("office.dashboard.case")}</th>
                  {translations.languages.map((l) => (
                    <th scope="col" lang={l}>
                      {l}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {translations.cases.map((c) => (
                  <tr>
                    <th scope="row">{c.title || c.slug}</th>
                    {translations.languages.map((l) => {
                      const p = c.byLanguage[l];
                      if (!p || p.total === 0) return <td>—</td>;
                      return (
                        <td>
                          <span class={p.approved === p.total ? "status-approved" : undefined}>
                            {m.number(p.approved)}/{m.number(p.total)}
                          </span>
                          {p.outdated > 0 ? (
                            <span class="status-outdated">
                              {" "}
                              · {ot("office.dashboard.outdated", { count: p.outdated })}
                            </span>
                          ) : null}
                          {p.missing > 0 ? (
                            <span class="status-missing">
                              {" "}
                              · {ot("office.dashboard.missing", { count: p.missing })}
                            </span>
                          ) : null}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </section>

      <section aria-labelledby="reports-title">
        <h2 id="reports-title">{ot("office.dashboard.reports")}</h2>
        {reports.length === 0 ? (
          <p>{ot("office.dashboard.noReports")}</p>
        ) : (
          <table class="dash-reports">
            <thead>
              <tr>
                <th scope="col">{ot("office.dashboard.reported")}</th>
                <th scope="col">{ot("office.dashboard.case")}</th>
                <th scope="col">{ot("office.dashboard.type")}</th>
                <th scope="col">{ot("office.dashboard.country")}</th>
                <th scope="col" class="number">
                  {ot("office.dashboard.letters")}
                </th>
                <th scope="col">{ot("office.dashboard.writtenOn")}</th>
                <th scope="col">{ot("office.dashboard.event")}</th>
                <th scope="col">{ot("office.dashboard.by")}</th>
              </tr>
            </thead>
            <tbody>
              {reports.map((r) => (
                <tr>
                  <td>
                    {formatTime(r.createdAt)}
                    {r.late ? (
                      <>
                        {" "}
                        <span class="late">{ot("office.dashboard.late")}</span>
                      </>
                    ) : null}
                  </td>
                  <td>{r.caseSlug}</td>
                  <td>{ot(`office.action.${r.type}`)}</td>
                  <td>{m.country(r.country)}</td>
                  <td class="number">
                    {/* What the report counts now, with its corrections. */}
                    <a href={`/office/reports/${r.id}`}>{m.number(r.net)}</a>
                    {r.reason ? <span class="hint"> ({r.reason})</span> : null}
                  </td>
                  <td>{r.date}</td>
                  <td>{r.eventTitle ?? "—"}</td>
                  <td>{r.reporterEmail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {p.canExport ? (
        <section aria-labelledby="export-title">
          <h2 id="export-title">{ot("office.dashboard.export")}</h2>
          <form class="filters" method="get" action="/office/export.csv">
            <div class="field">
              <label for="f-export-campaign">{ot("office.dashboard.exportLabel")}</label>
              <select id="f-export-campaign" name="campaign">
                {campaigns.map((c) => (
                  <option value={c.slug} selected={c.slug === campaign.slug}>
                    {c.title}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">{ot("office.dashboard.download")}</button>
          </form>
        </section>
      ) : null}
      <script src="/assets/live.js" defer />
    </>
  );
}
