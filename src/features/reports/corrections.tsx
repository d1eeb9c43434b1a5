import { randomUUID } from "node:crypto";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import type pg from "pg";
import { Type } from "typebox";
import type { Runtime } from "../../core/runtime.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { formErrors, formRoute, formValues } from "../../platform/http/forms.js";
import { Problem } from "../../platform/http/problems.js";
import { QueryText, single } from "../../platform/http/query.js";
import { formResponses, pageResponses } from "../../platform/http/responses.js";
import type { OfficeUser } from "../office/index.js";
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
import { CorrectionForm, type CorrectionState, ReportPage } from "./correction-views.js";
import { seesReport } from "./policy.js";
import {
  caseTitles,
  getReport,
  loadEvents,
  netQuantity,
  occurredAtOfReport,
  type ReportRow,
  recordReports,
  reporterOf,
  reportHistory,
} from "./queries.js";
import { type CheckedReport, MAX_QUANTITY, needsConfirmation, occurredAtOf } from "./reports.js";
import { CorrectionForm as CorrectionBody, FORM_INCOMPLETE, ReportParams } from "./schemas.js";
import { fmt, HERE, type SureQuestion, sendReportsPage, signed, typeLabel } from "./views.js";

// A report's page and its corrections. A correction asks for the report's NEW TOTAL and records
// the difference from what it counts now (a report row with `corrects` and a ledger entry of
// that difference, in one transaction, as every report: queries.ts recordReports), so what was
// typed is what counts. The form carries the total it corrects: the original is locked while
// its total is summed, and a correction saved meanwhile makes the form stale — refused with the
// new total shown — so two people correcting at once never both apply against the same total.

const PageQuery = Type.Object({
  corrected: QueryText({ description: "The correction just saved, for the notice" }),
});

