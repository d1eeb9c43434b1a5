import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import { type Static, Type } from "typebox";
import {
  loadEntityTexts,
  SECTION_FIELDS,
  saveEntityTexts,
  writersOfApproved,
} from "../../../core/catalog/entity-texts.js";
import { isCountryCode } from "../../../core/ledger/intake.js";
import type { Runtime } from "../../../core/runtime.js";
import { withTransaction } from "../../../platform/db/transaction.js";
import { formErrors, formRoute, messages } from "../../../platform/http/forms.js";
import { Problem } from "../../../platform/http/problems.js";
import { formResponses, pageResponses } from "../../../platform/http/responses.js";
import { canonicalLanguage } from "../../../platform/rules.js";
import { readTexts, StatusField, TextField, TextsEditor } from "../../campaigns/index.js";
import type { Errors, OfficeUser } from "../../office/index.js";
import {
  actorOf,
  audit,
  CsrfField,
  canEditSections,
  currentUser,
  ErrorSummary,
  Field,
  guard,
  isAdmin,
  notFound,
  OfficeLayout,
  officeKey,
  officeMessages,
  ot,
  sendPage,
} from "../../office/index.js";
import { entitySourceChanges, mayApprove, reviewRequired } from "../../translations/index.js";
import { runsSection } from "../policy.js";
import { checkSectionForm, readSectionForm } from "./input.js";
import { loadSection } from "./store.js";

// New sections (admins), and a section's own texts — its introduction and how to reach it —
// in each of its languages (its coordinators and admins). The first language is the source.

const MAX_NAME = 200;
const MAX_SECTION_TEXT = 5_000;

const NewSectionBody = Type.Object({
  country: Type.String({
    pattern: "^[A-Za-z]{2}$",
    ...messages("office.sections.error.country"),
  }),
  name: Type.String({
    maxLength: MAX_NAME,
    ...messages(officeKey("office.sections.error.name", { max: MAX_NAME })),
  }),
  languages: Type.String(messages("office.sections.error.languages")),
});
type NewSectionInput = Partial<Static<typeof NewSectionBody>>;

const SectionTextsBody = Type.Object({
  "text-intro": TextField(MAX_SECTION_TEXT),
  "text-contacts": TextField(MAX_SECTION_TEXT),
  status: StatusField,
});

const TextsParams = Type.Object({
  id: Type.String({ maxLength: 20 }),
  language: Type.String({ maxLength: 40 }),
});
const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) });

/** The section's translatable texts, labelled in the page's language. */
const textFields = () => [
  { name: "intro", label: ot("office.sections.field.intro"), textarea: true },
  { name: "contacts", label: ot("office.sections.field.contacts"), textarea: true },
];

function NewSectionPage(p: { user: OfficeUser; csrf: string; form: NewSectionInput; errors?: Errors }) {
  const errors = p.errors ?? {};
  return (
    <OfficeLayout title={ot("office.sections.new")} user={p.user} csrf={p.csrf} current="/office/sections">
      <ErrorSummary errors={errors} />
      <form class="stack" method="post" action="/office/sections/new">
        <CsrfField token={p.csrf} />
        <Field
          name="country"
          label={ot("office.sections.country")}
          hint={ot("office.sections.countryHint")}
          value={p.form.country}
          errors={errors}
          required
          attrs={{ autocomplete: "off", maxlength: 2, size: 2 }}
        />
        <Field name="name" label={ot("office.sections.name")} value={p.form.name} errors={errors} required />
        <Field
          name="languages"
          label={ot("office.sections.languages")}
          hint={ot("office.sections.newLanguagesHint")}
          value={p.form.languages}
          errors={errors}
          required
          attrs={{ autocomplete: "off", spellcheck: false }}
        />
        <button type="submit">{ot("office.sections.create")}</button>
      </form>
    </OfficeLayout>
  );
}

