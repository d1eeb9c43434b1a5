import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "preact";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { currentCampaign } from "../../core/catalog/current.js";
import type { Runtime } from "../../core/runtime.js";
import { formErrors, formRoute, formValues, textFields } from "../../platform/http/forms.js";
import { Problem } from "../../platform/http/problems.js";
import { formResponses, pageResponses } from "../../platform/http/responses.js";
import { canonicalLanguage } from "../../platform/rules.js";
import { loadCase, TEXT_FORM_LIMIT } from "../cases/index.js";
import type { Errors, OfficeUser } from "../office/index.js";
import {
  canEditSections,
  canReviewTranslations,
  currentUser,
  guard,
  isAdmin,
  notFound,
  ot,
  sendPage,
} from "../office/index.js";
import { type CaseTranslations, loadTranslations, translatableFields } from "./fields.js";
import { sourceChanges } from "./history.js";
import { countStatuses, type Draft, draftOf, validate } from "./model.js";
import { queueLanguages, reviewsInto, translatesInto } from "./policy.js";
import { translationProgress } from "./progress.js";
import {
  openLanguage,
  reviewRequired,
  saveTranslation,
  sectionLanguages,
  setReviewLanguages,
  TranslationRefused,
} from "./queries.js";
import {
  EditorParams,
  EditorQuery,
  LanguageForm,
  OverviewQuery,
  ReviewForm,
  TranslationForm,
} from "./schemas.js";
import { Editor, type EditorProps, editorHref, Overview, type ReviewSection } from "./views.js";

// Translations: each translator's queue, a progress table of languages × cases, and a
// side-by-side editor where every field has its own status. A translation reaches the public
// site when its title, summary, story and ask are approved; it stays there while its source
// moves on (outdated), until a substantial change takes it off. Coordinators review (approve)
// translations into their sections' languages, and set which need a second person.

export function translationRoutes(parent: FastifyInstance, runtime: Runtime): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  const guarded = { preValidation: guard(canReviewTranslations) };

  /** Section id → languages, of the sections a coordinator runs (none for anyone else). */
  const coordinated = async (user: OfficeUser) =>
    user.role === "coordinator" ? sectionLanguages(pool, user.sectionIds) : new Map<number, string[]>();

  /** The sections whose review settings the person may change: an admin's all, a coordinator's own. */
  const reviewSections = async (user: OfficeUser): Promise<ReviewSection[]> => {
    if (user.role !== "admin" && user.role !== "coordinator") return [];
    const found = await pool.query<{
      id: number;
      name: string;
      languages: string[];
      review_languages: string[];
    }>(
      `SELECT id, name, languages, review_languages FROM sections
        WHERE $1::int[] IS NULL OR id = ANY($1) ORDER BY name`,
      [user.role === "admin" ? null : user.sectionIds],
    );
    return found.rows.map((r) => ({
      id: r.id,
      name: r.name,
      languages: r.languages,
      review: r.review_languages,
    }));
  };

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
    if (!campaign) throw notFound("office.problem.notFound.edition");
    const progress = await translationProgress(pool, campaign.id);
    const states = await loadTranslations(
      pool,
      progress.cases.map((c) => c.caseId),
    );
    const sections = await coordinated(user);
    const mine =
      user.role === "coordinator"
        ? progress.languages.filter((l) => reviewsInto(user, l, sections))
        : queueLanguages(user, progress.languages);
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
      canOpen: (language: string) => translatesInto(user, language) || reviewsInto(user, language, sections),
      review: await reviewSections(user),
    });
    return sendPage(reply, page, status);
  };

  app.get(
    "/office/translations",
    { ...guarded, schema: { querystring: OverviewQuery, response: pageResponses(403, 404) } },
    async (request, reply) => {
      const { campaign, done } = request.query;
      const notice =
        done === "language"
          ? ot("office.translations.notice.language")
          : done === "review"
            ? ot("office.translations.notice.review")
            : undefined;
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
        const refused = { language: errors.language ?? "office.translations.error.tag" };
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
    if (!stored || !language) throw notFound("office.problem.notFound.translation");
    const reviews = reviewsInto(user, language, await coordinated(user));
    if (!translatesInto(user, language) && !reviews)
      throw new Problem(403, "forbidden", ot("office.translations.notYours", { language }));
    if (language.toLowerCase() === stored.sourceLanguage.toLowerCase())
      throw new Problem(409, "source_language", ot("office.translations.isSource"));
    return { stored, language, reviews };
  };

  /** The editor page's data: the state, what changed in the source, whether review applies. */
  const editorProps = async (
    user: OfficeUser,
    csrf: string,
    stored: EditorProps["stored"],
    language: string,
    extra: Partial<EditorProps> = {},
  ): Promise<EditorProps> => {
    const entry = await stateOf(stored.id);
    return {
      user,
      csrf,
      stored,
      language,
      entry,
      changes: await sourceChanges(pool, entry, language),
      reviewRequired: await reviewRequired(pool, language),
      ...extra,
    };
  };

  const stateOf = async (caseId: number): Promise<CaseTranslations> => {
    const entry = (await loadTranslations(pool, [caseId])).get(caseId);
    if (!entry) throw notFound("office.problem.notFound.translation");
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
      const notice = request.query.done === "saved" ? ot("office.translations.notice.saved") : undefined;
      return sendPage(
        reply,
        h(Editor, await editorProps(user, reply.generateCsrf(), stored, language, { notice })),
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
      preHandler: [guard(canReviewTranslations), app.csrfProtection],
      bodyLimit: TEXT_FORM_LIMIT,
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { stored, language, reviews } = await target(request.params, user);
      const entry = await stateOf(stored.id);
      const fields = translatableFields(entry);
      const draft: Draft = draftOf(textFields(request.body), fields);
      const errors = { ...validate(draft), ...formErrors(request) };
      const refuse = async (errors: Errors, status: number) =>
        sendPage(
          reply,
          h(Editor, await editorProps(user, reply.generateCsrf(), stored, language, { draft, errors })),
          status,
        );
      if (Object.keys(errors).length > 0) return refuse(errors, 422);
      try {
        // Whether a second person must approve is read in the save's transaction.
        await saveTranslation(pool, user, stored.id, language, fields, draft, { reviews });
      } catch (error) {
        if (error instanceof TranslationRefused) return refuse(error.errors, error.status);
        throw error;
      }
      await runtime.catalogChanged();
      return reply.redirect(`${editorHref(stored.id, language)}?done=saved`, 303);
    },
  );

  const reviewForm = formRoute(ReviewForm);
  app.post(
    "/office/translations/review",
    {
      ...reviewForm,
      schema: { ...reviewForm.schema, response: formResponses(403, 422) },
      preHandler: [guard(canEditSections), app.csrfProtection],
    },
    async (request, reply) => {
      const user = currentUser(request);
      const mine = (await reviewSections(user)).map((s) => s.id);
      const wanted = new Set<string>();
      for (const [name, value] of Object.entries(textFields(request.body))) {
        const match = /^review-(\d{1,9})-(.+)$/.exec(name);
        if (!match || value === undefined) continue;
        // A box for a section the person does not run: refused, nothing changed.
        if (!mine.includes(Number(match[1])))
          throw new Problem(403, "forbidden", ot("office.translations.review.notYours"));
        wanted.add(`${match[1]}|${(match[2] ?? "").toLowerCase()}`);
      }
      await setReviewLanguages(pool, user, mine, wanted);
      return reply.redirect("/office/translations?done=review", 303);
    },
  );
}
