import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import { h } from "preact";
import { Type } from "typebox";
import { campaignStatus, reportsCloseAt } from "../../../core/catalog/current.js";
import { CAMPAIGN_FIELDS, textState } from "../../../core/catalog/entity-texts.js";
import type { Runtime } from "../../../core/runtime.js";
import { withTransaction } from "../../../platform/db/transaction.js";
import { formErrors, formRoute } from "../../../platform/http/forms.js";
import { formResponses, pageResponses } from "../../../platform/http/responses.js";
import { isSlug } from "../../../platform/rules.js";
import { TIME_ZONES, toLocalInput } from "../../events/index.js";
import type { Errors, OfficeUser } from "../../office/index.js";
import {
  actorOf,
  audit,
  canTranslate,
  currentUser,
  guard,
  isAdmin,
  notFound,
  ot,
  sendPage,
} from "../../office/index.js";
import { pendingByCase } from "../../signatures/index.js";
import { languagesInUse } from "../../translations/index.js";
import { compareEditions } from "./compare.js";
import {
  checkEditionForm,
  DEFAULT_LATE_REPORT_DAYS,
  DoneQuery,
  type EditionForm,
  EditionFormBody,
  type EditionInput,
  readEditionForm,
  TEXT_BODY_LIMIT,
} from "./input.js";
import {
  allCases,
  auditView,
  type EditionRecord,
  editionSlugs,
  insertEdition,
  loadEdition,
  lockEditions,
  makesCycle,
  updateEdition,
} from "./store.js";
import { campaignTextRoutes } from "./text-routes.js";
import {
  campaignNotice,
  EditionPage,
  type EditionPageProps,
  type EditionRow,
  EditionsPage,
} from "./views.js";

// Editions in the back office, for admins: side by side, created (with the previous edition's
// cases carried over if asked), edited, and their texts translated (by admins and translators
// into the language). Every write is audited in its transaction, then announced with
// catalogChanged(), so every node's catalog, counters and public pages know the edition at once.

// Any text: a slug or language that names nothing is the page not found, not a bad request.
const EditionParams = Type.Object({ slug: Type.String({ maxLength: 100 }) });

const sourceText = (e: EditionRecord, field: string) =>
  e.texts.find((t) => t.language === e.defaultLanguage && t.field === field)?.text ?? "";

function formOfRecord(e: EditionRecord): EditionForm {
  return {
    slug: e.slug,
    title: e.title,
    intro: sourceText(e, "intro"),
    eventKit: sourceText(e, "event_kit"),
    startsAt: toLocalInput(e.startsAt, e.timeZone),
    endsAt: toLocalInput(e.endsAt, e.timeZone),
    timeZone: e.timeZone,
    goal: String(e.goal),
    previous: e.previousSlug ?? "",
    defaultLanguage: e.defaultLanguage,
    lateReportDays: String(e.lateReportDays),
    confirmSignatures: e.confirmSignatures,
    cases: e.cases.map(String),
    carryOver: false,
  };
}

const editionForm = formRoute(EditionFormBody);