export function sectionCreateRoutes(fastify: FastifyInstance, runtime: Runtime): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  const admins = guard(isAdmin);
  const newForm = formRoute(NewSectionBody);
  const textsForm = formRoute(SectionTextsBody);
  /** A save's outcome: the fields refused to their writer (four eyes), or whether anything changed. */
  type Saved = { refused: string[] } | { changed: boolean };

  const newPage = (
    reply: FastifyReply,
    user: OfficeUser,
    form: NewSectionInput,
    errors?: Errors,
    status = 200,
  ) =>
    sendPage(
      reply,
      <NewSectionPage user={user} csrf={reply.generateCsrf()} form={form} errors={errors} />,
      status,
    );

  app.get(
    "/office/sections/new",
    { schema: { response: pageResponses(403) }, preValidation: admins },
    async (request, reply) => newPage(reply, currentUser(request), {}),
  );

  app.post(
    "/office/sections/new",
    {
      ...newForm,
      schema: { ...newForm.schema, response: formResponses(403, 422) },
      preHandler: [admins, app.csrfProtection],
    },
    async (request, reply) => {
      const user = currentUser(request);
      const form: NewSectionInput = request.body;
      const country = (form.country ?? "").toUpperCase();
      // The languages follow the section form's one rule (canonical BCP 47 tags, no repeats).
      const languages = checkSectionForm(readSectionForm({ languages: form.languages ?? "" }), null);
      const errors: Errors = {};
      if (country !== "" && !isCountryCode(country))
        errors.country = ot("office.sections.error.notCountry", { code: form.country ?? "" });
      if (languages.errors.languages) errors.languages = languages.errors.languages;
      Object.assign(errors, formErrors(request));
      if (Object.keys(errors).length > 0) return newPage(reply, user, form, errors, 422);
      const name = form.name ?? "";
      const id = await withTransaction(pool, async (client) => {
        // Countries are unique: the lock makes "taken?" and the insert one step.
        await client.query("LOCK TABLE sections IN SHARE ROW EXCLUSIVE MODE");
        const taken = await client.query("SELECT 1 FROM sections WHERE country = $1", [country]);
        if (taken.rowCount) return undefined;
        const inserted = await client.query<{ id: number }>(
          "INSERT INTO sections (country, name, languages) VALUES ($1, $2, $3) RETURNING id",
          [country, name, languages.input.languages],
        );
        const newId = inserted.rows[0]?.id as number;
        const after = { country, name, languages: languages.input.languages };
        await audit(client, actorOf(user), "create", "section", newId, null, after);
        return newId;
      });
      if (id === undefined) {
        const taken = ot("office.sections.error.taken", { country: officeMessages().country(country) });
        return newPage(reply, user, form, { country: taken }, 422);
      }
      // The catalog knows every section by country (the write path, the public pages).
      await runtime.catalogChanged();
      return reply.redirect(`/office/sections/${id}?saved`, 303);
    },
  );

  const textsTarget = async (user: OfficeUser, params: Static<typeof TextsParams>) => {
    const id = /^\d{1,9}$/.test(params.id) ? Number(params.id) : 0;
    const section = id ? await loadSection(pool, id, null) : undefined;
    if (!section) throw notFound("office.problem.notFound.section");
    if (!runsSection(user, id)) throw new Problem(403, "forbidden", ot("office.sections.notYours"));
    const language = canonicalLanguage(params.language);
    const known = section.languages.find((l) => l.toLowerCase() === language?.toLowerCase());
    if (!known) throw notFound("office.problem.notFound.language");
    return { section, language: known, source: section.languages[0] ?? known };
  };

  const textsPage = async (
    reply: FastifyReply,
    user: OfficeUser,
    target: Awaited<ReturnType<typeof textsTarget>>,
    extra: { values?: Record<string, string>; errors?: Errors; notice?: string } = {},
    status = 200,
  ) => {
    const { section, language, source } = target;
    const texts = (await loadEntityTexts(pool, "section", [section.id])).get(section.id) ?? [];
    return sendPage(
      reply,
      <TextsEditor
        user={user}
        csrf={reply.generateCsrf()}
        title={ot("office.campaigns.textsTitle", { title: section.name, language })}
        current="/office/sections"
        action={`/office/sections/${section.id}/texts/${language}`}
        back={{
          href: `/office/sections/${section.id}`,
          label: ot("office.campaigns.backTo", { title: section.name }),
        }}
        source={source}
        language={language}
        fields={textFields()}
        texts={texts}
        changes={
          await entitySourceChanges(pool, "section", section.id, texts, source, language, SECTION_FIELDS)
        }
        reviewRequired={await reviewRequired(pool, language)}
        {...extra}
      />,
      status,
    );
  };

  app.get(
    "/office/sections/:id/texts/:language",
    {
      schema: { params: TextsParams, querystring: DoneQuery, response: pageResponses(403, 404) },
      preValidation: guard(canEditSections),
    },
    async (request, reply) => {
      const user = currentUser(request);
      const target = await textsTarget(user, request.params);
      const notice = request.query.done === "saved" ? ot("office.sections.textsSaved") : undefined;
      return textsPage(reply, user, target, { notice });
    },
  );

  app.post(
    "/office/sections/:id/texts/:language",
    {
      ...textsForm,
      schema: { ...textsForm.schema, params: TextsParams, response: formResponses(403, 404, 422) },
      preHandler: [guard(canEditSections), app.csrfProtection],
    },
    async (request, reply) => {
      const user = currentUser(request);
      const target = await textsTarget(user, request.params);
      const values = readTexts(request.body, SECTION_FIELDS);
      const errors = formErrors(request);
      if (Object.keys(errors).length > 0) return textsPage(reply, user, target, { values, errors }, 422);
      const { section, language, source } = target;
      const status = request.body.status;
      const changed = await withTransaction(pool, async (client): Promise<Saved> => {
        await loadSection(client, section.id, null, true);
        const before = (await loadEntityTexts(client, "section", [section.id])).get(section.id) ?? [];
        // Four eyes, under the section's lock: who wrote each text this save would approve.
        // A coordinator of the section reviews its languages (the translations policy).
        const required = await reviewRequired(client, language);
        const own = [...writersOfApproved(before, source, language, values, status, user.id)].filter(
          ([, editedBy]) =>
            !mayApprove(user, language, {
              reviewRequired: required,
              editedBy,
              reviews: user.role === "coordinator",
            }),
        );
        if (own.length > 0) return { refused: own.map(([field]) => field) };
        const fields = await saveEntityTexts(
          client,
          "section",
          section.id,
          source,
          language,
          values,
          status,
          user.id,
        );
        if (fields.length === 0) return { changed: false };
        const view = (list: typeof before) =>
          Object.fromEntries(
            list
              .filter((t) => t.language === language)
              .map((t) => [t.field, { text: t.text, status: t.status }]),
          );
        const after = (await loadEntityTexts(client, "section", [section.id])).get(section.id) ?? [];
        await audit(
          client,
          actorOf(user),
          "translate",
          "section",
          `${section.id}:${language}`,
          view(before),
          view(after),
        );
        return { changed: true };
      });
      if ("refused" in changed) {
        const refused: Errors = { status: "office.translations.error.ownWork" };
        for (const field of changed.refused) refused[`text-${field}`] = "office.translations.error.ownWork";
        return textsPage(reply, user, target, { values, errors: refused }, 403);
      }
      // The section pages read sections once per catalog version.
      if (changed.changed) await runtime.catalogChanged();
      return reply.redirect(`/office/sections/${section.id}/texts/${language}?done=saved`, 303);
    },
  );
}
