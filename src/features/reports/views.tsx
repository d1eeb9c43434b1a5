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
import { eventDay, MAX_QUANTITY, MAX_REASON, type ReportEvent, type ReportInput } from "./reports.js";

// The pages of offline reports: the list, the form and the correction form (the CSV import's
// pages are in import-views.tsx). Components get what they show; the handlers load it.

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
                {ot("office.reports.quantity")}
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
                <td class="number">{r.quantity > 0 ? fmt(r.quantity) : `−${fmt(-r.quantity)}`}</td>
                <td>{r.eventTitle ?? "—"}</td>
                <td>{r.reporter}</td>
                <td>
                  {r.corrects
                    ? ot("office.reports.correction", { reason: r.reason ?? "" })
                    : (r.reason ?? "")}
                  {r.importId ? <span class="hint"> {ot("office.reports.imported")}</span> : null}
                </td>
                <td>
                  <a href={`${HERE}/${r.corrects ?? r.id}/correct`}>
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
      <form class="stack" method="post" action={`${HERE}/new`} novalidate>
        <CsrfField token={p.csrf} />
        <input type="hidden" name="key" value={p.formKey} />
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
        <button type="submit">{ot("office.reports.submit")}</button>
      </form>
    </>
  );
}

// ——— Corrections ———

export interface CorrectionState {
  key: string;
  quantity: string;
  reason: string;
  errors?: Errors;
}

export function CorrectionForm(p: {
  csrf: string;
  original: ReportRow;
  title: string;
  net: number;
  state: CorrectionState;
}) {
  const { original, net, state } = p;
  const errors = state.errors ?? {};
  return (
    <>
      <dl class="card">
        <dt>{ot("office.reports.case")}</dt>
        <dd>{p.title}</dd>
        <dt>{ot("office.reports.type")}</dt>
        <dd>{typeLabel(original.type)}</dd>
        <dt>{ot("office.reports.country")}</dt>
        <dd>{countryName(original.country)}</dd>
        <dt>{ot("office.reports.date")}</dt>
        <dd>{original.date}</dd>
        <dt>{ot("office.reports.event")}</dt>
        <dd>{original.eventTitle ?? "—"}</dd>
        <dt>{ot("office.reports.reported")}</dt>
        <dd>{fmt(original.quantity)}</dd>
        <dt>{ot("office.reports.countedNow")}</dt>
        <dd>{fmt(net)}</dd>
      </dl>
      <p>{ot("office.reports.correctionIntro")}</p>
      <ErrorSummary errors={errors} />
      <form class="stack" method="post" action={`${HERE}/${original.id}/correct`} novalidate>
        <CsrfField token={p.csrf} />
        <input type="hidden" name="key" value={state.key} />
        <Field
          name="quantity"
          label={ot("office.reports.change")}
          type="number"
          value={state.quantity}
          errors={errors}
          hint={ot("office.reports.changeHint", { max: fmt(net) })}
          required
          attrs={{ step: 1, min: -net, max: MAX_QUANTITY }}
        />
        <Field
          name="reason"
          label={ot("office.reports.reason")}
          textarea
          rows={3}
          value={state.reason}
          errors={errors}
          hint={ot("office.reports.reasonHint")}
          required
          attrs={{ maxlength: MAX_REASON }}
        />
        <button type="submit">{ot("office.reports.saveCorrection")}</button>
      </form>
    </>
  );
}
