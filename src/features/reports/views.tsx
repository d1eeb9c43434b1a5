import type { FastifyReply } from "fastify";
import type { ComponentChildren } from "preact";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { reportsCloseAt } from "../../core/catalog/current.js";
import { ACTION_TYPES, type ActionType } from "../../core/ledger/types.js";
import { messagesFor } from "../../platform/i18n/messages.js";
import type { OfficeUser } from "../office/index.js";
import {
  CsrfField,
  ErrorSummary,
  type Errors,
  Field,
  Notice,
  OfficeLayout,
  sendPage,
} from "../office/index.js";
import { REPORT_PAGE, type ReportRow } from "./queries.js";
import { eventDay, MAX_QUANTITY, MAX_REASON, type ReportEvent, type ReportInput } from "./reports.js";

// The pages of offline reports: the list, the form and the correction form (the CSV import's
// pages are in import-views.tsx). Components get what they show; the handlers load it.

export const HERE = "/office/reports";

export const TYPE_LABELS: Record<ActionType, string> = {
  letter: "Letters",
  solidarity: "Solidarity cards",
  petition: "Petition signatures",
  email: "Emails",
  sms: "Text messages",
  social: "Social media posts",
};

const en = messagesFor("en");
export const countryName = (code: string) => en.country(code);
export const fmt = (n: number) => n.toLocaleString("en-US");

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
          Report letters
        </a>{" "}
        <a class="button secondary" href={`${HERE}/import`}>
          Import a CSV file
        </a>
      </p>
      {p.reports.length === 0 ? (
        <p>No reports yet.</p>
      ) : (
        <table>
          <caption class="sr-only">Reports, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Case</th>
              <th scope="col">Type</th>
              <th scope="col">Country</th>
              <th scope="col" class="number">
                Quantity
              </th>
              <th scope="col">Event</th>
              <th scope="col">Reported by</th>
              <th scope="col">Note</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
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
                      <span class="late" title="Reported after the campaign ended">
                        late
                      </span>
                    </>
                  ) : null}
                </td>
                <td>{p.titles.get(r.caseId) ?? r.caseSlug}</td>
                <td>{TYPE_LABELS[r.type] ?? r.type}</td>
                <td>{countryName(r.country)}</td>
                <td class="number">{r.quantity > 0 ? fmt(r.quantity) : `−${fmt(-r.quantity)}`}</td>
                <td>{r.eventTitle ?? "—"}</td>
                <td>{r.reporter}</td>
                <td>
                  {r.corrects ? `Correction: ${r.reason ?? ""}` : (r.reason ?? "")}
                  {r.importId ? <span class="hint"> (imported)</span> : null}
                </td>
                <td>
                  <a href={`${HERE}/${r.corrects ?? r.id}/correct`}>
                    Correct<span class="sr-only"> the report of {r.date}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {p.reports.length === REPORT_PAGE && last ? (
        <p>
          <a href={`${HERE}?before=${last.id}`}>Older reports</a>
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
        For {p.campaign.title}, from {first} to {last}.{" "}
        {p.ended
          ? `The campaign has ended: reports are still welcome until ${reportsCloseAt(p.campaign).toISOString().slice(0, 10)} and are marked as late.`
          : null}
      </p>
      <ErrorSummary errors={errors} />
      <form class="stack" method="post" action={`${HERE}/new`} novalidate>
        <CsrfField token={p.csrf} />
        <input type="hidden" name="key" value={p.formKey} />
        <Field
          name="case"
          label="Case"
          value={input.case}
          errors={errors}
          required
          options={[["", "Choose a case"], ...p.cases]}
        />
        <Field
          name="type"
          label="What was written"
          value={input.type || "letter"}
          errors={errors}
          options={ACTION_TYPES.map((t): [string, string] => [t, TYPE_LABELS[t]])}
        />
        <Field
          name="country"
          label="Country where they were written"
          value={country}
          errors={errors}
          required
          options={[["", "Choose a country"], ...p.countries]}
        />
        <Field
          name="date"
          label="Date"
          type="date"
          value={input.date}
          errors={errors}
          hint={`Between ${first} and ${last}.`}
          required
          attrs={{ min: first, max: last }}
        />
        <Field
          name="quantity"
          label="How many"
          type="number"
          value={input.quantity}
          errors={errors}
          hint={`From 1 to ${fmt(MAX_QUANTITY)}.`}
          required
          attrs={{ min: 1, max: MAX_QUANTITY, step: 1, inputmode: "numeric" }}
        />
        {p.events.length > 0 || input.event ? (
          <Field
            name="event"
            label="Event (optional)"
            value={input.event}
            errors={errors}
            options={[
              ["", "No event"],
              ...p.events.map((e): [string, string] => [
                e.id,
                `${e.title} (${e.country}, ${eventDay(e)}${e.cancelled ? ", cancelled" : ""})`,
              ]),
            ]}
          />
        ) : null}
        <button type="submit">Report</button>
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
        <dt>Case</dt>
        <dd>{p.title}</dd>
        <dt>Type</dt>
        <dd>{TYPE_LABELS[original.type]}</dd>
        <dt>Country</dt>
        <dd>{countryName(original.country)}</dd>
        <dt>Date</dt>
        <dd>{original.date}</dd>
        <dt>Event</dt>
        <dd>{original.eventTitle ?? "—"}</dd>
        <dt>Reported</dt>
        <dd>{fmt(original.quantity)}</dd>
        <dt>Counted now, with corrections</dt>
        <dd>{fmt(net)}</dd>
      </dl>
      <p>A correction is a new report that adds to or takes from this one; the original stays as it was.</p>
      <ErrorSummary errors={errors} />
      <form class="stack" method="post" action={`${HERE}/${original.id}/correct`} novalidate>
        <CsrfField token={p.csrf} />
        <input type="hidden" name="key" value={state.key} />
        <Field
          name="quantity"
          label="Change"
          type="number"
          value={state.quantity}
          errors={errors}
          hint={`A negative number takes letters away (at most ${fmt(net)}), a positive one adds them.`}
          required
          attrs={{ step: 1, min: -net, max: MAX_QUANTITY }}
        />
        <Field
          name="reason"
          label="Reason"
          textarea
          rows={3}
          value={state.reason}
          errors={errors}
          hint="Why the report was wrong, for whoever reads it later."
          required
          attrs={{ maxlength: MAX_REASON }}
        />
        <button type="submit">Save the correction</button>
      </form>
    </>
  );
}
