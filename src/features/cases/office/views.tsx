import { photoUrl } from "../../../core/catalog/case-details.js";
import { direction } from "../../../platform/i18n/locales.js";
import type { OfficeUser } from "../../office/index.js";
import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  type Errors,
  Field,
  Notice,
  OfficeLayout,
  ot,
} from "../../office/index.js";
import { FIELDS, type FieldName, type LanguageProgress } from "../../translations/index.js";
import {
  type CampaignOption,
  type CaseDraft,
  FIELD_LABELS,
  MAX_LENGTH,
  type StoredCase,
  targetRowsOf,
} from "./model.js";
import type { CaseListRow } from "./queries.js";

// The case pages of the back office: the list by edition, and the form of one case with its
// publishing button, photo and translations.

export const NOTICES: Record<string, string> = {
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
  cards_address:
    "The postal address for cards to the person or their family; shown with the solidarity action.",
};

export interface CaseGroup {
  title: string;
  rows: (CaseListRow | undefined)[];
}

export function CaseList(p: { user: OfficeUser; csrf: string; notice?: string; groups: CaseGroup[] }) {
  return (
    <OfficeLayout title="Cases" user={p.user} csrf={p.csrf} current="/office/cases">
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      <p>
        <a class="button" href="/office/cases/new">
          New case
        </a>
      </p>
      {p.groups
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
                      {r.public_translations} / {r.translations}
                    </td>
                  </tr>
                ) : null,
              )}
            </tbody>
          </table>
        ))}
    </OfficeLayout>
  );
}

export interface TranslationProgressItem extends LanguageProgress {
  language: string;
}

export interface CaseFormProps {
  user: OfficeUser;
  csrf: string;
  campaigns: CampaignOption[];
  stored?: StoredCase;
  draft: CaseDraft;
  errors?: Errors;
  notice?: string;
  /** Each language's progress, for a stored case. */
  translations?: TranslationProgressItem[];
}

export function CaseForm(p: CaseFormProps) {
  const { draft, stored, errors, csrf } = p;
  const isNew = !stored;
  const lang = stored?.sourceLanguage ?? draft.sourceLanguage;
  const dir = direction(lang);
  const targets = Array.from({ length: targetRowsOf(draft) }, (_, i) => draft.targets[i]);
  const now = new Date();
  return (
    <OfficeLayout
      title={isNew ? "New case" : `Case: ${stored.texts.title || stored.slug}`}
      user={p.user}
      csrf={csrf}
      current="/office/cases"
    >
      {p.notice ? <Notice>{p.notice}</Notice> : null}
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
          {p.campaigns.map((c) => (
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
              label={ot(FIELD_LABELS[field])}
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
        <fieldset class="field">
          <legend>Targets (the authorities letters are addressed to; at least one)</legend>
          <p class="hint">Leave a row empty to remove it or to add none.</p>
          {targets.map((t, i) => (
            <fieldset class="field">
              <legend>Target {i + 1}</legend>
              {t?.id !== undefined ? (
                <input type="hidden" name={`target-${i}-id`} value={String(t.id)} />
              ) : null}
              <Field name={`target-${i}-name`} label="Name" value={t?.name} errors={errors} />
              <Field name={`target-${i}-title`} label="Title" value={t?.title} errors={errors} />
              <Field
                name={`target-${i}-salutation`}
                label="Salutation"
                value={t?.salutation}
                errors={errors}
                hint="How a letter greets them, e.g. Dear Attorney General."
              />
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
        {isNew ? null : (
          <Checkbox
            name="substantial"
            label="This change is substantial (a new ask, a release)"
            checked={draft.substantial}
            hint="Translations of the texts changed here leave the public site until they are approved again. Otherwise they stay, marked outdated for their translators."
          />
        )}
        <button type="submit">{isNew ? "Create the case" : "Save"}</button>
      </form>
      {stored ? <PhotoForm stored={stored} csrf={csrf} errors={errors} /> : null}
      {stored && p.translations ? <Translations caseId={stored.id} progress={p.translations} /> : null}
    </OfficeLayout>
  );
}

/** The case's translations, each language's approved fields out of those to translate. */
function Translations(p: { caseId: number; progress: TranslationProgressItem[] }) {
  return (
    <section aria-labelledby="translations-title">
      <h2 id="translations-title">Translations</h2>
      <ul>
        {p.progress.map((l) => (
          <li>
            <a href={`/office/translations/${p.caseId}/${encodeURIComponent(l.language)}`}>{l.language}</a>:{" "}
            {l.approved}/{l.total} approved{l.outdated ? `, ${l.outdated} outdated` : ""}
            {l.missing ? `, ${l.missing} missing` : ""}
          </li>
        ))}
      </ul>
    </section>
  );
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
