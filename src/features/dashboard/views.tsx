import type { CampaignInfo } from "../../core/catalog/catalog.js";
import type { CampaignStatus } from "../../core/catalog/current.js";
import type { CounterView } from "../../core/counter/presenter.js";
import type { Series } from "../../core/counter/timeline.js";
import { messagesFor } from "../../platform/i18n/messages.js";
import { TimelineChart } from "../home/index.js";
import { Field, formatTime } from "../office/index.js";
import type { ReportRow } from "../reports/index.js";
import type { TranslationProgress } from "../translations/index.js";
import type { CaseProgress, SectionStanding } from "./data.js";
import { type SourceRow, SourcesTable } from "./sources.js";

// The dashboard page: the live counter, the map, the timeline against last year, the sections,
// the cases, translation progress, the latest reports and the export form. The elements marked
// data-live are updated by the public counter stream (assets/live.js).

const en = messagesFor("en");
const percent = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 });

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
  return (
    <>
      <form class="filters" method="get" action="/office">
        <Field
          name="campaign"
          label="Campaign"
          value={campaign.slug}
          options={campaigns.map((c) => [c.slug, c.title])}
        />
        <button type="submit" class="secondary">
          Show
        </button>
      </form>

      <section
        class="card dash-counter"
        aria-labelledby="counter-title"
        data-stream={`/api/v1/campaigns/${campaign.slug}/counter/stream`}
        data-locale="en"
      >
        <h2 id="counter-title">{campaign.title}</h2>
        <p class="dash-total">
          <span class="number" data-live="total" id="dash-total">
            {en.number(view.total)}
          </span>{" "}
          actions
        </p>
        <p>
          <strong data-live="ofGoal" data-of={campaign.goal}>
            {en.percent(campaign.goal > 0 ? view.total / campaign.goal : 0)}
          </strong>{" "}
          of the goal of {en.number(campaign.goal)}
          {view.previousTotal !== null && previous ? (
            <>
              {" "}
              · last year ({previous.title}): {en.number(view.previousTotal)}
            </>
          ) : null}{" "}
          · <span data-live="perMinute">{en.number(view.perMinute)}</span> per minute now
        </p>
        <p class="hint">
          {status === "open"
            ? `Open until ${formatTime(campaign.endsAt)}.`
            : status === "upcoming"
              ? `Opens ${formatTime(campaign.startsAt)}.`
              : `Ended ${formatTime(campaign.endsAt)}.`}{" "}
          Numbers update live; without JavaScript, reload the page.
        </p>
      </section>

      <section aria-labelledby="map-title" class="dash-map">
        <h2 id="map-title">{en.t("map.title")}</h2>
        {/* web/map escapes every text it renders into the SVG and the table. */}
        <div class="map-figure" dangerouslySetInnerHTML={{ __html: p.map.svg }} />
        <details>
          <summary>{en.t("map.table")}</summary>
          <div dangerouslySetInnerHTML={{ __html: p.map.table }} />
        </details>
      </section>

      <TimelineChart m={en} current={p.timeline.current} previous={p.timeline.previous} />

      <section aria-labelledby="sections-title">
        <h2 id="sections-title">Sections</h2>
        <table class="dash-sections">
          <thead>
            <tr>
              <th scope="col" class="number">
                #
              </th>
              <th scope="col">Section</th>
              <th scope="col" class="number">
                Actions
              </th>
              <th scope="col" class="number">
                Goal
              </th>
              <th scope="col" class="number">
                Of goal
              </th>
            </tr>
          </thead>
          <tbody>
            {leaderboard.map((s, i) => (
              <tr class={s.mine ? "mine" : undefined}>
                <td class="number">{i + 1}</td>
                <th scope="row">
                  {s.name} ({s.country}){s.mine ? <strong> · yours</strong> : null}
                </th>
                <td class="number" data-live-country={s.country}>
                  {en.number(s.count)}
                </td>
                <td class="number">{s.goal === null ? "—" : en.number(s.goal)}</td>
                <td class="number">
                  {s.goal === null || s.ofGoal === null ? (
                    "—"
                  ) : (
                    <span data-live-country={s.country} data-of={s.goal}>
                      {en.percent(s.ofGoal)}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="cases-title">
        <h2 id="cases-title">Cases</h2>
        <table class="dash-cases">
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col" class="number">
                Actions
              </th>
              <th scope="col" class="number">
                Share of all actions
              </th>
              <th scope="col" class="number">
                Of an even share of the goal
              </th>
            </tr>
          </thead>
          <tbody>
            {cases.map((c) => (
              <tr>
                <th scope="row">{c.slug}</th>
                <td class="number" data-live-case={c.slug}>
                  {en.number(c.count)}
                </td>
                <td class="number">{percent.format(c.share)}</td>
                <td class="number">{c.ofEvenGoal === null ? "—" : en.percent(c.ofEvenGoal)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="hint">
          An even share of the goal is the campaign's goal divided by its {campaign.cases.size} published
          cases.
        </p>
      </section>

      <SourcesTable rows={p.sources} total={view.total} />

      <section aria-labelledby="translations-title">
        <h2 id="translations-title">Translations</h2>
        {translations.cases.length === 0 || translations.languages.length === 0 ? (
          <p>No translations yet.</p>
        ) : (
          // Focusable, so keyboard users can scroll the wide table.
          <section class="scroll" tabindex={0} aria-labelledby="translations-title">
            <table class="dash-translations">
              <caption class="sr-only">Approved fields of each case, per language</caption>
              <thead>
                <tr>
                  <th scope="col">Case</th>
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
                            {p.approved}/{p.total}
                          </span>
                          {p.outdated > 0 ? (
                            <span class="status-outdated"> · {p.outdated} outdated</span>
                          ) : null}
                          {p.missing > 0 ? <span class="status-missing"> · {p.missing} missing</span> : null}
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
        <h2 id="reports-title">Latest reports</h2>
        {reports.length === 0 ? (
          <p>No reports you can see yet.</p>
        ) : (
          <table class="dash-reports">
            <thead>
              <tr>
                <th scope="col">Reported</th>
                <th scope="col">Case</th>
                <th scope="col">Type</th>
                <th scope="col">Country</th>
                <th scope="col" class="number">
                  Letters
                </th>
                <th scope="col">Written on</th>
                <th scope="col">Event</th>
                <th scope="col">By</th>
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
                        <span class="late">late</span>
                      </>
                    ) : null}
                  </td>
                  <td>{r.caseSlug}</td>
                  <td>{r.type}</td>
                  <td>{r.country}</td>
                  <td class="number">
                    {en.number(r.quantity)}
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
          <h2 id="export-title">Export</h2>
          <form class="filters" method="get" action="/office/export.csv">
            <div class="field">
              <label for="f-export-campaign">Counts by day, country, case and type (CSV) of</label>
              <select id="f-export-campaign" name="campaign">
                {campaigns.map((c) => (
                  <option value={c.slug} selected={c.slug === campaign.slug}>
                    {c.title}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">Download CSV</button>
          </form>
        </section>
      ) : null}
      <script src="/assets/live.js" defer />
    </>
  );
}
