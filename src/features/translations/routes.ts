import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "preact";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { currentCampaign } from "../../core/catalog/current.js";
import type { Runtime } from "../../core/runtime.js";
import { formErrors, formRoute, formValues } from "../../platform/http/forms.js";
import { Problem } from "../../platform/http/problems.js";
import { formResponses, pageResponses } from "../../platform/http/responses.js";
import { canonicalLanguage } from "../../platform/rules.js";
import { loadCase, TEXT_FORM_LIMIT } from "../cases/index.js";
import type { Errors, OfficeUser } from "../office/index.js";
import { canTranslate, currentUser, guard, isAdmin, notFound, sendPage } from "../office/index.js";
import { type CaseTranslations, loadTranslations, translatableFields } from "./fields.js";
import { countStatuses, type Draft, draftOf, validate } from "./model.js";
import { queueLanguages, translatesInto } from "./policy.js";
import { translationProgress } from "./progress.js";
import { openLanguage, saveTranslation } from "./queries.js";
import { EditorParams, EditorQuery, LanguageForm, OverviewQuery, TranslationForm } from "./schemas.js";
import { Editor, editorHref, Overview } from "./views.js";

// Translations: each translator's queue, a progress table of languages × cases, and a
// side-by-side editor where every field has its own status. A translation reaches the public
// site when its title, summary, story and ask are approved and none is outdated.

export function translationRoutes(parent: FastifyInstance, runtime: Runtime): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  const guarded = { preValidation: guard(canTranslate) };

  const campaignOf = (slug: string | undefined): CampaignInfo | undefined =>
    slug ? runtime.catalog().campaigns.get(slug) : currentCampaign(runtime.catalog());

  const overview = async (
    request: FastifyRequest,
    reply: FastifyReply,
    o: { campaign?: string; notice?: string; errors?: Errors; language?: string } = {},
    status = 200,
  ) => {
    const user = currentUser(request);
    const campaign = campaignOf(o.campaign);
    if (!campaign) throw notFound("This edition");
    const progress = await translationProgress(pool, campaign.id);
    const states = await loadTranslations(
      pool,
      progress.cases.map((c) => c.caseId),
    );
    const mine = queueLanguages(user, progress.languages);
    const queue = progress.cases.flatMap((c) => {
      const entry = states.get(c.caseId);
      if (!entry) return [];
      return mine
        .filter((language) => language.toLowerCase() !== entry.sourceLanguage.toLowerCase())
        .map((language) => ({ c, language, counts: countStatuses(entry, language) }))
        .filter((item) => item.counts.approved < item.counts.total);
    });
    const page = h(Overview, {
      ...o,
      user,
      csrf: reply.generateCsrf(),
      campaign,
      campaigns: [...runtime.catalog().campaigns.values()]
        .reverse()
        .map((c): [string, string] => [c.slug, c.title]),
      queue,
      // The edition's own texts are translated beside the cases' (features/campaigns).
      editionLanguages: mine.filter((l) => l.toLowerCase() !== campaign.defaultLanguage.toLowerCase()),
      progress,
      sources: new Map([...states.values()].map((entry) => [entry.caseId, entry.sourceLanguage])),
    });
    return sendPage(reply, page, status);
  };

  app.get(
    "/office/translations",
    { ...guarded, schema: { querystring: OverviewQuery, response: pageResponses(403, 404) } },
    async (request, reply) => {
      const { campaign, done } = request.query;
      const notice = done === "language" ? "The language is open for translation." : undefined;
      return overview(request, reply, { campaign, notice });
    },
  );

  const languageForm = formRoute(LanguageForm);
  app.post(
    "/office/translations/languages",
    {
      ...languageForm,
      schema: { ...languageForm.schema, response: formResponses(403, 422) },
      preHandler: [guard(isAdmin), app.csrfProtection],
    },
    async (request, reply) => {
      const user = currentUser(request);
      const errors = formErrors(request);
      const language = errors.language ? undefined : canonicalLanguage(request.body.language);
      if (!language) {
        const refused = { language: errors.language ?? "Enter a language tag, e.g. sw or pt-BR." };
        return overview(request, reply, { errors: refused, language: formValues(request).language }, 422);
      }
      await openLanguage(pool, user, language);
      return reply.redirect("/office/translations?done=language", 303);
    },
  );

  /** The case and language of an editor URL, after the object-level checks. */
  const target = async (params: { caseId: string; language: string }, user: OfficeUser) => {
    const language = canonicalLanguage(params.language);
    const stored = /^\d{1,9}$/.test(params.caseId) ? await loadCase(pool, Number(params.caseId)) : undefined;
    if (!stored || !language) throw notFound("This translation");
    if (!translatesInto(user, language))
      throw new Problem(403, "forbidden", `You do not translate into ${language}.`);
    if (language.toLowerCase() === stored.sourceLanguage.toLowerCase())
      throw new Problem(
        409,
        "source_language",
        "This is the case's source language: edit it on the case's page.",
      );
    return { stored, language };
  };

  const stateOf = async (caseId: number): Promise<CaseTranslations> => {
    const entry = (await loadTranslations(pool, [caseId])).get(caseId);
    if (!entry) throw notFound("This translation");
    return entry;
  };

  app.get(
    "/office/translations/:caseId/:language",
    {
      ...guarded,
      schema: { params: EditorParams, querystring: EditorQuery, response: pageResponses(403, 404, 409) },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { stored, language } = await target(request.params, user);
      const notice = request.query.done === "saved" ? "Saved." : undefined;
      const entry = await stateOf(stored.id);
      return sendPage(
        reply,
        h(Editor, { user, csrf: reply.generateCsrf(), stored, language, entry, notice }),
      );
    },
  );

  const translationForm = formRoute(TranslationForm, { params: EditorParams });
  app.post(
    "/office/translations/:caseId/:language",
    {
      ...translationForm,
      schema: {
        ...translationForm.schema,
        params: EditorParams,
        response: formResponses(403, 404, 409, 422),
      },
      preHandler: [guard(canTranslate), app.csrfProtection],
      bodyLimit: TEXT_FORM_LIMIT,
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { stored, language } = await target(request.params, user);
      const entry = await stateOf(stored.id);
      const fields = translatableFields(entry);
      const draft: Draft = draftOf(request.body, fields);
      const errors = { ...validate(draft), ...formErrors(request) };
      if (Object.keys(errors).length > 0) {
        const page = h(Editor, { user, csrf: reply.generateCsrf(), stored, language, entry, draft, errors });
        return sendPage(reply, page, 422);
      }
      await saveTranslation(pool, user, stored.id, language, fields, draft);
      await runtime.catalogChanged();
      return reply.redirect(`${editorHref(stored.id, language)}?done=saved`, 303);
    },
  );
}