export function correctionRoutes(server: FastifyInstance, runtime: Runtime): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  type Outcome = { kind: "done"; id: string } | { kind: "used" } | { kind: "stale" | "same"; net: number };
  const finished = (o: Outcome): o is { kind: "done"; id: string } => o.kind === "done";
  const sectionOf = (country: string) => runtime.sectionOf(country);
  const guarded = { preValidation: guard(canReport) };
  const posted = { preHandler: [guard(canReport), app.csrfProtection] };

  /** The report named (the original when a correction is named), if this person sees it. */
  async function originalOf(user: OfficeUser, id: string, client?: pg.PoolClient): Promise<ReportRow> {
    const db = client ?? pool;
    const named = await getReport(db, id);
    if (!named || !seesReport(user, named, sectionOf)) throw notFound("office.problem.notFound.report");
    // Within a transaction the original is locked, so its corrections are summed one at a time.
    const original =
      named.corrects || client
        ? await getReport(db, named.corrects ?? named.id, client !== undefined)
        : named;
    if (!original || !seesReport(user, original, sectionOf)) throw notFound("office.problem.notFound.report");
    return original;
  }

  const titleOf = async (report: ReportRow) =>
    (await caseTitles(pool, [report.caseId])).get(report.caseId) ?? report.caseSlug;

  /** The "are you sure?" a total far above the event's places asks, unless that total was confirmed. */
  async function question(report: ReportRow, total: number, sure: string | undefined) {
    if (!report.eventId) return undefined;
    const event = (await loadEvents(pool, [report.eventId])).get(report.eventId);
    if (!event || !needsConfirmation(total, event) || sure === String(total)) return undefined;
    return { quantity: total, capacity: event.capacity ?? 0, event: event.title } satisfies SureQuestion;
  }

  async function correctionForm(
    reply: FastifyReply,
    user: OfficeUser,
    original: ReportRow,
    state: CorrectionState,
    status = 200,
  ) {
    const history = await reportHistory(pool, original.id);
    const net = history.reduce((sum, r) => sum + r.quantity, 0);
    return sendReportsPage(
      reply,
      user,
      ot("office.reports.correctTitle"),
      <CorrectionForm
        csrf={reply.generateCsrf()}
        history={history}
        title={await titleOf(original)}
        net={net}
        state={state}
      />,
      status,
    );
  }

  app.get(
    `${HERE}/:id`,
    { ...guarded, schema: { params: ReportParams, querystring: PageQuery, response: pageResponses(404) } },
    async (request, reply) => {
      const user = currentUser(request);
      const original = await originalOf(user, request.params.id);
      const history = await reportHistory(pool, original.id);
      let notice: string | undefined;
      const corrected = single(request.query.corrected);
      const at = history.findIndex((r) => r.id === corrected && r.corrects !== null);
      if (at > 0) {
        const after = history.slice(0, at + 1).reduce((sum, r) => sum + r.quantity, 0);
        const change = (history[at] as ReportRow).quantity;
        notice = ot("office.reports.notice.corrected", {
          total: fmt(after),
          type: typeLabel(original.type).toLocaleLowerCase(officeMessages().locale),
          before: fmt(after - change),
          change: signed(change),
        });
      }
      return sendReportsPage(
        reply,
        user,
        ot("office.reports.reportTitle", { date: original.date }),
        <ReportPage history={history} title={await titleOf(original)} notice={notice} />,
      );
    },
  );

  app.get(
    `${HERE}/:id/correct`,
    { ...guarded, schema: { params: ReportParams, response: pageResponses(404) } },
    async (request, reply) => {
      const user = currentUser(request);
      const original = await originalOf(user, request.params.id);
      return correctionForm(reply, user, original, { key: randomUUID(), total: "", reason: "" });
    },
  );

  const correctionPost = formRoute(CorrectionBody);
  app.post(
    `${HERE}/:id/correct`,
    {
      ...correctionPost,
      ...posted,
      schema: { ...correctionPost.schema, params: ReportParams, response: formResponses(400, 404, 409, 422) },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { id } = request.params;
      const original = await originalOf(user, id);
      const errors = formErrors(request);
      if (errors.key) throw new Problem(400, "form_incomplete", ot(FORM_INCOMPLETE));
      const values = formValues(request);
      const key = (values.key ?? "").toLowerCase();
      const totalText = values.total ?? "";
      const reason = values.reason ?? "";
      const total = Number(totalText);
      if (!errors.total && total > MAX_QUANTITY) {
        errors.total = ot("office.reports.error.total", { max: fmt(MAX_QUANTITY) });
      }
      const state = { key, total: totalText, reason, errors };
      const again = (status = 422, extra: Partial<CorrectionState> = {}) =>
        correctionForm(reply, user, original, { ...state, ...extra }, status);
      if (Object.keys(errors).length > 0) return again();
      const sure = await question(original, total, values.sure);
      if (sure) return again(422, { sure });

      const outcome = await withTransaction(pool, async (client): Promise<Outcome> => {
        const locked = await originalOf(user, id, client);
        const reporter = await reporterOf(client, key);
        if (reporter !== undefined)
          return reporter === user.id ? { kind: "done", id: locked.id } : { kind: "used" };
        const net = await netQuantity(client, locked.id);
        // Without the total it was opened with (a form from before totals), the form is stale too.
        if (values.counted !== String(net)) return { kind: "stale", net };
        const delta = total - net;
        if (delta === 0) return { kind: "same", net };
        const campaign = runtime.catalog().campaignsById.get(locked.campaignId);
        if (!campaign) throw new Problem(409, "no_campaign", ot("office.reports.error.campaignGone"));
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
          {
            case: correction.caseSlug,
            type: correction.type,
            country: correction.country,
            date: correction.date,
            quantity: delta,
            event: correction.eventId,
            reason,
            corrects: locked.id,
            counted: total,
            late,
          },
        );
        return { kind: "done", id: locked.id };
      });
      if (outcome.kind === "used") throw new Problem(409, "form_used", ot("office.reports.error.formUsed"));
      if (!finished(outcome)) {
        const stale = outcome.kind === "stale";
        errors.total = ot(stale ? "office.reports.error.stale" : "office.reports.error.sameTotal", {
          net: fmt(outcome.net),
        });
        return again(stale ? 409 : 422);
      }
      // The counter moved on every node (the ledger entry's NOTIFY); public pages show no report.
      return reply.redirect(`${HERE}/${outcome.id}?corrected=${key}#net`, 303);
    },
  );
}
