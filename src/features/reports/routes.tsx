import { randomUUID } from "node:crypto";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import countries from "i18n-iso-countries";
import { countriesOfSections } from "../../core/catalog/catalog.js";
import type { Runtime } from "../../core/runtime.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { formErrors, formRoute } from "../../platform/http/forms.js";
import { Problem } from "../../platform/http/problems.js";
import { single } from "../../platform/http/query.js";
import { formResponses, pageResponses } from "../../platform/http/responses.js";
import { isUuid } from "../../platform/rules.js";
import type { Errors, OfficeUser } from "../office/index.js";
import {
  actorOf,
  audit,
  canReport,
  currentUser,
  guard,
  notFound,
  officeMessages,
  ot,
} from "../office/index.js";
import { correctionRoutes } from "./corrections.js";
import { importRoutes } from "./imports.js";
import { seesReport } from "./policy.js";
import {
  caseTitles,
  confirmedImport,
  eventsToReport,
  getReport,
  listReports,
  loadEvents,
  recordReports,
} from "./queries.js";
import {
  type CheckedReport,
  campaignDays,
  campaignToReport,
  checkReport,
  eventDay,
  needsConfirmation,
  REPORT_COLUMNS,
  type ReportEvent,
  type ReportInput,
  type RowProblem,
} from "./reports.js";
import { FORM_INCOMPLETE, ListQuery, NewQuery, ReportForm as ReportBody } from "./schemas.js";
import {
  countryName,
  fmt,
  HERE,
  ReportForm,
  ReportList,
  type SureQuestion,
  sendReportsPage,
  typeLabel,
} from "./views.js";

// Offline reports in the back office: the list and the form (a report's page and corrections are
// in corrections.tsx, CSV imports in imports.tsx). Every report lands in the ledger in the
// transaction that stores it (queries.ts).

function errorsOf(problems: RowProblem[]): Errors {
  const errors: Errors = {};
  for (const p of problems) errors[p.column] ??= p.message;
  return errors;
}

/** What the audit log keeps of a report. */
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

const formIncomplete = () => new Problem(400, "form_incomplete", ot(FORM_INCOMPLETE));

export function reportRoutes(server: FastifyInstance, runtime: Runtime): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  const sectionOf = (country: string) => runtime.sectionOf(country);
  const guarded = { preValidation: guard(canReport) };
  const posted = { preHandler: [guard(canReport), app.csrfProtection] };
  const campaignNow = () => campaignToReport(runtime.catalog());

  // ——— The list ———

  app.get(
    HERE,
    { ...guarded, schema: { querystring: ListQuery, response: pageResponses() } },
    async (request, reply) => {
      const user = currentUser(request);
      const query = request.query;
      const done = single(query.done);
      const imported = single(query.imported);
      const reports = (
        await listReports(pool, user, runtime.catalog(), { before: single(query.before) })
      ).filter((r) => seesReport(user, r, sectionOf));
      const titles = await caseTitles(pool, [...new Set(reports.map((r) => r.caseId))]);
      let notice: string | undefined;
      if (done) {
        const report = await getReport(pool, done);
        if (report && seesReport(user, report, sectionOf)) {
          notice = ot(report.late ? "office.reports.notice.recordedLate" : "office.reports.notice.recorded", {
            quantity: fmt(report.quantity),
            type: typeLabel(report.type).toLocaleLowerCase(officeMessages().locale),
            case: report.caseSlug,
            country: report.country,
          });
        }
      } else if (imported && isUuid(imported)) {
        const confirmed = await confirmedImport(pool, imported, user.id);
        if (confirmed) {
          notice =
            query.again !== undefined
              ? ot("office.reports.notice.again")
              : ot("office.reports.notice.imported", {
                  rows: fmt(confirmed.rows),
                  quantity: fmt(confirmed.quantity),
                });
        }
      }
      return sendReportsPage(
        reply,
        user,
        ot("office.reports.title"),
        <ReportList reports={reports} titles={titles} notice={notice} />,
      );
    },
  );

  // ——— The form ———

  async function reportForm(
    reply: FastifyReply,
    user: OfficeUser,
    state: { key: string; input: ReportInput; errors?: Errors; sure?: SureQuestion },
    status = 200,
  ) {
    const catalog = runtime.catalog();
    const campaign = campaignNow();
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
    const countryOptions = mine
      .map((c): [string, string] => [c, `${countryName(c)} (${c})`])
      .sort((a, b) => a[1].localeCompare(b[1], officeMessages().locale));
    return sendReportsPage(
      reply,
      user,
      ot("office.reports.new"),
      <ReportForm
        csrf={reply.generateCsrf()}
        formKey={state.key}
        input={state.input}
        errors={state.errors ?? {}}
        campaign={campaign}
        days={campaignDays(campaign)}
        ended={new Date() >= campaign.endsAt}
        cases={cases.map(([slug, id]): [string, string] => [slug, titles.get(id) ?? slug])}
        countries={countryOptions}
        events={events}
        sure={state.sure}
      />,
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
    if (!event || problems.some((p) => p.kind === "not_found"))
      throw notFound("office.problem.notFound.event");
    return event;
  }

  app.get(
    `${HERE}/new`,
    { ...guarded, schema: { querystring: NewQuery, response: pageResponses(404) } },
    async (request, reply) => {
      const user = currentUser(request);
      const input = Object.fromEntries(REPORT_COLUMNS.map((c) => [c, ""])) as ReportInput;
      if (request.query.event !== undefined) {
        // A repeated ?event= names no event either.
        const event = await managedEvent(user, single(request.query.event) ?? "");
        Object.assign(input, { event: event.id, country: event.country, date: eventDay(event) });
      }
      return reportForm(reply, user, { key: randomUUID(), input });
    },
  );

  const reportPost = formRoute(ReportBody);
  app.post(
    `${HERE}/new`,
    {
      ...reportPost,
      ...posted,
      schema: { ...reportPost.schema, response: formResponses(400, 403, 404, 409, 422) },
    },
    async (request, reply) => {
      const user = currentUser(request);
      if (formErrors(request).key) throw formIncomplete();
      const { body } = request;
      const key = body.key.toLowerCase();
      const input: ReportInput = {
        case: body.case ?? "",
        type: body.type ?? "",
        country: body.country ?? "",
        date: body.date ?? "",
        quantity: body.quantity ?? "",
        event: body.event ?? "",
        // The form has no note: a note explains a correction.
        reason: "",
      };
      const campaign = campaignNow();
      const events = await loadEvents(pool, [input.event]);
      const { report, problems } = checkReport(input, { campaign, user, sectionOf, events, now: new Date() });
      if (problems.some((p) => p.kind === "not_found")) throw notFound("office.problem.notFound.event");
      const forbidden = problems.find((p) => p.kind === "forbidden");
      if (forbidden) throw new Problem(403, "forbidden", forbidden.message);
      if (!report) return reportForm(reply, user, { key, input, errors: errorsOf(problems) }, 422);
      // Far more letters than the event has places: asked once more, answered by the same number.
      const event = report.eventId ? events.get(report.eventId) : undefined;
      if (event && needsConfirmation(report.quantity, event) && body.sure !== String(report.quantity)) {
        const sure = { quantity: report.quantity, capacity: event.capacity ?? 0, event: event.title };
        return reportForm(reply, user, { key, input, sure }, 422);
      }

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
        throw new Problem(409, "form_used", ot("office.reports.error.formUsed"));
      }
      return reply.redirect(`${HERE}?done=${key}`, 303);
    },
  );

  correctionRoutes(server, runtime);
  importRoutes(server, runtime);
}
