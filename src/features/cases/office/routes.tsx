import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { photoUrl } from "../../../core/catalog/case-details.js";
import { currentCampaign } from "../../../core/catalog/current.js";
import type { Runtime } from "../../../core/runtime.js";
import { withTransaction } from "../../../platform/db/transaction.js";
import { direction } from "../../../platform/i18n/locales.js";
import { actorOf, audit } from "../../office/audit.js";
import { currentUser, guard, notFound } from "../../office/context.js";
import { formOf, sendPage } from "../../office/form.js";
import { OfficeLayout } from "../../office/layout.js";
import { canEditCases } from "../../office/policy.js";
import { Checkbox, CsrfField, ErrorSummary, type Errors, Field, Notice } from "../../office/ui.js";
import type { OfficeUser } from "../../office/users.js";
import {
  FIELDS,
  type FieldName,
  languageProgress,
  languagesInUse,
  loadTranslations,
} from "../../translations/fields.js";
import { photoRoutes } from "../public/photos.js";
import {
  type CampaignRow,
  type CaseDraft,
  draftFromStored,
  draftOf,
  FIELD_LABELS,
  loadCase,
  MAX_LENGTH,
  SaveRefused,
  type StoredCase,
  saveCase,
  TEXT_FORM_LIMIT,
  targetRowsOf,
  validate,
} from "./model.js";
import { PhotoRejected, removePhoto, replacePhoto, resizePhoto } from "./photos.js";

// Cases, written by admins: where each is featured, its texts in the source language, its
// targets, where solidarity cards go, its photo, and whether the public site shows it.

const NOTICES: Record<string, string> = {
  created: "The case is created.",
  saved: "Saved.",
  published: "The case is published: the public site shows it.",
  unpublished: "The case is unpublished: the public site no longer shows it.",
  photo: "The photo is saved.",
  "photo-removed": "The photo is removed.",
};

const HINTS: Partial<Record<FieldName, string>> = {
  summary: "One or two sentences, shown on the case cards.",
  story: "Paragraphs separated by an empty line.",
  sample_letter: "Optional; the site's generic letter is used when empty.",
  photo_alt: "Optional; describe what the photo shows in a sentence.",
};

const emptyDraft = (): CaseDraft => ({
  slug: "",
  country: "",
  sourceLanguage: "en",
  texts: { title: "", summary: "", story: "", ask: "", sample_letter: "", photo_alt: "" },
  solidarityAddress: "",
  targets: [],
  campaigns: new Map(),
  published: false,
});

