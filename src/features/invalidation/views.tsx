import type { Errors } from "../office/index.js";
import { CsrfField, ErrorSummary, Field, formatTime, Notice, ot } from "../office/index.js";
import { CRITERIA_FIELDS, type Criteria, type CriteriaInput, describeCriteria } from "./criteria.js";
import type { Job, Preview } from "./store.js";

// The invalidation pages of the back office: the jobs, a new one with its preview, and one
// job's progress with cancel and revert.

const OPEN = new Set(["queued", "running", "reverting"]);

export const isOpen = (job: Job) => OPEN.has(job.state);

const stateText = (job: Job) =>
  job.cancelRequested && job.state === "running"
    ? ot("office.invalidation.state.cancelling")
    : ot(`office.invalidation.state.${job.state}`);

export function JobList(p: { jobs: Job[] }) {
  return (
    <>
      <p>
        <a href="/office/invalidations/new">{ot("office.invalidation.new")}</a>
      </p>
      {p.jobs.length === 0 ? (
        <p>{ot("office.invalidation.none")}</p>
      ) : (
        <table>
          <caption class="sr-only">{ot("office.invalidation.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{ot("office.invalidation.stateLabel")}</th>
              <th scope="col">{ot("office.invalidation.criteria")}</th>
              <th scope="col">{ot("office.invalidation.reason")}</th>
              <th scope="col">{ot("office.invalidation.taken")}</th>
              <th scope="col">{ot("office.invalidation.created")}</th>
            </tr>
          </thead>
          <tbody>
            {p.jobs.map((job) => (
              <tr>
                <td>
                  <a href={`/office/invalidations/${job.id}`}>{job.id}</a>
                </td>
                <td>{stateText(job)}</td>
                <td>
                  <code>{describeCriteria(job.criteria)}</code>
                </td>
                <td>{job.reason}</td>
                <td>
                  {ot("office.invalidation.progress", {
                    taken: job.takenActions,
                    selected: job.selectedActions ?? job.previewedActions ?? 0,
                  })}
                </td>
                <td>
                  {job.createdBy}, {formatTime(job.createdAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function CriteriaFields(p: { values: CriteriaInput; errors: Errors }) {
  return (
    <>
      <Field
        name="case"
        label={ot("office.invalidation.field.case")}
        value={p.values.case}
        errors={p.errors}
      />
      <Field
        name="type"
        label={ot("office.invalidation.field.type")}
        value={p.values.type}
        errors={p.errors}
        options={[
          ["", ot("office.invalidation.anyType")],
          ...["letter", "solidarity", "petition", "email", "sms", "social"].map((t): [string, string] => [
            t,
            t,
          ]),
        ]}
      />
      <Field
        name="from"
        label={ot("office.invalidation.field.from")}
        hint={ot("office.invalidation.field.timeHint")}
        value={p.values.from}
        errors={p.errors}
      />
      <Field name="to" label={ot("office.invalidation.field.to")} value={p.values.to} errors={p.errors} />
      <Field
        name="network"
        label={ot("office.invalidation.field.network")}
        hint={ot("office.invalidation.field.networkHint")}
        value={p.values.network}
        errors={p.errors}
      />
      <Field
        name="domain"
        label={ot("office.invalidation.field.domain")}
        value={p.values.domain}
        errors={p.errors}
      />
      <Field
        name="country"
        label={ot("office.invalidation.field.country")}
        value={p.values.country}
        errors={p.errors}
      />
    </>
  );
}

export function PreviewTable(p: { preview: Preview }) {
  return (
    <table>
      <caption>
        {ot("office.invalidation.previewCaption", {
          actions: p.preview.actions,
          quantity: p.preview.quantity,
        })}
      </caption>
      <thead>
        <tr>
          <th scope="col">{ot("office.invalidation.field.case")}</th>
          <th scope="col">{ot("office.invalidation.field.country")}</th>
          <th scope="col">{ot("office.invalidation.actions")}</th>
          <th scope="col">{ot("office.invalidation.quantity")}</th>
        </tr>
      </thead>
      <tbody>
        {p.preview.rows.map((r) => (
          <tr>
            <td>{r.caseSlug}</td>
            <td>{r.country}</td>
            <td>{r.actions}</td>
            <td>{r.quantity}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The criteria form; with valid criteria, their preview and the form that runs the job. */
export function NewJob(p: {
  csrf: string;
  values: CriteriaInput;
  errors: Errors;
  criteria?: Criteria;
  preview?: Preview;
  reason?: string;
}) {
  return (
    <>
      <ErrorSummary errors={p.errors} />
      <p>{ot("office.invalidation.intro")}</p>
      <form class="stack" method="get" action="/office/invalidations/new">
        <CriteriaFields values={p.values} errors={p.errors} />
        <button type="submit">{ot("office.invalidation.previewButton")}</button>
      </form>
      {p.preview && p.criteria ? (
        <section aria-labelledby="preview">
          <h2 id="preview">{ot("office.invalidation.previewTitle")}</h2>
          <PreviewTable preview={p.preview} />
          <p>{ot("office.invalidation.previewNote")}</p>
          {p.preview.actions > 0 ? (
            <form class="stack" method="post" action="/office/invalidations">
              <CsrfField token={p.csrf} />
              {CRITERIA_FIELDS.map((f) =>
                p.criteria?.[f] ? <input type="hidden" name={f} value={p.criteria[f]} /> : null,
              )}
              <Field
                name="reason"
                label={ot("office.invalidation.reason")}
                value={p.reason}
                errors={p.errors}
                required
              />
              <button type="submit">{ot("office.invalidation.run", { actions: p.preview.actions })}</button>
            </form>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

export function JobPage(p: { job: Job; csrf: string; errors: Errors; notice?: string }) {
  const { job } = p;
  const selected = job.selectedActions ?? job.previewedActions ?? 0;
  return (
    <>
      <ErrorSummary errors={p.errors} />
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      <dl>
        <dt>{ot("office.invalidation.stateLabel")}</dt>
        <dd>{stateText(job)}</dd>
        <dt>{ot("office.invalidation.criteria")}</dt>
        <dd>
          <code>{describeCriteria(job.criteria)}</code>
        </dd>
        <dt>{ot("office.invalidation.reason")}</dt>
        <dd>{job.reason}</dd>
        <dt>{ot("office.invalidation.created")}</dt>
        <dd>
          {job.createdBy}, {formatTime(job.createdAt)}
        </dd>
        <dt>{ot("office.invalidation.previewed")}</dt>
        <dd>
          {ot("office.invalidation.counts", {
            actions: job.previewedActions ?? 0,
            quantity: job.previewedQuantity ?? 0,
          })}
        </dd>
        <dt>{ot("office.invalidation.selected")}</dt>
        <dd>
          {job.selectedActions === null
            ? "—"
            : ot("office.invalidation.counts", {
                actions: job.selectedActions,
                quantity: job.selectedQuantity ?? 0,
              })}
        </dd>
        <dt>{ot("office.invalidation.taken")}</dt>
        <dd>
          <progress max={Math.max(1, selected)} value={job.takenActions} />{" "}
          {ot("office.invalidation.counts", { actions: job.takenActions, quantity: job.takenQuantity })}
        </dd>
        {job.revertReason ? (
          <>
            <dt>{ot("office.invalidation.restored")}</dt>
            <dd>
              {ot("office.invalidation.counts", {
                actions: job.restoredActions,
                quantity: job.restoredQuantity,
              })}{" "}
              — {job.revertedBy}: {job.revertReason}
            </dd>
          </>
        ) : null}
        {job.finishedAt ? (
          <>
            <dt>{ot("office.invalidation.finished")}</dt>
            <dd>{formatTime(job.finishedAt)}</dd>
          </>
        ) : null}
      </dl>
      {(job.state === "queued" || job.state === "running") && !job.cancelRequested ? (
        <form method="post" action={`/office/invalidations/${job.id}/cancel`}>
          <CsrfField token={p.csrf} />
          <button type="submit" class="secondary">
            {ot("office.invalidation.cancel")}
          </button>
        </form>
      ) : null}
      {job.state === "done" || job.state === "cancelled" ? (
        <form class="stack" method="post" action={`/office/invalidations/${job.id}/revert`}>
          <CsrfField token={p.csrf} />
          <Field name="reason" label={ot("office.invalidation.revertReason")} errors={p.errors} required />
          <button type="submit">{ot("office.invalidation.revert")}</button>
        </form>
      ) : null}
    </>
  );
}
