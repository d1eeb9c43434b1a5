import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "preact";
import type { TObject } from "typebox";
import { currentCampaign } from "../../../core/catalog/current.js";
import type { Runtime } from "../../../core/runtime.js";
import { withTransaction } from "../../../platform/db/transaction.js";
import { formErrors, formRoute } from "../../../platform/http/forms.js";
import { formResponses, pageResponses } from "../../../platform/http/responses.js";
import type { Errors, OfficeUser } from "../../office/index.js";
import {
  actorOf,
  audit,
  canEditCases,
  currentUser,
  guard,
  notFound,
  ot,
  sendPage,
} from "../../office/index.js";
import { emptyTexts, languageProgress, languagesInUse, loadTranslations } from "../../translations/index.js";
import {
  type CampaignOption,
  type CaseDraft,
  draftFromStored,
  draftOf,
  SaveRefused,
  type StoredCase,
  TEXT_FORM_LIMIT,
  validate,
} from "./model.js";
import { PhotoRejected, removePhoto, replacePhoto, resizePhoto } from "./photos.js";
import { campaignOptions, listCases, loadCase, saveCase, setPublished } from "./queries.js";
import { ButtonForm, CaseParams, DoneQuery, EditCaseForm, NewCaseForm, PhotoForm } from "./schemas.js";
import { CaseForm, type CaseGroup, CaseList, caseNotice, type TranslationProgressItem } from "./views.js";

// Cases, written by admins: where each is featured, its texts in the source language, its
// targets, where solidarity cards go, its photo, and whether the public site shows it.

const emptyDraft = (): CaseDraft => ({
  slug: "",
  country: "",
  sourceLanguage: "en",
  texts: emptyTexts(),
  targets: [],
  campaigns: new Map(),
  published: false,
  substantial: false,
});

