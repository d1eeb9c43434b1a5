import { randomUUID } from "node:crypto";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import type pg from "pg";
import { v5 as uuidv5 } from "uuid";
import { type CampaignInfo, countriesOfSections } from "../../core/catalog/catalog.js";
import type { Runtime } from "../../core/runtime.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { formErrors, formRoute } from "../../platform/http/forms.js";
import { Problem } from "../../platform/http/problems.js";
import { formResponses, pageResponses } from "../../platform/http/responses.js";
import type { OfficeUser } from "../office/index.js";
import { actorOf, audit, canReport, currentUser, guard, notFound, ot } from "../office/index.js";
import { type CsvRow, readReportCsv, templateCsv } from "./csv.js";
import { type CheckedFile, ImportForm, ImportPreview } from "./import-views.js";
import { confirmImport, loadEvents, lockImport, recordReports, savePendingImport } from "./queries.js";
import {
  type CheckedReport,
  campaignDays,
  campaignToReport,
  checkReport,
  needsConfirmation,
} from "./reports.js";
import { CsvResponse, ImportConfirm, ImportUpload } from "./schemas.js";
import { HERE, sendReportsPage } from "./views.js";

// CSV imports of reports: upload, a preview of every row, then a confirmation that writes them
// all in one transaction. Nothing counts until the confirmation; a file confirmed twice is
// imported once.

/** A preview can be confirmed for this long; then the file must be uploaded again. */
const PENDING_HOURS = 24;

export function importRoutes(app: FastifyInstance, runtime: Runtime): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  // A file of many thousand lines is checked and recorded in long statements: the long bounds.
  const pool = runtime.db.bulk;
  const sectionOf = (country: string) => runtime.sectionOf(country);
  const posted = { preHandler: [guard(canReport), app.csrfProtection] };

  /** Checks every row of a file, as the form would check it alone. */
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
    const file: CheckedFile = { rows: [], bad: 0, quantity: 0, byCase: new Map(), unusual: [] };
    for (const row of rows) {
      const { report, problems } = checkReport(row.input, ctx);
      if (row.extraCells > 0) {
        problems.push({
          column: "row",
          message: ot("office.reports.import.extraCells", { count: row.extraCells }),
          kind: "invalid",
        });
      }
      const ok = report && problems.length === 0;
      file.rows.push({ ...row, report: ok ? report : undefined, problems });
      if (!ok) file.bad++;
      else {
        // The preview is the file's "are you sure?": rows far above their event's places are named.
        const event = report.eventId ? events.get(report.eventId) : undefined;
        if (event && needsConfirmation(report.quantity, event)) {
          file.unusual.push({
            line: row.line,
            quantity: report.quantity,
            capacity: event.capacity ?? 0,
            event: event.title,
          });
        }
        file.quantity += report.quantity;
        file.byCase.set(report.caseSlug, (file.byCase.get(report.caseSlug) ?? 0) + report.quantity);
      }
    }
    return file;
  }

  const importForm = (reply: FastifyReply, user: OfficeUser, error?: string, status = 200) =>
    sendReportsPage(
      reply,
      user,
      ot("office.reports.import.title"),
      <ImportForm csrf={reply.generateCsrf()} error={error} />,
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
    sendReportsPage(
      reply,
      user,
      ot("office.reports.import.previewTitle"),
      <ImportPreview csrf={reply.generateCsrf()} campaign={campaign} file={file} importId={importId} />,
      status,
    );

  typed.get(
    `${HERE}/import`,
    { preValidation: guard(canReport), schema: { response: pageResponses() } },
    async (request, reply) => importForm(reply, currentUser(request)),
  );

  typed.get(
    `${HERE}/template.csv`,
    { preValidation: guard(canReport), schema: { response: CsvResponse } },
    async (request, reply) => {
      const user = currentUser(request);
      const campaign = campaignToReport(runtime.catalog());
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
    },
  );

  const upload = formRoute(ImportUpload);
  typed.post(
    `${HERE}/import`,
    { ...upload, ...posted, schema: { ...upload.schema, response: pageResponses(413, 422) } },
    async (request, reply) => {
      const user = currentUser(request);
      const { file: sent } = request.body;
      const data = Buffer.isBuffer(sent) ? sent : typeof sent === "string" ? Buffer.from(sent) : undefined;
      if (!data || data.length === 0) return importForm(reply, user, ot("office.reports.import.noFile"), 422);
      const campaign = campaignToReport(runtime.catalog());
      const csv = readReportCsv(data);
      if (!csv.ok) return importForm(reply, user, csv.message, csv.status);
      const file = await checkFile(pool, csv.rows, user, campaign);
      if (file.bad > 0) return preview(reply, user, campaign, file, null, 422);
      // The file waits, as its owner's, for the confirmation; nothing counts yet.
      const importId = randomUUID();
      await withTransaction(pool, (client) =>
        savePendingImport(
          client,
          {
            id: importId,
            userId: user.id,
            campaignId: campaign.id,
            text: csv.text,
            rows: file.rows.length,
            quantity: file.quantity,
          },
          PENDING_HOURS,
        ),
      );
      return preview(reply, user, campaign, file, importId, 200);
    },
  );

  const confirm = formRoute(ImportConfirm);
  typed.post(
    `${HERE}/import/confirm`,
    { ...confirm, ...posted, schema: { ...confirm.schema, response: formResponses(404, 409, 422) } },
    async (request, reply) => {
      const user = currentUser(request);
      if (formErrors(request).import) throw notFound("office.problem.notFound.import");
      const importId = request.body.import.toLowerCase();
      const outcome = await withTransaction(pool, async (client) => {
        // Locked: a second confirm waits for the first, then finds the import done.
        const pending = await lockImport(client, importId, user.id);
        if (!pending) throw notFound("office.problem.notFound.import");
        if (pending.confirmed_at) return { kind: "again" as const };
        if (pending.expired) {
          throw new Problem(409, "import_expired", ot("office.reports.import.expired"));
        }
        const campaign = runtime.catalog().campaignsById.get(pending.campaign_id);
        if (!campaign) throw new Problem(409, "no_campaign", ot("office.reports.import.campaignGone"));
        // Checked again: the catalog, the events or this person's sections may have changed.
        const csv = readReportCsv(pending.content ?? "");
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
        await confirmImport(client, importId);
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
    },
  );
}
