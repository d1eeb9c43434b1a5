import { CsrfField, ErrorSummary, type Errors, Field, formatTime, Notice, ot } from "../office/index.js";
import type { ReportRow } from "./queries.js";
import { MAX_QUANTITY, MAX_REASON } from "./reports.js";
import { AreYouSure, countryName, fmt, HERE, type SureQuestion, signed, typeLabel } from "./views.js";

// A report's own page (what was reported, each correction with its author, time and reason,
// the net total) and its correction form, which asks for the new total.

/** The original first, then each correction with the total it left. */
function History(p: { history: ReportRow[] }) {
  let total = 0;
  return (
    <table>
      <caption>{ot("office.reports.history")}</caption>
      <thead>
        <tr>
          <th scope="col">{ot("office.reports.when")}</th>
          <th scope="col">{ot("office.reports.by")}</th>
          <th scope="col" class="number">
            {ot("office.reports.changeColumn")}
          </th>
          <th scope="col" class="number">
            {ot("office.reports.totalAfter")}
          </th>
          <th scope="col">{ot("office.reports.reason")}</th>
        </tr>
      </thead>
      <tbody>
        {p.history.map((r) => {
          total += r.quantity;
          return (
            <tr id={`r-${r.id}`}>
              <td>{formatTime(r.createdAt)}</td>
              <td>{r.reporter}</td>
              <td class="number">
                {r.corrects ? signed(r.quantity) : `${ot("office.reports.original")}: ${fmt(r.quantity)}`}
              </td>
              <td class="number">{fmt(total)}</td>
              <td>{r.reason ?? ""}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Facts(p: { original: ReportRow; title: string; net: number }) {
  const { original } = p;
  return (
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
      <dd>
        <strong id="net">{fmt(p.net)}</strong>
      </dd>
    </dl>
  );
}

export function ReportPage(p: { history: ReportRow[]; title: string; notice?: string }) {
  const original = p.history[0] as ReportRow;
  const net = p.history.reduce((sum, r) => sum + r.quantity, 0);
  return (
    <>
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      <Facts original={original} title={p.title} net={net} />
      <History history={p.history} />
      <p>
        <a class="button" href={`${HERE}/${original.id}/correct`}>
          {ot("office.reports.correctThis")}
        </a>{" "}
        <a href={HERE}>{ot("office.reports.title")}</a>
      </p>
    </>
  );
}

export interface CorrectionState {
  key: string;
  total: string;
  reason: string;
  errors?: Errors;
  /** Set when the new total needs a second "yes". */
  sure?: SureQuestion;
}

export function CorrectionForm(p: {
  csrf: string;
  history: ReportRow[];
  title: string;
  net: number;
  state: CorrectionState;
}) {
  const { net, state } = p;
  const original = p.history[0] as ReportRow;
  const errors = state.errors ?? {};
  return (
    <>
      <Facts original={original} title={p.title} net={net} />
      {p.history.length > 1 ? <History history={p.history} /> : null}
      <p>{ot("office.reports.correctionIntro")}</p>
      <ErrorSummary errors={errors} />
      {state.sure ? <AreYouSure question={state.sure} /> : null}
      <form class="stack" method="post" action={`${HERE}/${original.id}/correct`} novalidate>
        <CsrfField token={p.csrf} />
        <input type="hidden" name="key" value={state.key} />
        {/* The total this form corrects: a correction saved meanwhile makes it stale. */}
        <input type="hidden" name="counted" value={String(net)} />
        {state.sure ? <input type="hidden" name="sure" value={String(state.sure.quantity)} /> : null}
        <Field
          name="total"
          label={ot("office.reports.total")}
          type="number"
          value={state.total}
          errors={errors}
          hint={ot("office.reports.totalHint", { net: fmt(net) })}
          required
          attrs={{ step: 1, min: 0, max: MAX_QUANTITY, inputmode: "numeric" }}
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
        <button type="submit">
          {state.sure
            ? ot("office.reports.sure.submit", { quantity: fmt(state.sure.quantity) })
            : ot("office.reports.saveCorrection")}
        </button>
      </form>
    </>
  );
}