export function caseRoutes(parent: FastifyInstance, runtime: Runtime): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  const guarded = { preValidation: guard(canEditCases) };
  const posting = { preHandler: [guard(canEditCases), app.csrfProtection] };
  // A case's texts can be long, and urlencoded non-Latin text takes up to 9 bytes a character.
  const postingTexts = { ...posting, bodyLimit: TEXT_FORM_LIMIT };

  const caseParam = async (id: string) => {
    const stored = /^\d{1,9}$/.test(id) ? await loadCase(pool, Number(id)) : undefined;
    if (!stored) throw notFound("office.problem.notFound.case");
    return stored;
  };

  /** Each language's progress on the case, the source language left out. */
  const translationsOf = async (stored: StoredCase): Promise<TranslationProgressItem[] | undefined> => {
    const entry = (await loadTranslations(pool, [stored.id])).get(stored.id);
    if (!entry) return undefined;
    const languages = (await languagesInUse(pool)).filter((l) => l !== stored.sourceLanguage);
    return languages.map((language) => ({ language, ...languageProgress(entry, language) }));
  };

  const formPage = async (
    reply: FastifyReply,
    o: { user: OfficeUser; stored?: StoredCase; draft: CaseDraft; errors?: Errors; notice?: string },
    status = 200,
  ) => {
    const [campaigns, translations] = await Promise.all([
      campaignOptions(pool),
      o.stored ? translationsOf(o.stored) : undefined,
    ]);
    const page = h(CaseForm, { ...o, csrf: reply.generateCsrf(), campaigns, translations });
    return sendPage(reply, page, status);
  };

  /** A form post about one case: its schema, the case's number, its answers. */
  const form = <T extends TObject>(body: T) => {
    const route = formRoute(body);
    return {
      ...route,
      schema: { ...route.schema, params: CaseParams, response: formResponses(403, 404, 422) },
    };
  };

  /** The errors of a case post: the schema's field by field, then those of the whole form. */
  const caseErrors = (
    request: FastifyRequest,
    draft: CaseDraft,
    campaigns: CampaignOption[],
    isNew: boolean,
  ): Errors => ({
    ...validate(draft, campaigns, isNew),
    ...formErrors(request),
  });

  app.get(
    "/office/cases",
    { ...guarded, schema: { querystring: DoneQuery, response: pageResponses(403) } },
    async (request, reply) => {
      const [all, { cases, featured }] = await Promise.all([campaignOptions(pool), listCases(pool)]);
      const byId = new Map(cases.map((r) => [r.id, r]));
      const groups: CaseGroup[] = all.map((c) => ({
        title: `${c.title} (${c.slug})`,
        rows: featured.filter((f) => f.campaign_id === c.id).map((f) => byId.get(f.case_id)),
      }));
      const placed = new Set(featured.map((f) => f.case_id));
      groups.push({ rows: cases.filter((r) => !placed.has(r.id)) });
      const notice = caseNotice(request.query.done);
      return sendPage(
        reply,
        h(CaseList, { user: currentUser(request), csrf: reply.generateCsrf(), notice, groups }),
      );
    },
  );

  app.get(
    "/office/cases/new",
    { ...guarded, schema: { response: pageResponses(403) } },
    async (request, reply) => {
      // Most new cases are for the edition being prepared or run: offered first, after its cases.
      const draft = emptyDraft();
      const current = currentCampaign(runtime.catalog());
      if (current) draft.campaigns.set(current.id, current.cases.size);
      return formPage(reply, { user: currentUser(request), draft });
    },
  );

  const newCase = formRoute(NewCaseForm);
  const newCaseRoute = { ...newCase, schema: { ...newCase.schema, response: formResponses(403, 422) } };
  app.post("/office/cases/new", { ...newCaseRoute, ...postingTexts }, async (request, reply) => {
    const user = currentUser(request);
    const all = await campaignOptions(pool);
    const draft = draftOf(request.body);
    const errors = caseErrors(request, draft, all, true);
    if (Object.keys(errors).length > 0) return formPage(reply, { user, draft, errors }, 422);
    try {
      const id = await withTransaction(pool, async (client) => {
        const caseId = await saveCase(client, draft, all, undefined, user.id);
        const after = (await loadCase(client, caseId)) ?? null;
        await audit(client, actorOf(user), "create", "case", caseId, null, after);
        return caseId;
      });
      await runtime.catalogChanged();
      return reply.redirect(`/office/cases/${id}?done=created`, 303);
    } catch (error) {
      if (error instanceof SaveRefused) return formPage(reply, { user, draft, errors: error.errors }, 422);
      throw error;
    }
  });

  app.get(
    "/office/cases/:id",
    { ...guarded, schema: { params: CaseParams, querystring: DoneQuery, response: pageResponses(403, 404) } },
    async (request, reply) => {
      const stored = await caseParam(request.params.id);
      const { done } = request.query;
      return formPage(reply, {
        user: currentUser(request),
        stored,
        draft: draftFromStored(stored),
        notice: caseNotice(done),
      });
    },
  );

  app.post("/office/cases/:id", { ...form(EditCaseForm), ...postingTexts }, async (request, reply) => {
    const user = currentUser(request);
    const stored = await caseParam(request.params.id);
    const all = await campaignOptions(pool);
    const draft = { ...draftOf(request.body), slug: stored.slug, sourceLanguage: stored.sourceLanguage };
    const errors = caseErrors(request, draft, all, false);
    if (Object.keys(errors).length > 0) return formPage(reply, { user, stored, draft, errors }, 422);
    try {
      await withTransaction(pool, async (client) => {
        const before = await loadCase(client, stored.id, true);
        if (!before) throw notFound("office.problem.notFound.case");
        await saveCase(client, draft, all, before, user.id);
        const saved = await loadCase(client, stored.id);
        // A substantial change also took older translations of the changed fields off the site.
        const after = saved ? { ...saved, substantial: draft.substantial } : null;
        await audit(client, actorOf(user), "update", "case", stored.id, before, after);
      });
    } catch (error) {
      if (error instanceof SaveRefused)
        return formPage(reply, { user, stored, draft, errors: error.errors }, 422);
      throw error;
    }
    await runtime.catalogChanged();
    return reply.redirect(`/office/cases/${stored.id}?done=saved`, 303);
  });

  for (const [path, published] of [
    ["publish", true],
    ["unpublish", false],
  ] as const) {
    app.post(`/office/cases/:id/${path}`, { ...form(ButtonForm), ...posting }, async (request, reply) => {
      const user = currentUser(request);
      const stored = await caseParam(request.params.id);
      await withTransaction(pool, async (client) => {
        const before = await loadCase(client, stored.id, true);
        if (!before) throw notFound("office.problem.notFound.case");
        if (before.published === published) return;
        await setPublished(client, stored.id, published);
        const after = (await loadCase(client, stored.id)) ?? null;
        await audit(client, actorOf(user), path, "case", stored.id, before, after);
      });
      await runtime.catalogChanged();
      return reply.redirect(`/office/cases/${stored.id}?done=${path}ed`, 303);
    });
  }

  app.post("/office/cases/:id/photo", { ...form(PhotoForm), ...posting }, async (request, reply) => {
    const user = currentUser(request);
    const stored = await caseParam(request.params.id);
    const refuse = (message: string) =>
      formPage(reply, { user, stored, draft: draftFromStored(stored), errors: { photo: message } }, 422);
    const file = request.body.photo;
    // A text field sent under the file's name is no photo either.
    if (formErrors(request).photo || !Buffer.isBuffer(file) || file.length === 0)
      return refuse(ot("office.cases.error.photo"));
    let variants: Awaited<ReturnType<typeof resizePhoto>>;
    try {
      variants = await resizePhoto(file);
    } catch (error) {
      if (error instanceof PhotoRejected) return refuse(error.message);
      throw error;
    }
    await withTransaction(pool, async (client) => {
      const before = await loadCase(client, stored.id, true);
      if (!before) throw notFound("office.problem.notFound.case");
      const setId = await replacePhoto(client, stored.id, before.photoId, variants);
      const sizes = variants.map((v) => ({ width: v.width, height: v.height, bytes: v.bytes.length }));
      await audit(
        client,
        actorOf(user),
        "photo",
        "case",
        stored.id,
        { photoId: before.photoId },
        { photoId: setId, variants: sizes },
      );
    });
    await runtime.catalogChanged();
    return reply.redirect(`/office/cases/${stored.id}?done=photo`, 303);
  });

  app.post("/office/cases/:id/photo/remove", { ...form(ButtonForm), ...posting }, async (request, reply) => {
    const user = currentUser(request);
    const stored = await caseParam(request.params.id);
    await withTransaction(pool, async (client) => {
      const before = await loadCase(client, stored.id, true);
      if (!before) throw notFound("office.problem.notFound.case");
      if (!before.photoId) return;
      await removePhoto(client, stored.id, before.photoId);
      await audit(
        client,
        actorOf(user),
        "photo-remove",
        "case",
        stored.id,
        { photoId: before.photoId },
        { photoId: null },
      );
    });
    await runtime.catalogChanged();
    return reply.redirect(`/office/cases/${stored.id}?done=photo-removed`, 303);
  });
}
