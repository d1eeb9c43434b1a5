import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import { h } from "preact";
import { Type } from "typebox";
import {
  CAMPAIGN_FIELDS,
  loadEntityTexts,
  saveEntityTexts,
  writersOfApproved,
} from "../../../core/catalog/entity-texts.js";
import type { Runtime } from "../../../core/runtime.js";
import { withTransaction } from "../../../platform/db/transaction.js";
import { formErrors, formRoute } from "../../../platform/http/forms.js";
import { Problem } from "../../../platform/http/problems.js";
import { formResponses, pageResponses } from "../../../platform/http/responses.js";
import { canonicalLanguage, isSlug } from "../../../platform/rules.js";
import type { Errors, OfficeUser } from "../../office/index.js";
import {
  actorOf,
  audit,
  canTranslate,
  currentUser,
  guard,
  notFound,
  ot,
  sendPage,
} from "../../office/index.js";
import { entitySourceChanges, mayApprove, reviewRequired, translatesInto } from "../../translations/index.js";
import { DoneQuery, MAX_EVENT_KIT, MAX_INTRO, MAX_TITLE, TEXT_BODY_LIMIT } from "./input.js";
import { type EditionRecord, loadEdition, lockEditions } from "./store.js";
import { readTexts, StatusField, TextField, TextsEditor } from "./texts.js";
import { campaignNotice, FIELD_LABELS } from "./views.js";

// An edition's title, introduction and event kit in another language than its default: written
// by admins and by translators into that language, with a status; audited, then announced with
// catalogChanged() (the titles and introductions are the catalog's). As for case texts, a
// language a section asks four eyes for is approved by someone other than its text's writer,
// and an outdated field shows the word diff of its source since the revision translated.

// Any text: a slug or language that names nothing is the page not found, not a bad request.
const TextsParams = Type.Object({
  slug: Type.String({ maxLength: 100 }),
  language: Type.String({ maxLength: 40 }),
});

const CampaignTextsBody = Type.Object({
  "text-title": TextField(MAX_TITLE),
  "text-intro": TextField(MAX_INTRO),
  "text-event_kit": TextField(MAX_EVENT_KIT),
  status: StatusField,
});

/** The fields of the texts form, labelled in the page's language. */
const textFields = () =>
  CAMPAIGN_FIELDS.map((name) => ({ name, label: ot(FIELD_LABELS[name]), textarea: name !== "title" }));

const textsForm = formRoute(CampaignTextsBody);

/** A save's outcome: the fields refused to their writer (four eyes), or whether anything changed. */
type Saved = { refused: string[] } | { changed: boolean };

