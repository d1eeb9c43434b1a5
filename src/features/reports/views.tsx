import type { FastifyReply } from "fastify";
import type { ComponentChildren } from "preact";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { reportsCloseAt } from "../../core/catalog/current.js";
import { ACTION_TYPES, type ActionType } from "../../core/ledger/types.js";
import type { OfficeUser } from "../office/index.js";
import {
  CsrfField,
  ErrorSummary,
  type Errors,
  Field,
  Notice,
  OfficeLayout,
  officeMessages,
  ot,
  sendPage,
} from "../office/index.js";
import { REPORT_PAGE, type ReportRow } from "./queries.js";
import {
  eventDay,
  MAX_QUANTITY,
  PLAUSIBLE_PER_PLACE,
  type ReportEvent,
  type ReportInput,
} from "./reports.js";

// The pages of offline reports: the list and the form (a report's page and its correction form
// are in correction-views.tsx, the CSV import's pages in import-views.tsx). Components get what they show; the handlers load it.

export const HERE = "/office/reports";

/** What was written, by type, in the page's language ("Letters", "Cartas"). */
export const typeLabel = (type: ActionType): string => ot(`office.reports.type.${type}`);

export const countryName = (code: string) => officeMessages().country(code);
export const fmt = (n: number) => officeMessages().number(n);

/** A back-office page of the reports area. */
export function sendReportsPage(
  reply: FastifyReply,
  user: OfficeUser,
  title: string,
  body: ComponentChildren,
  status = 200,
) {
  return sendPage(
    reply,
    <OfficeLayout title={title} user={user} csrf={reply.generateCsrf()} current={HERE}>
      {body}
    </OfficeLayout>,
    status,
  );
}

/** A change as people read it: +20, −1,800. */
export const signed = (n: number) => (n < 0 ? `−${fmt(-n)}` : `+${fmt(n)}`);

/** The question a report far larger than its event asks before it counts. */
export interface SureQuestion {
  quantity: number;
  capacity: number;
  event: string;
}

export function AreYouSure(p: { question: SureQuestion }) {
  const { question } = p;
  return (
    <div class="are-you-sure" role="alert" id="are-you-sure">
      <h2>{ot("office.reports.sure.title")}</h2>
      <p>
        {ot("office.reports.sure.text", {
          quantity: fmt(question.quantity),
          perPlace: PLAUSIBLE_PER_PLACE,
          title: question.event,
          capacity: fmt(question.capacity),
        })}
      </p>
      <p>{ot("office.reports.sure.how")}</p>
    </div>
  );
}

// ——— The list ———