export function campaignOfficeRoutes(fastify: FastifyInstance, runtime: Runtime): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  const admins = guard(isAdmin);
  const _translators = guard(canTranslate);

  const editionPage = async (
    reply: FastifyReply,
    user: OfficeUser,
    o: Pick<EditionPageProps, "slug" | "form" | "errors" | "notice">,
    status = 200,
  ) => {
    const [editions, cases, languages] = await Promise.all([
      editionSlugs(pool),
      allCases(pool),
      o.slug ? languagesInUse(pool) : Promise.resolve([]),
    ]);
    const record = o.slug ? await loadEdition(pool, o.slug) : undefined;
    const pending = record ? await pendingByCase(pool, record.id) : [];
    const translations = record
      ? languages
          .filter((l) => l.toLowerCase() !== record.defaultLanguage.toLowerCase())
          .map((language) => ({
            language,
            states: Object.fromEntries(
              CAMPAIGN_FIELDS.map((f) => [f, textState(record.texts, record.defaultLanguage, language, f)]),
            ) as EditionPageProps["translations"][number]["states"],
          }))
      : [];
    const page = h(EditionPage, {
      ...o,
      user,
      csrf: reply.generateCsrf(),
      editions,
      cases,
      timeZones: TIME_ZONES,
      translations,
      pending,
    });
    return sendPage(reply, page, status);
  };

  app.get(
    "/office/campaigns",
    { schema: { querystring: DoneQuery, response: pageResponses(403) }, preValidation: admins },
    async (request, reply) => {
      const user = currentUser(request);
      const catalog = runtime.catalog();
      const now = new Date();
      const rows: EditionRow[] = [...catalog.campaigns.values()]
        .sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime())
        .map((c) => {
          const previous = c.previousId === null ? undefined : catalog.campaignsById.get(c.previousId);
          return {
            slug: c.slug,
            title: c.title,
            startsAt: c.startsAt,
            endsAt: c.endsAt,
            timeZone: c.timeZone,
            status: campaignStatus(c, now),
            goal: c.goal,
            previous: previous?.slug ?? null,
            comparison: compareEditions(c, previous, (id) => runtime.counters.get(id), now),
            cases: [...c.cases.keys()],
            lateReportsUntil: reportsCloseAt(c),
          };
        });
      const notice = campaignNotice(request.query.done);
      return sendPage(reply, h(EditionsPage, { user, csrf: reply.generateCsrf(), notice, rows }));
    },
  );

  app.get(
    "/office/campaigns/new",
    { schema: { response: pageResponses(403) }, preValidation: admins },
    async (request, reply) => {
      const latest = [...runtime.catalog().campaigns.values()].sort(
        (a, b) => b.startsAt.getTime() - a.startsAt.getTime(),
      )[0];
      const form: EditionForm = {
        slug: "",
        title: "",
        intro: "",
        eventKit: "",
        startsAt: "",
        endsAt: "",
        timeZone: latest?.timeZone ?? "UTC",
        goal: latest ? String(latest.goal) : "0",
        previous: latest?.slug ?? "",
        defaultLanguage: latest?.defaultLanguage ?? "en",
        lateReportDays: String(latest?.lateReportDays ?? DEFAULT_LATE_REPORT_DAYS),
        confirmSignatures: latest?.confirmSignatures ?? false,
        cases: [],
        carryOver: latest !== undefined,
      };
      return editionPage(reply, currentUser(request), { form });
    },
  );

  /** The checks that need the database, under the editions' lock: slug taken, cycles. */
  const checkStored = async (
    client: Parameters<typeof lockEditions>[0],
    self: EditionRecord | null,
    input: EditionInput,
  ) => {
    const errors: Errors = {};
    await lockEditions(client);
    if (!self && (await editionSlugs(client)).includes(input.slug))
      errors.slug = ot("office.campaigns.error.taken", { slug: input.slug });
    if (self && input.previous && (await makesCycle(client, self.id, input.previous)))
      errors.previous = `${input.previous} is compared with this campaign already (directly or through others): that would be a circle.`;
    return errors;
  };

  app.post(
    "/office/campaigns/new",
    {
      ...editionForm,
      bodyLimit: TEXT_BODY_LIMIT,
      schema: { ...editionForm.schema, response: formResponses(403, 422) },
      preHandler: [admins, app.csrfProtection],
    },
    async (request, reply) => {
      const user = currentUser(request);
      const form = readEditionForm(request.body);
      const [editions, cases] = await Promise.all([editionSlugs(pool), allCases(pool)]);
      const checked = checkEditionForm(form, { self: null, editions, caseIds: cases.map((c) => c.id) });
      // The schema's sentences first: they say what is wrong with the field as typed.
      let errors: Errors = { ...checked.errors, ...formErrors(request) };
      if (Object.keys(errors).length > 0) return editionPage(reply, user, { form, errors }, 422);
      const created = await withTransaction(pool, async (client) => {
        errors = await checkStored(client, null, checked.input);
        if (Object.keys(errors).length > 0) return undefined;
        const id = await insertEdition(client, checked.input, user.id);
        const after = await loadEdition(client, checked.input.slug);
        if (!after) throw new Error("the new edition cannot be read back");
        await audit(
          client,
          actorOf(user),
          "create",
          "campaign",
          id,
          null,
          auditView(after, caseSlugs(cases)),
        );
        return after;
      });
      if (!created) return editionPage(reply, user, { form, errors }, 422);
      await runtime.catalogChanged();
      return reply.redirect(`/office/campaigns/${created.slug}?done=created`, 303);
    },
  );

  const editionParam = async (slug: string) => {
    // A text that is no slug names no edition (and never reaches the database).
    const record = isSlug(slug) ? await loadEdition(pool, slug) : undefined;
    if (!record) throw notFound("office.problem.notFound.edition");
    return record;
  };

  app.get(
    "/office/campaigns/:slug",
    {
      schema: { params: EditionParams, querystring: DoneQuery, response: pageResponses(403, 404) },
      preValidation: admins,
    },
    async (request, reply) => {
      const record = await editionParam(request.params.slug);
      const notice = campaignNotice(request.query.done);
      return editionPage(reply, currentUser(request), {
        slug: record.slug,
        form: formOfRecord(record),
        notice,
      });
    },
  );

  app.post(
    "/office/campaigns/:slug",
    {
      ...editionForm,
      bodyLimit: TEXT_BODY_LIMIT,
      schema: { ...editionForm.schema, params: EditionParams, response: formResponses(403, 404, 422) },
      preHandler: [admins, app.csrfProtection],
    },
    async (request, reply) => {
      const user = currentUser(request);
      const record = await editionParam(request.params.slug);
      const form = { ...readEditionForm(request.body), slug: record.slug };
      const [editions, cases] = await Promise.all([editionSlugs(pool), allCases(pool)]);
      const checked = checkEditionForm(form, {
        self: record.slug,
        editions,
        caseIds: cases.map((c) => c.id),
      });
      // A slug sent with an edit is ignored (an edition keeps its slug), so not an error either.
      const { slug: _ignored, ...schemaErrors } = formErrors(request);
      let errors: Errors = { ...checked.errors, ...schemaErrors };
      const slug = record.slug;
      if (Object.keys(errors).length > 0) return editionPage(reply, user, { slug, form, errors }, 422);
      const changed = await withTransaction(pool, async (client) => {
        errors = await checkStored(client, record, checked.input);
        if (Object.keys(errors).length > 0) return undefined;
        const before = await loadEdition(client, slug);
        if (!before) throw notFound("office.problem.notFound.edition");
        await updateEdition(client, before.id, checked.input, user.id);
        const after = await loadEdition(client, slug);
        if (!after) throw notFound("office.problem.notFound.edition");
        const slugs = caseSlugs(cases);
        const [b, a] = [auditView(before, slugs), auditView(after, slugs)];
        // Saving an unchanged form changes nothing, so it leaves no record either.
        if (JSON.stringify(b) === JSON.stringify(a)) return false;
        await audit(client, actorOf(user), "update", "campaign", before.id, b, a);
        return true;
      });
      if (changed === undefined) return editionPage(reply, user, { slug, form, errors }, 422);
      if (changed) await runtime.catalogChanged();
      return reply.redirect(`/office/campaigns/${slug}?done=saved`, 303);
    },
  );

  campaignTextRoutes(fastify, runtime);
}

const caseSlugs = (cases: { id: number; slug: string }[]) => new Map(cases.map((c) => [c.id, c.slug]));
