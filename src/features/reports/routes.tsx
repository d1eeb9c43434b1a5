import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import countries from "i18n-iso-countries";
import type pg from "pg";
import type { ComponentChildren } from "preact";
import { v5 as uuidv5 } from "uuid";
import { type CampaignInfo, countriesOfSections } from "../../core/catalog/catalog.js";
import { reportingCampaign } from "../../core/catalog/current.js";
import { ACTION_TYPES, type ActionType } from "../../core/ledger/types.js";
import type { Runtime } from "../../core/runtime.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { Problem } from "../../platform/http/problems.js";
import { messagesFor } from "../../platform/i18n/messages.js";
import { actorOf, audit } from "../office/audit.js";
import { currentUser, guard, notFound } from "../office/context.js";
import { type FormBody, formOf, sendPage, text } from "../office/form.js";
import { OfficeLayout } from "../office/layout.js";
import { canReport, seesReport } from "../office/policy.js";
import { CsrfField, ErrorSummary, type Errors, Field, Notice } from "../office/ui.js";
import type { OfficeUser } from "../office/users.js";
import { type CsvRow, MAX_ROWS, readReportCsv, templateCsv } from "./csv.js";
import {
  type CheckedReport,
  campaignDays,
  caseTitles,
  checkReport,
  eventDay,
  eventsToReport,
  getReport,
  isUuid,
  listReports,
  loadEvents,
  MAX_QUANTITY,
  MAX_REASON,
  netQuantity,
  occurredAtOf,
  occurredAtOfReport,
  REPORT_COLUMNS,
  REPORT_PAGE,
  type ReportEvent,
  type ReportInput,
  type ReportRow,
  type RowProblem,
  recordReports,
} from "./reports.js";

// Offline reports in the back office: the list, the form, corrections, and CSV imports with a
// preview. Every report lands in the ledger in the transaction that stores it (see reports.ts).

const HERE = "/office/reports";
/** A preview can be confirmed for this long; then the file must be uploaded again. */
const PENDING_HOURS = 24;

const TYPE_LABELS: Record<ActionType, string> = {
  letter: "Letters",
  solidarity: "Solidarity cards",
  petition: "Petition signatures",
  email: "Emails",
  sms: "Text messages",
  social: "Social media posts",
};

const en = messagesFor("en");
const countryName = (code: string) => en.country(code);
const fmt = (n: number) => n.toLocaleString("en-US");

function inputOf(body: FormBody): ReportInput {
  return Object.fromEntries(REPORT_COLUMNS.map((c) => [c, text(body, c)])) as ReportInput;
}

function errorsOf(problems: RowProblem[]): Errors {
  const errors: Errors = {};
  for (const p of problems) errors[p.column] ??= p.message;
  return errors;
}

function auditView(report: CheckedReport, extra: Record<string, unknown> = {}) {
  return {
    case: report.caseSlug,
    type: report.type,
    country: report.country,
    date: report.date,
    quantity: report.quantity,
    event: report.eventId,
    reason: report.reason,
    ...extra,
  };
}

interface CheckedRow extends CsvRow {
  report?: CheckedReport;
  problems: RowProblem[];
}

interface CheckedFile {
  rows: CheckedRow[];
  bad: number;
  quantity: number;
  /** Case slug → letters in the valid rows. */
  byCase: Map<string, number>;
}

