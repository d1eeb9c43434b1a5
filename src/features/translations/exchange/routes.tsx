import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Static } from "typebox";
import { currentCampaign } from "../../../core/catalog/current.js";
import type { Runtime } from "../../../core/runtime.js";
import { formRoute } from "../../../platform/http/forms.js";
import { Problem } from "../../../platform/http/problems.js";
import { pageResponses } from "../../../platform/http/responses.js";
import { canonicalLanguage } from "../../../platform/rules.js";
import type { OfficeUser } from "../../office/index.js";
import { canTranslate, currentUser, guard, isAdmin, notFound, ot, sendPage } from "../../office/index.js";
import { translatesInto } from "../policy.js";
import { reviewRequired } from "../queries.js";
import { caseUnits, type ExchangeCase, importCaseFile } from "./cases.js";
import { CATALOG_LOCALES, catalogUnits, importCatalogFile } from "./catalogs.js";
import { readUpload, writeExchangeFile } from "./files.js";
import { mayApproveImport } from "./policy.js";
import { ExportQuery, ExportResponses, ImportQuery, ImportUpload } from "./schemas.js";
import { type ExportUnit, exchangeKey, type Format, fileProblem, type Kind, MEDIA, sign } from "./units.js";
import { ImportResult } from "./views.js";

// Exchange files: exports of case texts and interface messages as XLIFF 2.0, XLIFF 1.2 or PO,
// and their imports. An import is checked whole before anything is written (see cases.ts).

const wantsJson = (request: FastifyRequest): boolean => {
  const accept = request.headers.accept ?? "";
  return /application\/(problem\+)?json/.test(accept) && !accept.includes("text/html");
};