export function campaignTextRoutes(fastify: FastifyInstance, runtime: Runtime): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  const translators = guard(canTranslate);

  const editionParam = async (slug: string) => {
    // A text that is no slug names no edition (and never reaches the database).
    const record = isSlug(slug) ? await loadEdition(pool, slug) : undefined;
    if (!record) throw notFound("office.problem.notFound.edition");
    return record;
  };

  /** The edition and language of a texts page; a language not theirs is forbidden (languages are public). */
  const textsParams = async (user: OfficeUser, params: { slug: string; language: string }) => {
    const record = await editionParam(params.slug);
    const language = canonicalLanguage(params.language);
    if (!language) throw notFound("office.problem.notFound.language");
    if (!translatesInto(user, language))
      throw new Problem(403, "forbidden", ot("office.translations.notYours", { language }));
    return { record, language };
  };

  const textsPage = async (
    reply: FastifyReply,
    user: OfficeUser,
    record: EditionRecord,
    language: string,
    extra: {
      values?: Record<string, string>;
      errors?: Errors;
      notice?: string;
      status?: "draft" | "needs_review" | "approved";
    } = {},
    status = 200,
  ) =>
    sendPage(
      reply,
      h(TextsEditor, {
        user,
        csrf: reply.generateCsrf(),
        title: ot("office.campaigns.textsTitle", { title: record.title, language }),
        current: user.role === "admin" ? "/office/campaigns" : "/office/translations",
        action: `/office/campaigns/${record.slug}/texts/${language}`,
        back:
          user.role === "admin"
            ? {
                href: `/office/campaigns/${record.slug}`,
                label: ot("office.campaigns.backTo", { title: record.title }),
              }
            : { href: "/office/translations", label: ot("office.translations.back") },
        source: record.defaultLanguage,
        language,
        fields: textFields(),
        texts: record.texts,
        changes: await entitySourceChanges(
          pool,
          "campaign",
          record.id,
          record.texts,
          record.defaultLanguage,
          language,
          CAMPAIGN_FIELDS,
        ),
        reviewRequired: await reviewRequired(pool, language),
        ...extra,
      }),
      status,
    );

  app.get(
    "/office/campaigns/:slug/texts/:language",
    {
      schema: { params: TextsParams, querystring: DoneQuery, response: pageResponses(403, 404) },
      preValidation: translators,
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { record, language } = await textsParams(user, request.params);
      // The default language is written in the campaign's own form.
      if (language.toLowerCase() === record.defaultLanguage.toLowerCase() && user.role === "admin")
        return reply.redirect(`/office/campaigns/${record.slug}`, 303);
      return textsPage(reply, user, record, language, { notice: campaignNotice(request.query.done) });
    },
  );

  app.post(
    "/office/campaigns/:slug/texts/:language",
    {
      ...textsForm,
      bodyLimit: TEXT_BODY_LIMIT,
      schema: { ...textsForm.schema, params: TextsParams, response: formResponses(403, 404, 409, 422) },
      preHandler: [translators, app.csrfProtection],
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { record, language } = await textsParams(user, request.params);
      if (language.toLowerCase() === record.defaultLanguage.toLowerCase())
        throw new Problem(409, "source_language", ot("office.campaigns.defaultInForm"));
      const values = readTexts(request.body, CAMPAIGN_FIELDS);
      const errors = formErrors(request);
      if (Object.keys(errors).length > 0)
        return textsPage(reply, user, record, language, { values, errors }, 422);
      const status = request.body.status;
      const changed = await withTransaction(pool, async (client): Promise<Saved> => {
        await lockEditions(client);
        // Four eyes, read under the lock: who wrote each text this save would approve.
        const current = (await loadEntityTexts(client, "campaign", [record.id])).get(record.id) ?? [];
        const required = await reviewRequired(client, language);
        const own = [
          ...writersOfApproved(current, record.defaultLanguage, language, values, status, user.id),
        ].filter(
          ([, editedBy]) =>
            !mayApprove(user, language, { reviewRequired: required, editedBy, reviews: false }),
        );
        if (own.length > 0) return { refused: own.map(([field]) => field) };
        const fields = await saveEntityTexts(
          client,
          "campaign",
          record.id,
          record.defaultLanguage,
          language,
          values,
          status,
          user.id,
        );
        if (fields.length === 0) return { changed: false };
        const before = Object.fromEntries(
          record.texts
            .filter((t) => t.language === language)
            .map((t) => [t.field, { text: t.text, status: t.status }]),
        );
        const after = Object.fromEntries(fields.map((f) => [f, { text: values[f], status }]));
        await audit(
          client,
          actorOf(user),
          "translate",
          "campaign",
          `${record.id}:${language}`,
          before,
          after,
        );
        return { changed: true };
      });
      if ("refused" in changed) {
        const refused: Errors = { status: "office.translations.error.ownWork" };
        for (const field of changed.refused) refused[`text-${field}`] = "office.translations.error.ownWork";
        return textsPage(reply, user, record, language, { values, errors: refused, status }, 403);
      }
      // The title and introduction are the catalog's: every node's pages move with it.
      if (changed.changed) await runtime.catalogChanged();
      return reply.redirect(`/office/campaigns/${record.slug}/texts/${language}?done=translated`, 303);
    },
  );
}
