import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { currentCampaign } from "../../core/catalog/current.js";
import type { Runtime } from "../../core/runtime.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { Problem } from "../../platform/http/problems.js";
import { direction } from "../../platform/i18n/locales.js";
import { FIELD_LABELS, MAX_LENGTH, type StoredCase, TEXT_FORM_LIMIT } from "../cases/office/model.js";
import { loadCase } from "../cases/office/queries.js";
import { actorOf, audit } from "../office/audit.js";
import { currentUser, guard, notFound } from "../office/context.js";
import { type FormBody, formOf, sendPage, text } from "../office/form.js";
import { OfficeLayout } from "../office/layout.js";
import { canTranslate, isAdmin, queueLanguages, translatesInto } from "../office/policy.js";
import { CsrfField, ErrorSummary, type Errors, Field, Notice } from "../office/ui.js";
import type { OfficeUser } from "../office/users.js";
import {
  type CaseTranslations,
  emptyTexts,
  FIELD_STATUSES,
  type FieldName,
  type FieldStatus,
  fieldState,
  languageProgress,
  loadTranslations,
  materialize,
  refreshPublic,
  type StoredStatus,
  translatableFields,
} from "./fields.js";
import { translationProgress } from "./progress.js";

// Translations: each translator's queue, a progress table of languages × cases, and a
// side-by-side editor where every field has its own status. A translation reaches the public
// site when its title, summary, story and ask are approved and none is outdated.

const STATUS_LABELS: Record<FieldStatus, string> = {
  missing: "missing",
  draft: "draft",
  needs_review: "needs review",
  approved: "approved",
  outdated: "outdated",
};
/** The status choice that leaves an outdated field as it is. */
const KEEP = "outdated";

function canonicalLanguage(tag: string): string | undefined {
  try {
    return /^[A-Za-z0-9-]{1,35}$/.test(tag) ? Intl.getCanonicalLocales(tag)[0] : undefined;
  } catch {
    return undefined;
  }
}