export function exchangeRoutes(parent: FastifyInstance, runtime: Runtime): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;

  const languageOf = (tag: string): string => {
    const language = canonicalLanguage(tag);
    if (!language) throw new Problem(400, "bad_language", `"${tag}" is not a language tag.`);
    return language;
  };

  const download = async (
    reply: FastifyReply,
    format: Format,
    kind: Kind,
    sourceLanguage: string,
    targetLanguage: string,
    units: ExportUnit[],
    name: string,
  ) => {
    const header = { kind, sourceLanguage, targetLanguage, exportedAt: new Date().toISOString() };
    const signature = sign(await exchangeKey(pool), header, units);
    const body = await writeExchangeFile(format, { ...header, signature, units });
    const filename = `${name}.${targetLanguage}.${format === "xliff12" ? "xliff12." : ""}${MEDIA[format].extension}`;
    return reply
      .type(MEDIA[format].type)
      .header("content-disposition", `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`)
      .header("cache-control", "private, no-store")
      .send(body);
  };

  app.get(
    "/office/translations/export",
    {
      preValidation: guard(canTranslate),
      schema: {
        querystring: ExportQuery,
        response: { ...ExportResponses, ...pageResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { format } = request.query;
      const language = languageOf(request.query.language);
      if (!translatesInto(user, language))
        throw new Problem(403, "forbidden", ot("office.translations.notYours", { language }));
      const catalog = runtime.catalog();
      const campaign = request.query.campaign
        ? catalog.campaigns.get(request.query.campaign)
        : currentCampaign(catalog);
      if (!campaign) throw notFound("office.problem.notFound.edition");
      // The panel's "every case" option sends an empty case: the same as none.
      const caseSlug = request.query.case || undefined;
      const found = await pool.query<{ id: number; slug: string; source_language: string }>(
        caseSlug
          ? "SELECT id, slug, source_language FROM cases WHERE slug = $1"
          : `SELECT c.id, c.slug, c.source_language FROM campaign_cases cc JOIN cases c ON c.id = cc.case_id
              WHERE cc.campaign_id = $1 ORDER BY cc.position, c.slug`,
        [caseSlug ?? campaign.id],
      );
      const cases: ExchangeCase[] = found.rows.map((r) => ({
        id: r.id,
        slug: r.slug,
        sourceLanguage: r.source_language,
      }));
      if (caseSlug && cases.length === 0) throw notFound("office.problem.notFound.case");
      // An XLIFF 2.0 document has one source language: the single case's, or the edition's.
      const sourceLanguage = caseSlug ? (cases[0] as ExchangeCase).sourceLanguage : campaign.defaultLanguage;
      if (sourceLanguage.toLowerCase() === language.toLowerCase())
        throw new Problem(409, "source_language", ot("office.exchange.sourceLanguage", { language }));
      const units = await caseUnits(pool, cases, sourceLanguage, language);
      return download(reply, format, "cases", sourceLanguage, language, units, caseSlug ?? campaign.slug);
    },
  );

  app.get(
    "/office/translations/catalogs/export",
    {
      preValidation: guard(isAdmin),
      schema: { querystring: ExportQuery, response: { ...ExportResponses, ...pageResponses(400, 403) } },
    },
    async (request, reply) => {
      const language = catalogLocale(request.query.language);
      return download(
        reply,
        request.query.format,
        "catalog",
        "en",
        language,
        catalogUnits(language),
        "messages",
      );
    },
  );

  /** The uploaded file, read; a file for the wrong kind or language is refused. */
  const uploaded = async (
    body: Static<typeof ImportUpload>,
    query: Static<typeof ImportQuery>,
    kind: Kind,
  ) => {
    const sent = body.file;
    const data = Buffer.isBuffer(sent) ? sent : typeof sent === "string" ? Buffer.from(sent) : undefined;
    if (!data || data.length === 0) throw new Problem(422, "no_file", ot("office.exchange.noFile"));
    const file = await readUpload(data);
    if (file.kind !== kind)
      throw fileProblem(
        "wrong_kind",
        file.kind === "catalog" ? "wrongKindCatalog" : "wrongKindCases",
        {},
        file.signatureLine,
      );
    const language = canonicalLanguage(file.targetLanguage);
    if (!language) throw fileProblem("no_language", "noLanguage", {}, file.languageLine);
    const chosen = query.language ?? body.language;
    if (chosen && canonicalLanguage(chosen)?.toLowerCase() !== language.toLowerCase())
      throw fileProblem("wrong_language", "wrongLanguage", { language, chosen }, file.languageLine);
    return { ...file, targetLanguage: language };
  };

  const answer = (
    request: FastifyRequest,
    reply: FastifyReply,
    user: OfficeUser,
    title: string,
    language: string,
    outcome: Parameters<typeof ImportResult>[0]["outcome"],
  ) => {
    if (wantsJson(request))
      return reply.type("application/json").send(JSON.stringify({ language, ...outcome }));
    return sendPage(
      reply,
      <ImportResult
        user={user}
        csrf={reply.generateCsrf()}
        title={title}
        language={language}
        outcome={outcome}
      />,
    );
  };

  const upload = formRoute(ImportUpload, { querystring: ImportQuery });
  app.post(
    "/office/translations/import",
    {
      ...upload,
      schema: { ...upload.schema, response: pageResponses(400, 403, 413, 422) },
      preHandler: [guard(canTranslate), app.csrfProtection],
    },
    async (request, reply) => {
      const user = currentUser(request);
      const file = await uploaded(request.body, request.query, "cases");
      const language = file.targetLanguage;
      if (!translatesInto(user, language))
        throw new Problem(403, "forbidden", ot("office.exchange.notYourLanguage", { language }));
      const approve =
        request.body.approve !== undefined &&
        mayApproveImport(user, language, await reviewRequired(pool, language));
      const outcome = await importCaseFile(pool, user, file, approve);
      if (outcome.imported.length > 0) await runtime.catalogChanged();
      return answer(request, reply, user, ot("office.exchange.importedTitle"), language, outcome);
    },
  );

  app.post(
    "/office/translations/catalogs/import",
    {
      ...upload,
      schema: { ...upload.schema, response: pageResponses(400, 403, 413, 422) },
      preHandler: [guard(isAdmin), app.csrfProtection],
    },
    async (request, reply) => {
      const user = currentUser(request);
      const file = await uploaded(request.body, request.query, "catalog");
      const language = catalogLocale(file.targetLanguage);
      const outcome = await importCatalogFile(pool, user, { ...file, targetLanguage: language });
      // Every node reads the messages with its catalog: the announcement reloads both.
      if (outcome.imported.length > 0) await runtime.catalogChanged();
      return answer(request, reply, user, ot("office.exchange.messagesImportedTitle"), language, outcome);
    },
  );
}

/** The interface language of a tag (zh-hans → zh-Hans); others have no catalog to translate. */
function catalogLocale(tag: string): string {
  const locale = CATALOG_LOCALES.find((l) => l.toLowerCase() === tag.toLowerCase());
  if (!locale)
    throw new Problem(
      422,
      "not_an_interface_language",
      `The interface is translated into ${CATALOG_LOCALES.join(", ")}, not ${tag}.`,
    );
  return locale;
}