export function ReportList(p: { reports: ReportRow[]; titles: Map<number, string>; notice?: string }) {
  const last = p.reports.at(-1);
  return (
    <>
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      <p>
        <a class="button" href={`${HERE}/new`}>
          {ot("office.reports.new")}
        </a>{" "}
        <a class="button secondary" href={`${HERE}/import`}>
          {ot("office.reports.importCsv")}
        </a>
      </p>
      {p.reports.length === 0 ? (
        <p>{ot("office.reports.none")}</p>
      ) : (
        <table>
          <caption class="sr-only">{ot("office.reports.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{ot("office.reports.date")}</th>
              <th scope="col">{ot("office.reports.case")}</th>
              <th scope="col">{ot("office.reports.type")}</th>
              <th scope="col">{ot("office.reports.country")}</th>
              <th scope="col" class="number">
                {ot("office.reports.counted")}
              </th>
              <th scope="col">{ot("office.reports.event")}</th>
              <th scope="col">{ot("office.reports.reportedBy")}</th>
              <th scope="col">{ot("office.reports.note")}</th>
              <th scope="col">
                <span class="sr-only">{ot("office.reports.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {p.reports.map((r) => (
              <tr>
                <td>
                  {r.date}
                  {r.late ? (
                    <>
                      {" "}
                      <span class="late" title={ot("office.reports.lateTitle")}>
                        {ot("office.dashboard.late")}
                      </span>
                    </>
                  ) : null}
                </td>
                <td>{p.titles.get(r.caseId) ?? r.caseSlug}</td>
                <td>{typeLabel(r.type)}</td>
                <td>{countryName(r.country)}</td>
                <td class="number">
                  <a href={`${HERE}/${r.id}`}>{fmt(r.net)}</a>
                  {r.corrections > 0 ? (
                    <span class="hint">
                      {" "}
                      {ot("office.reports.correctedTimes", {
                        count: r.corrections,
                        reported: fmt(r.quantity),
                      })}
                    </span>
                  ) : null}
                </td>
                <td>{r.eventTitle ?? "—"}</td>
                <td>{r.reporter}</td>
                <td>
                  {r.reason ?? ""}
                  {r.importId ? <span class="hint"> {ot("office.reports.imported")}</span> : null}
                </td>
                <td>
                  <a href={`${HERE}/${r.id}/correct`}>
                    {ot("office.reports.correct")}
                    <span class="sr-only"> {ot("office.reports.correctOf", { date: r.date })}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {p.reports.length === REPORT_PAGE && last ? (
        <p>
          <a href={`${HERE}?before=${last.id}`}>{ot("office.reports.older")}</a>
        </p>
      ) : null}
    </>
  );
}

// ——— The form ———

export interface ReportFormProps {
  csrf: string;
  /** The form's idempotency key (not `key`, which JSX keeps for itself). */
  formKey: string;
  input: ReportInput;
  errors: Errors;
  campaign: CampaignInfo;
  days: [string, string];
  ended: boolean;
  /** Case slug → title, in the campaign's order. */
  cases: [string, string][];
  countries: [string, string][];
  events: ReportEvent[];
  /** Set when the quantity needs a second "yes" (above 20 letters a place of the event). */
  sure?: SureQuestion;
}

export function ReportForm(p: ReportFormProps) {
  const [first, last] = p.days;
  const { input, errors } = p;
  // Most organizers report for one country: choose it for them.
  const country = input.country || (p.countries.length === 1 ? (p.countries[0]?.[0] ?? "") : "");
  return (
    <>
      <p>
        {ot("office.reports.for", { title: p.campaign.title, first, last })}{" "}
        {p.ended
          ? ot("office.reports.ended", { until: reportsCloseAt(p.campaign).toISOString().slice(0, 10) })
          : null}
      </p>
      <ErrorSummary errors={errors} />
      {p.sure ? <AreYouSure question={p.sure} /> : null}
      <form class="stack" method="post" action={`${HERE}/new`} novalidate>
        <CsrfField token={p.csrf} />
        <input type="hidden" name="key" value={p.formKey} />
        {/* The number confirmed: a different one asks again. */}
        {p.sure ? <input type="hidden" name="sure" value={String(p.sure.quantity)} /> : null}
        <Field
          name="case"
          label={ot("office.reports.case")}
          value={input.case}
          errors={errors}
          required
          options={[["", ot("office.reports.chooseCase")], ...p.cases]}
        />
        <Field
          name="type"
          label={ot("office.reports.whatWritten")}
          value={input.type || "letter"}
          errors={errors}
          options={ACTION_TYPES.map((t): [string, string] => [t, typeLabel(t)])}
        />
        <Field
          name="country"
          label={ot("office.reports.countryWritten")}
          value={country}
          errors={errors}
          required
          options={[["", ot("office.reports.chooseCountry")], ...p.countries]}
        />
        <Field
          name="date"
          label={ot("office.reports.date")}
          type="date"
          value={input.date}
          errors={errors}
          hint={ot("office.reports.between", { first, last })}
          required
          attrs={{ min: first, max: last }}
        />
        <Field
          name="quantity"
          label={ot("office.reports.howMany")}
          type="number"
          value={input.quantity}
          errors={errors}
          hint={ot("office.reports.fromTo", { max: fmt(MAX_QUANTITY) })}
          required
          attrs={{ min: 1, max: MAX_QUANTITY, step: 1, inputmode: "numeric" }}
        />
        {p.events.length > 0 || input.event ? (
          <Field
            name="event"
            label={ot("office.reports.eventOptional")}
            value={input.event}
            errors={errors}
            options={[
              ["", ot("office.reports.noEvent")],
              ...p.events.map((e): [string, string] => [
                e.id,
                ot(e.cancelled ? "office.reports.eventCancelled" : "office.reports.eventOption", {
                  title: e.title,
                  country: e.country,
                  day: eventDay(e),
                }),
              ]),
            ]}
          />
        ) : null}
        <button type="submit">
          {p.sure
            ? ot("office.reports.sure.submit", { quantity: fmt(p.sure.quantity) })
            : ot("office.reports.submit")}
        </button>
      </form>
    </>
  );
}