const languageName = (tag: string) => {
  try {
    const name = new Intl.DisplayNames(["en"], { type: "language" }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
};

const editorHref = (caseId: number, language: string) =>
  `/office/translations/${caseId}/${encodeURIComponent(language)}`;

function StatusBadge(props: { status: FieldStatus }) {
  return <span class={`status-${props.status}`}>{STATUS_LABELS[props.status]}</span>;
}

export function translationRoutes(app: FastifyInstance, runtime: Runtime): void {
  const { pool } = runtime.db;
  const guarded = { preHandler: guard(canTranslate) };

  const campaignOf = (request: FastifyRequest): CampaignInfo | undefined => {
    const slug = (request.query as { campaign?: string }).campaign;
    return slug ? runtime.catalog().campaigns.get(slug) : currentCampaign(runtime.catalog());
  };

  const overview = async (
    request: FastifyRequest,
    reply: FastifyReply,
    o: { errors?: Errors; language?: string } = {},
    status = 200,
  ) => {
    const user = currentUser(request);
    const campaign = campaignOf(request);
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
    const done = (request.query as { done?: string }).done;
    const csrf = reply.generateCsrf();
    return sendPage(
      reply,
      <OfficeLayout title="Translations" user={user} csrf={csrf} current="/office/translations">
        {done === "language" ? <Notice>The language is open for translation.</Notice> : null}
        <ErrorSummary errors={o.errors ?? {}} />
        <form method="get" action="/office/translations" class="filters">
          <Field
            name="campaign"
            label="Edition"
            value={campaign.slug}
            options={[...runtime.catalog().campaigns.values()].reverse().map((c) => [c.slug, c.title])}
          />
          <button type="submit" class="secondary">
            Show
          </button>
        </form>
        <h2>Your queue</h2>
        {queue.length === 0 ? (
          <p>Nothing waits for you in {campaign.title}.</p>
        ) : (
          <table>
            <caption class="sr-only">Translations waiting for you</caption>
            <thead>
              <tr>
                <th scope="col">Case</th>
                <th scope="col">Language</th>
                <th scope="col">Missing</th>
                <th scope="col">Outdated</th>
                <th scope="col">Needs review</th>
                <th scope="col">Draft</th>
              </tr>
            </thead>
            <tbody>
              {queue.map(({ c, language, counts }) => (
                <tr>
                  <td>
                    <a href={editorHref(c.caseId, language)}>{c.title || c.slug}</a>
                  </td>
                  <td>{languageName(language)}</td>
                  <td>{counts.missing}</td>
                  <td>{counts.outdated}</td>
                  <td>{counts.needs_review}</td>
                  <td>{counts.draft}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h2>Progress in {campaign.title}</h2>
        <div class="scroll">
          <table>
            <caption>Approved fields out of those to translate, per language and case</caption>
            <thead>
              <tr>
                <th scope="col">Language</th>
                {progress.cases.map((c) => (
                  <th scope="col">{c.title || c.slug}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {progress.languages.map((language) => (
                <tr>
                  <th scope="row">{languageName(language)}</th>
                  {progress.cases.map((c) => {
                    const p = c.byLanguage[language];
                    if (!p) return <td />;
                    const source = states.get(c.caseId)?.sourceLanguage === language;
                    const label = `${p.approved}/${p.total}${p.outdated ? `, ${p.outdated} outdated` : ""}`;
                    return (
                      <td>
                        {source ? (
                          `${label} (source)`
                        ) : translatesInto(user, language) ? (
                          <a href={editorHref(c.caseId, language)}>{label}</a>
                        ) : (
                          label
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {isAdmin(user) ? (
          <form method="post" action="/office/translations/languages" class="stack">
            <h2>Open a language for translation</h2>
            <CsrfField token={csrf} />
            <Field
              name="language"
              label="Language tag"
              value={o.language ?? ""}
              errors={o.errors}
              hint="Any BCP 47 tag, e.g. sw, pt-BR, zh-Hant."
              required
            />
            <button type="submit">Open</button>
          </form>
        ) : null}
      </OfficeLayout>,
      status,
    );
  };

  app.get("/office/translations", guarded, async (request, reply) => overview(request, reply));

  app.post(
    "/office/translations/languages",
    { preHandler: [guard(isAdmin), app.csrfProtection] },
    async (request, reply) => {
      const user = currentUser(request);
      const raw = text(formOf(request.body), "language");
      const language = canonicalLanguage(raw);
      if (!language)
        return overview(
          request,
          reply,
          { errors: { language: "Enter a language tag, e.g. sw or pt-BR." }, language: raw },
          422,
        );
      await withTransaction(pool, async (client) => {
        const inserted = await client.query(
          "INSERT INTO translation_languages (language, added_by) VALUES ($1, $2) ON CONFLICT DO NOTHING",
          [language, user.id],
        );
        if (inserted.rowCount)
          await audit(client, actorOf(user), "create", "translation_language", language, null, { language });
      });
      return reply.redirect("/office/translations?done=language", 303);
    },
  );

  /** The case and language of an editor URL, after the object-level checks. */
  const target = async (request: FastifyRequest, user: OfficeUser) => {
    const params = request.params as { caseId: string; language: string };
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

  const editor = async (
    reply: FastifyReply,
    o: {
      user: OfficeUser;
      stored: StoredCase;
      language: string;
      entry: CaseTranslations;
      draft?: Map<FieldName, { text: string; status: string }>;
      errors?: Errors;
      notice?: string;
    },
    status = 200,
  ) => {
    const { stored, language, entry } = o;
    const csrf = reply.generateCsrf();
    const source = stored.sourceLanguage;
    const progress = languageProgress(entry, language);
    return sendPage(
      reply,
      <OfficeLayout
        title={`${stored.texts.title || stored.slug}: ${languageName(language)}`}
        user={o.user}
        csrf={csrf}
        current="/office/translations"
      >
        {o.notice ? <Notice>{o.notice}</Notice> : null}
        <ErrorSummary errors={o.errors ?? {}} />
        <p>
          From {languageName(source)} into {languageName(language)}. {progress.approved} of {progress.total}{" "}
          fields approved. The public site shows this translation once the title, summary, story and ask are
          approved and none is outdated.
        </p>
        <form method="post" action={editorHref(stored.id, language)} class="stack">
          <CsrfField token={csrf} />
          {translatableFields(entry).map((field) => {
            const state = fieldState(entry, language, field);
            const sourceState = fieldState(entry, source, field);
            const draft = o.draft?.get(field);
            const options: [string, string][] = [
              ...(state.status === "outdated"
                ? [[KEEP, "outdated: leave as it is"] as [string, string]]
                : []),
              ["draft", "draft"],
              ["needs_review", "needs review"],
              ["approved", "approved"],
            ];
            const chosen = draft?.status ?? (state.status === "missing" ? "draft" : state.status);
            return (
              <fieldset class="card">
                <legend>
                  {FIELD_LABELS[field]}: <StatusBadge status={state.status} />
                </legend>
                {state.status === "outdated" ? (
                  <p class="hint">
                    The source changed after this was translated (source revision {sourceState.revision},
                    translated from {state.sourceRevision}).
                  </p>
                ) : null}
                <div class="side-by-side">
                  <div class="field">
                    <p>
                      <strong>Source ({source})</strong>
                    </p>
                    <div lang={source} dir={direction(source)} style="white-space: pre-wrap">
                      {sourceState.text}
                    </div>
                  </div>
                  <Field
                    name={`text-${field}`}
                    label={`Translation (${language})`}
                    value={draft?.text ?? state.text}
                    errors={o.errors}
                    textarea={field !== "title"}
                    rows={field === "story" || field === "sample_letter" ? 12 : 3}
                    lang={language}
                    dir={direction(language)}
                    attrs={{ maxlength: MAX_LENGTH[field] }}
                  />
                </div>
                <Field
                  name={`status-${field}`}
                  label={`Status of the ${field.replace("_", " ")}`}
                  value={chosen}
                  errors={o.errors}
                  options={options}
                />
              </fieldset>
            );
          })}
          <button type="submit">Save</button>
        </form>
        <p>
          <a href="/office/translations">Back to the translations</a>
        </p>
      </OfficeLayout>,
      status,
    );
  };

  const stateOf = async (caseId: number) => {
    const entry = (await loadTranslations(pool, [caseId])).get(caseId);
    if (!entry) throw notFound("This translation");
    return entry;
  };

  app.get("/office/translations/:caseId/:language", guarded, async (request, reply) => {
    const user = currentUser(request);
    const { stored, language } = await target(request, user);
    const done = (request.query as { done?: string }).done;
    return editor(reply, {
      user,
      stored,
      language,
      entry: await stateOf(stored.id),
      notice: done === "saved" ? "Saved." : undefined,
    });
  });

  app.post(
    "/office/translations/:caseId/:language",
    { preHandler: [guard(canTranslate), app.csrfProtection], bodyLimit: TEXT_FORM_LIMIT },
    async (request, reply) => {
      const user = currentUser(request);
      const { stored, language } = await target(request, user);
      const body = formOf(request.body);
      const entry = await stateOf(stored.id);
      const fields = translatableFields(entry);
      const draft = draftOf(body, fields);
      const errors = validate(draft);
      if (Object.keys(errors).length > 0)
        return editor(reply, { user, stored, language, entry, draft, errors }, 422);
      await withTransaction(pool, async (client) => {
        // The case row is the lock that orders translations and source edits of one case.
        await client.query("SELECT 1 FROM cases WHERE id = $1 FOR UPDATE", [stored.id]);
        const current = (await loadTranslations(client, [stored.id])).get(stored.id);
        if (!current) throw notFound("This translation");
        await materialize(client, current);
        const before = auditView(current, language);
        let changed = false;
        const texts = { ...emptyTexts(), ...current.texts.get(language) };
        for (const field of fields) {
          const wanted = draft.get(field);
          if (!wanted) continue;
          const state = fieldState(current, language, field);
          if (wanted.text === "" && state.text === "") continue;
          const textChanged = wanted.text !== state.text;
          if (!textChanged && (wanted.status === KEEP || wanted.status === state.status)) continue;
          changed = true;
          texts[field] = wanted.text;
          if (wanted.text === "") {
            await client.query(
              "DELETE FROM case_text_fields WHERE case_id = $1 AND language = $2 AND field = $3",
              [stored.id, language, field],
            );
            continue;
          }
          // A new text left "outdated" is a new draft: it has not been approved yet.
          const status: StoredStatus = wanted.status === KEEP ? "draft" : (wanted.status as StoredStatus);
          await client.query(
            `INSERT INTO case_text_fields (case_id, language, field, status, revision, source_revision, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (case_id, language, field) DO UPDATE SET status = EXCLUDED.status,
               revision = EXCLUDED.revision, source_revision = EXCLUDED.source_revision,
               updated_by = EXCLUDED.updated_by, updated_at = now()`,
            [
              stored.id,
              language,
              field,
              status,
              state.revision + (textChanged ? 1 : 0),
              current.sourceRevisions[field],
              user.id,
            ],
          );
        }
        if (!changed) return;
        await client.query(
          `INSERT INTO case_texts (case_id, language, title, summary, story, ask, sample_letter, photo_alt, public)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, false)
           ON CONFLICT (case_id, language) DO UPDATE SET title = $3, summary = $4, story = $5, ask = $6,
             sample_letter = $7, photo_alt = $8`,
          [
            stored.id,
            language,
            texts.title,
            texts.summary,
            texts.story,
            texts.ask,
            texts.sample_letter,
            texts.photo_alt,
          ],
        );
        await refreshPublic(client, stored.id);
        const after = (await loadTranslations(client, [stored.id])).get(stored.id);
        await audit(
          client,
          actorOf(user),
          "update",
          "case_text",
          `${stored.id}:${language}`,
          before,
          after ? auditView(after, language) : null,
        );
      });
      await runtime.catalogChanged();
      return reply.redirect(`${editorHref(stored.id, language)}?done=saved`, 303);
    },
  );
}

function draftOf(body: FormBody, fields: FieldName[]): Map<FieldName, { text: string; status: string }> {
  const draft = new Map<FieldName, { text: string; status: string }>();
  for (const field of fields) {
    // Only the fields the form sent: a missing one is left as it is.
    if (body[`text-${field}`] === undefined && body[`status-${field}`] === undefined) continue;
    draft.set(field, {
      text: text(body, `text-${field}`).replace(/\r\n?/g, "\n"),
      status: text(body, `status-${field}`) || "draft",
    });
  }
  return draft;
}

function validate(draft: Map<FieldName, { text: string; status: string }>): Errors {
  const errors: Errors = {};
  for (const [field, { text: value, status }] of draft) {
    if (status !== KEEP && !(FIELD_STATUSES as readonly string[]).includes(status))
      errors[`status-${field}`] = "Choose a status from the list.";
    else if (value === "" && (status === "approved" || status === "needs_review"))
      errors[`text-${field}`] = "Write the translation before sending it for review or approving it.";
    if (value.length > MAX_LENGTH[field])
      errors[`text-${field}`] = `Use at most ${MAX_LENGTH[field].toLocaleString("en")} characters.`;
  }
  return errors;
}

function countStatuses(entry: CaseTranslations, language: string) {
  const counts = { approved: 0, outdated: 0, missing: 0, draft: 0, needs_review: 0, total: 0 };
  for (const field of translatableFields(entry)) {
    counts[fieldState(entry, language, field).status]++;
    counts.total++;
  }
  return counts;
}

/** One language of a case for the audit log: each field's text and status, and publicness. */
function auditView(entry: CaseTranslations, language: string) {
  return {
    language,
    public: entry.publicLanguages.has(language),
    fields: Object.fromEntries(
      translatableFields(entry).map((field) => {
        const state = fieldState(entry, language, field);
        return [field, { text: state.text, status: state.status, sourceRevision: state.sourceRevision }];
      }),
    ),
  };
}