export function reportRoutes(app: FastifyInstance, runtime: Runtime): void {
  const { pool } = runtime.db;
  const sectionOf = (country: string) => runtime.sectionOf(country);
  const pre = { preHandler: [guard(canReport), app.csrfProtection] };

  const campaignNow = (): CampaignInfo => {
    const campaign = reportingCampaign(runtime.catalog());
    if (!campaign) throw new Problem(409, "no_campaign", "There is no campaign to report letters for.");
    return campaign;
  };

  async function checkFile(
    db: pg.Pool | pg.PoolClient,
    rows: CsvRow[],
    user: OfficeUser,
    campaign: CampaignInfo,
  ): Promise<CheckedFile> {
    const events = await loadEvents(
      db,
      rows.map((r) => r.input.event),
    );
    const ctx = { campaign, user, sectionOf, events, now: new Date() };
    const file: CheckedFile = { rows: [], bad: 0, quantity: 0, byCase: new Map() };
    for (const row of rows) {
      const { report, problems } = checkReport(row.input, ctx);
      if (row.extraCells > 0) {
        problems.push({
          column: "row",
          message: `The row has ${row.extraCells} cell(s) more than the header has columns.`,
          kind: "invalid",
        });
      }
      const ok = report && problems.length === 0;
      file.rows.push({ ...row, report: ok ? report : undefined, problems });
      if (!ok) file.bad++;
      else {
        file.quantity += report.quantity;
        file.byCase.set(report.caseSlug, (file.byCase.get(report.caseSlug) ?? 0) + report.quantity);
      }
    }
    return file;
  }

  const page = (
    reply: FastifyReply,
    user: OfficeUser,
    title: string,
    body: ComponentChildren,
    status = 200,
  ) => {
    const csrf = reply.generateCsrf();
    return sendPage(
      reply,
      <OfficeLayout title={title} user={user} csrf={csrf} current={HERE}>
        {body}
      </OfficeLayout>,
      status,
    );
  };

  // ——— The list ———

  app.get(HERE, { preHandler: guard(canReport) }, async (request, reply) => {
    const user = currentUser(request);
    const query = request.query as Record<string, string | undefined>;
    const catalog = runtime.catalog();
    const reports = (await listReports(pool, user, catalog, { before: query.before })).filter((r) =>
      seesReport(user, r, sectionOf),
    );
    const titles = await caseTitles(pool, [...new Set(reports.map((r) => r.caseId))]);
    let notice: string | undefined;
    if (query.done) {
      const done = await getReport(pool, query.done);
      if (done && seesReport(user, done, sectionOf)) {
        notice = `Recorded: ${fmt(done.quantity)} ${TYPE_LABELS[done.type].toLowerCase()} for ${done.caseSlug} in ${done.country}${done.late ? " (late: the campaign has ended)" : ""}. The counter includes them.`;
      }
    } else if (query.imported && isUuid(query.imported)) {
      const imported = await pool.query(
        "SELECT row_count, quantity FROM report_imports WHERE id = $1 AND user_id = $2 AND confirmed_at IS NOT NULL",
        [query.imported, user.id],
      );
      const row = imported.rows[0];
      if (row) {
        notice =
          query.again !== undefined
            ? "This file was already imported; nothing was imported twice."
            : `Imported ${fmt(row.row_count)} rows with ${fmt(Number(row.quantity))} actions. The counter includes them.`;
      }
    }
    const last = reports.at(-1);
    return page(
      reply,
      user,
      "Offline reports",
      <>
        {notice ? <Notice>{notice}</Notice> : null}
        <p>
          <a class="button" href={`${HERE}/new`}>
            Report letters
          </a>{" "}
          <a class="button secondary" href={`${HERE}/import`}>
            Import a CSV file
          </a>
        </p>
        {reports.length === 0 ? (
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
              {reports.map((r) => (
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
                  <td>{titles.get(r.caseId) ?? r.caseSlug}</td>
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
        {reports.length === REPORT_PAGE && last ? (
          <p>
            <a href={`${HERE}?before=${last.id}`}>Older reports</a>
          </p>
        ) : null}
      </>,
    );
  });

  // ——— The form ———

  interface FormState {
    key: string;
    input: ReportInput;
    errors?: Errors;
  }

  async function reportForm(reply: FastifyReply, user: OfficeUser, state: FormState, status = 200) {
    const catalog = runtime.catalog();
    const campaign = campaignNow();
    const [first, last] = campaignDays(campaign);
    const cases = [...campaign.cases];
    const titles = await caseTitles(
      pool,
      cases.map(([, id]) => id),
    );
    const events = await eventsToReport(pool, user, campaign.id, catalog, sectionOf);
    const mine =
      user.role === "admin"
        ? Object.keys(countries.getAlpha2Codes())
        : [...new Set([...countriesOfSections(catalog, user.sectionIds), ...events.map((e) => e.country)])];
    const countryOptions: [string, string][] = mine
      .map((c): [string, string] => [c, `${countryName(c)} (${c})`])
      .sort((a, b) => a[1].localeCompare(b[1], "en"));
    const ended = new Date() >= campaign.endsAt;
    const { input, errors = {} } = state;
    // Most organizers report for one country: choose it for them.
    const country = input.country || (countryOptions.length === 1 ? (countryOptions[0]?.[0] ?? "") : "");
    return page(
      reply,
      user,
      "Report letters",
      <>
        <p>
          For {campaign.title}, from {first} to {last}.{" "}
          {ended ? "The campaign has ended: reports are still welcome and are marked as late." : null}
        </p>
        <ErrorSummary errors={errors} />
        <form class="stack" method="post" action={`${HERE}/new`} novalidate>
          <CsrfField token={reply.generateCsrf()} />
          <input type="hidden" name="key" value={state.key} />
          <Field
            name="case"
            label="Case"
            value={input.case}
            errors={errors}
            required
            options={[
              ["", "Choose a case"],
              ...cases.map(([slug, id]): [string, string] => [slug, titles.get(id) ?? slug]),
            ]}
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
            options={[["", "Choose a country"], ...countryOptions]}
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
          {events.length > 0 || input.event ? (
            <Field
              name="event"
              label="Event (optional)"
              value={input.event}
              errors={errors}
              options={[
                ["", "No event"],
                ...events.map((e): [string, string] => [
                  e.id,
                  `${e.title} (${e.country}, ${eventDay(e)}${e.cancelled ? ", cancelled" : ""})`,
                ]),
              ]}
            />
          ) : null}
          <button type="submit">Report</button>
        </form>
      </>,
      status,
    );
  }

  /** An event named in a URL or form: unknown or not theirs is a 404. */
  async function managedEvent(user: OfficeUser, id: string): Promise<ReportEvent> {
    const events = await loadEvents(pool, [id]);
    const campaign = campaignNow();
    const { problems } = checkReport(
      { case: "", type: "", country: "", date: "", quantity: "", reason: "", event: id },
      { campaign, user, sectionOf, events, now: new Date() },
    );
    const event = events.get(id.toLowerCase());
    if (!event || problems.some((p) => p.kind === "not_found")) throw notFound("This event");
    return event;
  }

  app.get(`${HERE}/new`, { preHandler: guard(canReport) }, async (request, reply) => {
    const user = currentUser(request);
    const query = request.query as Record<string, string | undefined>;
    const input = Object.fromEntries(REPORT_COLUMNS.map((c) => [c, ""])) as ReportInput;
    if (query.event !== undefined) {
      // A repeated ?event= arrives as an array: it names no event either.
      const event = await managedEvent(user, typeof query.event === "string" ? query.event : "");
      Object.assign(input, { event: event.id, country: event.country, date: eventDay(event) });
    }
    return reportForm(reply, user, { key: randomUUID(), input });
  });

  app.post(`${HERE}/new`, pre, async (request, reply) => {
    const user = currentUser(request);
    const body = formOf(request.body);
    const input = inputOf(body);
    input.reason = "";
    const key = text(body, "key").toLowerCase();
    if (!isUuid(key)) {
      throw new Problem(
        400,
        "form_incomplete",
        "This form is incomplete or out of date. Please open it again.",
      );
    }
    const campaign = campaignNow();
    const events = await loadEvents(pool, [input.event]);
    const { report, problems } = checkReport(input, { campaign, user, sectionOf, events, now: new Date() });
    if (problems.some((p) => p.kind === "not_found")) throw notFound("This event");
    const forbidden = problems.find((p) => p.kind === "forbidden");
    if (forbidden) throw new Problem(403, "forbidden", forbidden.message);
    if (!report) return reportForm(reply, user, { key, input, errors: errorsOf(problems) }, 422);

    const repeated = await withTransaction(pool, async (client) => {
      const { ids, late } = await recordReports(client, campaign, user, sectionOf, [
        { ...report, id: key, corrects: null },
      ]);
      if (ids.length === 0) return true;
      await audit(client, actorOf(user), "create", "report", key, null, auditView(report, { late }));
      return false;
    });
    // The same form sent twice counts once; a key of someone else's report is not theirs to reuse.
    if (repeated && (await getReport(pool, key))?.reportedBy !== user.id) {
      throw new Problem(409, "form_used", "This form was already used. Please open a new one.");
    }
    return reply.redirect(`${HERE}?done=${key}`, 303);
  });

  // ——— Corrections ———

  /** The report to correct (the original when a correction is named), if this person sees it. */
  async function reportToCorrect(user: OfficeUser, id: string, client?: pg.PoolClient): Promise<ReportRow> {
    const db = client ?? pool;
    const named = await getReport(db, id);
    if (!named || !seesReport(user, named, sectionOf)) throw notFound("This report");
    // Within a transaction the original is locked, so its corrections are summed one at a time.
    const original =
      named.corrects || client
        ? await getReport(db, named.corrects ?? named.id, client !== undefined)
        : named;
    if (!original || !seesReport(user, original, sectionOf)) throw notFound("This report");
    return original;
  }

  async function correctForm(
    reply: FastifyReply,
    user: OfficeUser,
    original: ReportRow,
    state: { key: string; quantity: string; reason: string; errors?: Errors },
    status = 200,
  ) {
    const net = await netQuantity(pool, original.id);
    const titles = await caseTitles(pool, [original.caseId]);
    const errors = state.errors ?? {};
    return page(
      reply,
      user,
      "Correct a report",
      <>
        <dl class="card">
          <dt>Case</dt>
          <dd>{titles.get(original.caseId) ?? original.caseSlug}</dd>
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
          <CsrfField token={reply.generateCsrf()} />
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
      </>,
      status,
    );
  }

  app.get(`${HERE}/:id/correct`, { preHandler: guard(canReport) }, async (request, reply) => {
    const user = currentUser(request);
    const original = await reportToCorrect(user, (request.params as { id: string }).id);
    return correctForm(reply, user, original, { key: randomUUID(), quantity: "", reason: "" });
  });

  app.post(`${HERE}/:id/correct`, pre, async (request, reply) => {
    const user = currentUser(request);
    const id = (request.params as { id: string }).id;
    const body = formOf(request.body);
    const key = text(body, "key").toLowerCase();
    const quantityText = text(body, "quantity").replace(/^−/, "-");
    const reason = text(body, "reason");
    const original = await reportToCorrect(user, id);
    if (!isUuid(key)) {
      throw new Problem(
        400,
        "form_incomplete",
        "This form is incomplete or out of date. Please open it again.",
      );
    }
    const errors: Errors = {};
    const delta = /^[+-]?\d{1,7}$/.test(quantityText) ? Number(quantityText) : Number.NaN;
    if (!Number.isInteger(delta) || Math.abs(delta) > MAX_QUANTITY) {
      errors.quantity = `Enter a whole number, negative to take away, up to ${fmt(MAX_QUANTITY)}.`;
    } else if (delta === 0) errors.quantity = "A correction of zero changes nothing.";
    if (!reason) errors.reason = "Give the reason for the correction.";
    else if (reason.length > MAX_REASON)
      errors.reason = `The reason is longer than ${MAX_REASON} characters.`;
    const again = () =>
      correctForm(reply, user, original, { key, quantity: quantityText, reason, errors }, 422);
    if (Object.keys(errors).length > 0) return again();

    const outcome = await withTransaction(pool, async (client) => {
      const locked = await reportToCorrect(user, id, client);
      const existing = await client.query("SELECT reported_by FROM reports WHERE id = $1", [key]);
      if (existing.rows[0]) return existing.rows[0].reported_by === user.id ? "repeated" : "used";
      const net = await netQuantity(client, locked.id);
      if (net + delta < 0) return { net };
      const campaign = runtime.catalog().campaignsById.get(locked.campaignId);
      if (!campaign) throw new Problem(409, "no_campaign", "The report's campaign no longer exists.");
      // Into the same hour as the original, so the correction meets it in every rollup.
      const occurredAt =
        (await occurredAtOfReport(client, locked)) ?? occurredAtOf(locked.date, campaign, new Date());
      const correction: CheckedReport = {
        caseId: locked.caseId,
        caseSlug: locked.caseSlug,
        type: locked.type,
        country: locked.country,
        date: locked.date,
        quantity: delta,
        eventId: locked.eventId,
        reason,
        occurredAt,
      };
      const { late } = await recordReports(client, campaign, user, sectionOf, [
        { ...correction, id: key, corrects: locked.id },
      ]);
      await audit(
        client,
        actorOf(user),
        "correct",
        "report",
        key,
        { report: locked.id, counted: net },
        auditView(correction, { corrects: locked.id, counted: net + delta, late }),
      );
      return "done";
    });
    if (outcome === "used") {
      throw new Problem(409, "form_used", "This form was already used. Please open a new one.");
    }
    if (typeof outcome === "object") {
      errors.quantity = `This would bring the report below zero: it counts ${fmt(outcome.net)}, so the change can take away at most ${fmt(outcome.net)}.`;
      return again();
    }
    return reply.redirect(`${HERE}?done=${key}`, 303);
  });

  // ——— CSV imports ———

  const importForm = (reply: FastifyReply, user: OfficeUser, error?: string, status = 200) =>
    page(
      reply,
      user,
      "Import reports from a CSV file",
      <>
        {error ? (
          <div class="error-summary" role="alert">
            <h2>The file cannot be imported</h2>
            <p>{error}</p>
          </div>
        ) : null}
        <p>
          One row per report, with the columns <code>{REPORT_COLUMNS.join(", ")}</code>: the case's short name
          (as in the template), the type (letter if empty), the country code (like FR), the date as
          YYYY-MM-DD, the quantity, and optionally the event's id and a note. Commas or semicolons, UTF-8; at
          most {fmt(MAX_ROWS)} rows and 2 MB. You will see every row before anything is imported.
        </p>
        <p>
          <a href={`${HERE}/template.csv`} download="reports-template.csv">
            Download the template
          </a>
        </p>
        <form class="stack" method="post" action={`${HERE}/import`} enctype="multipart/form-data">
          <CsrfField token={reply.generateCsrf()} />
          <Field name="file" label="CSV file" type="file" required attrs={{ accept: ".csv,text/csv" }} />
          <button type="submit">Check the file</button>
        </form>
      </>,
      status,
    );

  const preview = (
    reply: FastifyReply,
    user: OfficeUser,
    campaign: CampaignInfo,
    file: CheckedFile,
    importId: string | null,
    status: number,
  ) =>
    page(
      reply,
      user,
      "Check the file before importing",
      <>
        {file.bad > 0 ? (
          <div class="error-summary" role="alert">
            <h2>
              {file.bad === 1 ? "1 row has" : `${fmt(file.bad)} rows have`} errors; nothing was imported.
            </h2>
            <p>Correct the file and upload it again. Every row must be right before anything is imported.</p>
          </div>
        ) : (
          <Notice>
            All {fmt(file.rows.length)} rows are valid: {fmt(file.quantity)} actions for {campaign.title}.
            Nothing is imported until you confirm.
          </Notice>
        )}
        {importId ? (
          <form method="post" action={`${HERE}/import/confirm`}>
            <CsrfField token={reply.generateCsrf()} />
            <input type="hidden" name="import" value={importId} />
            <button type="submit">Import {fmt(file.rows.length)} rows</button>{" "}
            <a href={`${HERE}/import`}>Upload another file</a>
          </form>
        ) : (
          <p>
            <a href={`${HERE}/import`}>Upload the corrected file</a>
          </p>
        )}
        <h2>Totals per case</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col" class="number">
                Quantity (valid rows)
              </th>
            </tr>
          </thead>
          <tbody>
            {[...file.byCase].map(([slug, n]) => (
              <tr>
                <td>{slug}</td>
                <td class="number">{fmt(n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>Rows</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Case</th>
              <th scope="col">Type</th>
              <th scope="col">Country</th>
              <th scope="col">Date</th>
              <th scope="col" class="number">
                Quantity
              </th>
              <th scope="col">Event</th>
              <th scope="col">Check</th>
            </tr>
          </thead>
          <tbody>
            {file.rows.map((row) => (
              <tr class={row.problems.length > 0 ? "has-error" : undefined}>
                <td>{row.line}</td>
                <td>{row.input.case}</td>
                <td>{row.input.type || "letter"}</td>
                <td>{row.input.country}</td>
                <td>{row.input.date}</td>
                <td class="number">{row.input.quantity}</td>
                <td>{row.input.event}</td>
                <td>
                  {row.problems.length === 0 ? (
                    "OK"
                  ) : (
                    <ul class="error">
                      {row.problems.map((p) => (
                        <li>
                          Line {row.line}, {p.column}: {p.message}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </>,
      status,
    );

  app.get(`${HERE}/import`, { preHandler: guard(canReport) }, async (request, reply) =>
    importForm(reply, currentUser(request)),
  );

  app.get(`${HERE}/template.csv`, { preHandler: guard(canReport) }, async (request, reply) => {
    const user = currentUser(request);
    const campaign = campaignNow();
    const [first, last] = campaignDays(campaign);
    const today = new Date().toISOString().slice(0, 10);
    const example = {
      case: [...campaign.cases.keys()][0] ?? "case-name",
      country: countriesOfSections(runtime.catalog(), user.sectionIds)[0] ?? "FR",
      // Today, kept within the campaign: the middle one of the three dates.
      date: [first, today, last].sort()[1] as string,
    };
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", 'attachment; filename="reports-template.csv"')
      .send(templateCsv(example));
  });

  app.post(`${HERE}/import`, pre, async (request, reply) => {
    const user = currentUser(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const data = Buffer.isBuffer(body.file)
      ? body.file
      : typeof body.file === "string"
        ? Buffer.from(body.file)
        : undefined;
    if (!data || data.length === 0) return importForm(reply, user, "Choose a CSV file to upload.", 422);
    const campaign = campaignNow();
    const csv = readReportCsv(data);
    if (!csv.ok) return importForm(reply, user, csv.message, csv.status);
    const file = await checkFile(pool, csv.rows, user, campaign);
    if (file.bad > 0) return preview(reply, user, campaign, file, null, 422);
    // The file waits, as its owner's, for the confirmation; nothing counts yet.
    const importId = randomUUID();
    await withTransaction(pool, async (client) => {
      // Expired previews are of no use to anyone; their files go with the next upload.
      await client.query("DELETE FROM report_imports WHERE confirmed_at IS NULL AND expires_at < now()");
      await client.query(
        `INSERT INTO report_imports (id, user_id, campaign_id, content, row_count, quantity, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + $7 * interval '1 hour')`,
        [importId, user.id, campaign.id, csv.text, file.rows.length, file.quantity, PENDING_HOURS],
      );
    });
    return preview(reply, user, campaign, file, importId, 200);
  });

  app.post(`${HERE}/import/confirm`, pre, async (request, reply) => {
    const user = currentUser(request);
    const importId = text(formOf(request.body), "import").toLowerCase();
    if (!isUuid(importId)) throw notFound("This import");
    const outcome = await withTransaction(pool, async (client) => {
      // Locked: a second confirm waits for the first, then finds the import done.
      const pending = (
        await client.query(
          `SELECT campaign_id, content, confirmed_at, expires_at < now() AS expired
             FROM report_imports WHERE id = $1 AND user_id = $2 FOR UPDATE`,
          [importId, user.id],
        )
      ).rows[0];
      if (!pending) throw notFound("This import");
      if (pending.confirmed_at) return { kind: "again" as const };
      if (pending.expired) {
        throw new Problem(409, "import_expired", "This preview has expired. Please upload the file again.");
      }
      const campaign = runtime.catalog().campaignsById.get(pending.campaign_id);
      if (!campaign) throw new Problem(409, "no_campaign", "The campaign of this import no longer exists.");
      // Checked again: the catalog, the events or this person's sections may have changed.
      const csv = readReportCsv(pending.content as string);
      if (!csv.ok) return { kind: "file" as const, message: csv.message };
      const file = await checkFile(client, csv.rows, user, campaign);
      if (file.bad > 0) return { kind: "invalid" as const, file, campaign };
      const reports = file.rows.map((row) => ({
        ...(row.report as CheckedReport),
        // One id per line of this import: importing it twice could not add a row twice.
        id: uuidv5(String(row.line), importId),
        corrects: null,
      }));
      const { ids, late } = await recordReports(client, campaign, user, sectionOf, reports, importId);
      await client.query("UPDATE report_imports SET confirmed_at = now(), content = NULL WHERE id = $1", [
        importId,
      ]);
      await audit(client, actorOf(user), "import", "report", importId, null, {
        campaign: campaign.slug,
        rows: ids.length,
        quantity: file.quantity,
        byCase: Object.fromEntries(file.byCase),
        late,
      });
      return { kind: "done" as const };
    });
    if (outcome.kind === "file") return importForm(reply, user, outcome.message, 422);
    if (outcome.kind === "invalid") return preview(reply, user, outcome.campaign, outcome.file, null, 422);
    const again = outcome.kind === "again" ? "&again=1" : "";
    return reply.redirect(`${HERE}?imported=${importId}${again}`, 303);
  });
}