export function caseRoutes(app: FastifyInstance, runtime: Runtime): void {
  const { pool } = runtime.db;
  const guarded = { preHandler: guard(canEditCases) };
  const posting = { preHandler: [guard(canEditCases), app.csrfProtection] };
  // A case's texts can be long, and urlencoded non-Latin text takes up to 9 bytes a character.
  const postingTexts = { ...posting, bodyLimit: TEXT_FORM_LIMIT };
  photoRoutes(app, runtime);

  const campaigns = async (): Promise<CampaignRow[]> =>
    (await pool.query("SELECT id, slug, title, starts_at FROM campaigns ORDER BY starts_at DESC")).rows.map(
      (r) => ({ id: r.id, slug: r.slug, title: r.title, startsAt: r.starts_at }),
    );

  const caseParam = async (request: FastifyRequest) => {
    const { id } = request.params as { id: string };
    const stored = /^\d{1,9}$/.test(id) ? await loadCase(pool, Number(id)) : undefined;
    if (!stored) throw notFound("This case");
    return stored;
  };

  const formPage = async (
    reply: FastifyReply,
    o: { user: OfficeUser; stored?: StoredCase; draft: CaseDraft; errors?: Errors; notice?: string },
    status = 200,
  ) => {
    const all = await campaigns();
    const csrf = reply.generateCsrf();
    const { draft, stored, errors } = o;
    const isNew = !stored;
    const lang = stored?.sourceLanguage ?? draft.sourceLanguage;
    const dir = direction(lang);
    const rows = targetRowsOf(draft);
    const targets = Array.from({ length: rows }, (_, i) => draft.targets[i]);
    const now = new Date();
    return sendPage(
      reply,
      <OfficeLayout
        title={isNew ? "New case" : `Case: ${stored.texts.title || stored.slug}`}
        user={o.user}
        csrf={csrf}
        current="/office/cases"
      >
        {o.notice ? <Notice>{o.notice}</Notice> : null}
        <ErrorSummary errors={errors ?? {}} />
        {stored ? <CaseStatus stored={stored} csrf={csrf} /> : null}
        <form class="stack" method="post" action={isNew ? "/office/cases/new" : `/office/cases/${stored.id}`}>
          <CsrfField token={csrf} />
          {isNew ? (
            <Field
              name="slug"
              label="Slug (the case's address: /cases/slug)"
              value={draft.slug}
              errors={errors}
              required
              hint="Lower-case letters, digits and hyphens, e.g. gao-zhisheng. It cannot be changed later."
            />
          ) : (
            <p>
              Address: <a href={`/cases/${stored.slug}`}>/cases/{stored.slug}</a>
            </p>
          )}
          <Field
            name="country"
            label="Country (where the person is)"
            value={draft.country}
            errors={errors}
            required
            hint="Two-letter code, e.g. CN."
            attrs={{ maxlength: 2, autocomplete: "off" }}
          />
          {isNew ? (
            <Field
              name="source_language"
              label="Source language (the language the texts below are written in)"
              value={draft.sourceLanguage}
              errors={errors}
              required
              hint="A language tag, e.g. en, es, fr. Translations are made from it; it cannot be changed later."
            />
          ) : (
            <p>Source language: {stored.sourceLanguage}</p>
          )}
          <fieldset class="field">
            <legend>Editions featuring this case, and its position in each</legend>
            {errors?.campaigns ? (
              <p class="error" id="f-campaigns">
                {errors.campaigns}
              </p>
            ) : null}
            {all.map((c) => (
              <div class="inline">
                <Checkbox
                  name="campaigns"
                  value={String(c.id)}
                  label={`${c.title} (${c.slug})`}
                  checked={draft.campaigns.has(c.id)}
                  hint={c.startsAt <= now ? "started" : undefined}
                />
                <Field
                  name={`position-${c.id}`}
                  label={`Position in ${c.slug}`}
                  type="number"
                  value={draft.campaigns.get(c.id) ?? 0}
                  errors={errors}
                  attrs={{ min: 0, max: 999 }}
                />
              </div>
            ))}
          </fieldset>
          <fieldset class="field">
            <legend>Texts in the source language{isNew ? "" : ` (${lang})`}</legend>
            {FIELDS.map((field) => (
              <Field
                name={field}
                label={FIELD_LABELS[field]}
                value={draft.texts[field]}
                errors={errors}
                hint={HINTS[field]}
                required={["title", "summary", "story", "ask"].includes(field)}
                textarea={field !== "title"}
                rows={field === "story" || field === "sample_letter" ? 12 : 3}
                lang={isNew ? undefined : lang}
                dir={isNew ? "auto" : dir}
                attrs={{ maxlength: MAX_LENGTH[field] }}
              />
            ))}
          </fieldset>
          <Field
            name="solidarity_address"
            label="Where solidarity cards go"
            value={draft.solidarityAddress}
            errors={errors}
            textarea
            rows={4}
            hint="The postal address for cards to the person or their family; shown with the solidarity action."
          />
          <fieldset class="field">
            <legend>Targets (the authorities letters are addressed to; at least one)</legend>
            <p class="hint">Leave a row empty to remove it or to add none.</p>
            {targets.map((t, i) => (
              <fieldset class="field">
                <legend>Target {i + 1}</legend>
                <Field name={`target-${i}-name`} label="Name" value={t?.name} errors={errors} />
                <Field name={`target-${i}-title`} label="Title" value={t?.title} errors={errors} />
                <Field
                  name={`target-${i}-address`}
                  label="Postal address"
                  value={t?.postalAddress}
                  errors={errors}
                  textarea
                  rows={4}
                />
                <Field
                  name={`target-${i}-email`}
                  label="Email (optional)"
                  type="email"
                  value={t?.email}
                  errors={errors}
                />
              </fieldset>
            ))}
          </fieldset>
          <Checkbox
            name="published"
            label="Published (the public site shows it in the editions above)"
            checked={draft.published}
          />
          <button type="submit">{isNew ? "Create the case" : "Save"}</button>
        </form>
        {stored ? <PhotoForm stored={stored} csrf={csrf} errors={errors} /> : null}
        {stored ? await translationsOf(stored) : null}
      </OfficeLayout>,
      status,
    );
  };

  /** The case's translations, each language's approved fields out of those to translate. */
  const translationsOf = async (stored: StoredCase) => {
    const entry = (await loadTranslations(pool, [stored.id])).get(stored.id);
    if (!entry) return null;
    const languages = (await languagesInUse(pool)).filter((l) => l !== stored.sourceLanguage);
    return (
      <section aria-labelledby="translations-title">
        <h2 id="translations-title">Translations</h2>
        <ul>
          {languages.map((language) => {
            const p = languageProgress(entry, language);
            return (
              <li>
                <a href={`/office/translations/${stored.id}/${encodeURIComponent(language)}`}>{language}</a>:{" "}
                {p.approved}/{p.total} approved{p.outdated ? `, ${p.outdated} outdated` : ""}
                {p.missing ? `, ${p.missing} missing` : ""}
              </li>
            );
          })}
        </ul>
      </section>
    );
  };

  const snapshot = (stored: StoredCase | undefined) => stored ?? null;

  app.get("/office/cases", guarded, async (request, reply) => {
    const user = currentUser(request);
    const [all, cases, featured] = await Promise.all([
      campaigns(),
      pool.query(
        `SELECT c.id, c.slug, c.published, c.source_language, coalesce(s.title, '') AS title,
                count(t.language) FILTER (WHERE t.public) AS public_translations,
                count(t.language) AS translations
           FROM cases c
           LEFT JOIN case_texts s ON s.case_id = c.id AND s.language = c.source_language
           LEFT JOIN case_texts t ON t.case_id = c.id AND t.language <> c.source_language
          GROUP BY c.id, s.title ORDER BY c.slug`,
      ),
      pool.query("SELECT campaign_id, case_id FROM campaign_cases ORDER BY campaign_id, position"),
    ]);
    const byId = new Map(cases.rows.map((r) => [r.id as number, r]));
    const groups = all.map((c) => ({
      title: `${c.title} (${c.slug})`,
      rows: featured.rows.filter((f) => f.campaign_id === c.id).map((f) => byId.get(f.case_id)),
    }));
    const placed = new Set(featured.rows.map((f) => f.case_id));
    groups.push({ title: "In no edition", rows: cases.rows.filter((r) => !placed.has(r.id)) });
    const done = (request.query as { done?: string }).done;
    return sendPage(
      reply,
      <OfficeLayout title="Cases" user={user} csrf={reply.generateCsrf()} current="/office/cases">
        {done && NOTICES[done] ? <Notice>{NOTICES[done]}</Notice> : null}
        <p>
          <a class="button" href="/office/cases/new">
            New case
          </a>
        </p>
        {groups
          .filter((g) => g.rows.length > 0)
          .map((g) => (
            <table>
              <caption>{g.title}</caption>
              <thead>
                <tr>
                  <th scope="col">Slug</th>
                  <th scope="col">Title (source language)</th>
                  <th scope="col">Published</th>
                  <th scope="col">Translations (public / started)</th>
                </tr>
              </thead>
              <tbody>
                {g.rows.map((r) =>
                  r ? (
                    <tr>
                      <td>
                        <a href={`/office/cases/${r.id}`}>{r.slug}</a>
                      </td>
                      <td lang={r.source_language} dir={direction(r.source_language)}>
                        {r.title}
                      </td>
                      <td>{r.published ? "yes" : "no"}</td>
                      <td>
                        {Number(r.public_translations)} / {Number(r.translations)}
                      </td>
                    </tr>
                  ) : null,
                )}
              </tbody>
            </table>
          ))}
      </OfficeLayout>,
    );
  });

  app.get("/office/cases/new", guarded, async (request, reply) => {
    // Most new cases are for the edition being prepared or run: offered first, after its cases.
    const draft = emptyDraft();
    const current = currentCampaign(runtime.catalog());
    if (current) draft.campaigns.set(current.id, current.cases.size);
    return formPage(reply, { user: currentUser(request), draft });
  });

  app.post("/office/cases/new", postingTexts, async (request, reply) => {
    const user = currentUser(request);
    const body = formOf(request.body);
    const all = await campaigns();
    const draft = draftOf(body);
    const errors = validate(draft, all, true);
    if (Object.keys(errors).length > 0) return formPage(reply, { user, draft, errors }, 422);
    try {
      const id = await withTransaction(pool, async (client) => {
        const caseId = await saveCase(client, draft, all, undefined, user.id);
        await audit(
          client,
          actorOf(user),
          "create",
          "case",
          caseId,
          null,
          snapshot(await loadCase(client, caseId)),
        );
        return caseId;
      });
      await runtime.catalogChanged();
      return reply.redirect(`/office/cases/${id}?done=created`, 303);
    } catch (error) {
      if (error instanceof SaveRefused) return formPage(reply, { user, draft, errors: error.errors }, 422);
      throw error;
    }
  });

  app.get("/office/cases/:id", guarded, async (request, reply) => {
    const stored = await caseParam(request);
    const done = (request.query as { done?: string }).done;
    return formPage(reply, {
      user: currentUser(request),
      stored,
      draft: draftFromStored(stored),
      notice: done ? NOTICES[done] : undefined,
    });
  });

  app.post("/office/cases/:id", postingTexts, async (request, reply) => {
    const user = currentUser(request);
    const stored = await caseParam(request);
    const body = formOf(request.body);
    const all = await campaigns();
    const draft = {
      ...draftOf(body),
      slug: stored.slug,
      sourceLanguage: stored.sourceLanguage,
    };
    const errors = validate(draft, all, false);
    if (Object.keys(errors).length > 0) return formPage(reply, { user, stored, draft, errors }, 422);
    try {
      await withTransaction(pool, async (client) => {
        const before = await loadCase(client, stored.id, true);
        if (!before) throw notFound("This case");
        await saveCase(client, draft, all, before, user.id);
        await audit(
          client,
          actorOf(user),
          "update",
          "case",
          stored.id,
          before,
          await loadCase(client, stored.id),
        );
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
    app.post(`/office/cases/:id/${path}`, posting, async (request, reply) => {
      const user = currentUser(request);
      const stored = await caseParam(request);
      await withTransaction(pool, async (client) => {
        const before = await loadCase(client, stored.id, true);
        if (!before) throw notFound("This case");
        if (before.published === published) return;
        await client.query("UPDATE cases SET published = $2, updated_at = now() WHERE id = $1", [
          stored.id,
          published,
        ]);
        await audit(
          client,
          actorOf(user),
          path,
          "case",
          stored.id,
          before,
          await loadCase(client, stored.id),
        );
      });
      await runtime.catalogChanged();
      return reply.redirect(`/office/cases/${stored.id}?done=${path}ed`, 303);
    });
  }

  app.post("/office/cases/:id/photo", posting, async (request, reply) => {
    const user = currentUser(request);
    const stored = await caseParam(request);
    const file = (request.body as Record<string, unknown> | undefined)?.photo;
    const refuse = (message: string) =>
      formPage(reply, { user, stored, draft: draftFromStored(stored), errors: { photo: message } }, 422);
    if (!Buffer.isBuffer(file) || file.length === 0) return refuse("Choose a photo to upload.");
    let variants: Awaited<ReturnType<typeof resizePhoto>>;
    try {
      variants = await resizePhoto(file);
    } catch (error) {
      if (error instanceof PhotoRejected) return refuse(error.message);
      throw error;
    }
    await withTransaction(pool, async (client) => {
      const before = await loadCase(client, stored.id, true);
      if (!before) throw notFound("This case");
      const setId = await replacePhoto(client, stored.id, before.photoId, variants);
      await audit(
        client,
        actorOf(user),
        "photo",
        "case",
        stored.id,
        { photoId: before.photoId },
        {
          photoId: setId,
          variants: variants.map((v) => ({ width: v.width, height: v.height, bytes: v.bytes.length })),
        },
      );
    });
    await runtime.catalogChanged();
    return reply.redirect(`/office/cases/${stored.id}?done=photo`, 303);
  });

  app.post("/office/cases/:id/photo/remove", posting, async (request, reply) => {
    const user = currentUser(request);
    const stored = await caseParam(request);
    await withTransaction(pool, async (client) => {
      const before = await loadCase(client, stored.id, true);
      if (!before) throw notFound("This case");
      if (!before.photoId) return;
      await removePhoto(client, stored.id, before.photoId);
      await audit(
        client,
        actorOf(user),
        "photo-remove",
        "case",
        stored.id,
        { photoId: before.photoId },
        {
          photoId: null,
        },
      );
    });
    await runtime.catalogChanged();
    return reply.redirect(`/office/cases/${stored.id}?done=photo-removed`, 303);
  });
}

function CaseStatus(props: { stored: StoredCase; csrf: string }) {
  const { stored } = props;
  return (
    <form method="post" action={`/office/cases/${stored.id}/${stored.published ? "unpublish" : "publish"}`}>
      <CsrfField token={props.csrf} />
      <p>
        {stored.published
          ? "Published: the public site shows this case."
          : "Not published: the public site does not show this case."}{" "}
        <button type="submit" class="secondary">
          {stored.published ? "Unpublish" : "Publish"}
        </button>
      </p>
    </form>
  );
}

function PhotoForm(props: { stored: StoredCase; csrf: string; errors?: Errors }) {
  const { stored } = props;
  return (
    <section aria-labelledby="photo-title">
      <h2 id="photo-title">Photo</h2>
      {stored.photoId ? (
        <p>
          <img src={photoUrl(stored.photoId, 400)} alt={stored.texts.photo_alt} width={400} />
        </p>
      ) : (
        <p>No photo yet.</p>
      )}
      <form
        method="post"
        action={`/office/cases/${stored.id}/photo`}
        enctype="multipart/form-data"
        class="stack"
      >
        <CsrfField token={props.csrf} />
        <Field
          name="photo"
          label={stored.photoId ? "Replace the photo" : "Upload a photo"}
          type="file"
          errors={props.errors}
          hint="JPEG, PNG or WebP, at least 400 px wide, at most 10 MB. Its location and camera data are removed."
          attrs={{ accept: "image/jpeg,image/png,image/webp" }}
          required
        />
        <button type="submit">Upload</button>
      </form>
      {stored.photoId ? (
        <form method="post" action={`/office/cases/${stored.id}/photo/remove`}>
          <CsrfField token={props.csrf} />
          <button type="submit" class="secondary">
            Remove the photo
          </button>
        </form>
      ) : null}
    </section>
  );
}
