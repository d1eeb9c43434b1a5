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
  officeMessages,
  officeText,
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

// Notices after a redirect (?done=…) and field hints, as message keys (office.cases.…).
const NOTICE_KEYS: Record<string, string> = {
  created: "office.cases.notice.created",
  saved: "office.cases.notice.saved",
  published: "office.cases.notice.published",
  unpublished: "office.cases.notice.unpublished",
  photo: "office.cases.notice.photo",
  "photo-removed": "office.cases.notice.photoRemoved",
};

/** The notice a ?done= value names, in the page's language. */
export const caseNotice = (done: string | undefined): string | undefined => {
  const key = done === undefined ? undefined : NOTICE_KEYS[done];
  return key ? ot(key) : undefined;
};

const HINTS: Partial<Record<FieldName, string>> = {
  summary: "office.cases.hint.summary",
  story: "office.cases.hint.story",
  sample_letter: "office.cases.hint.sampleLetter",
  photo_alt: "office.cases.hint.photoAlt",
  cards_address: "office.cases.hint.cardsAddress",
};

export interface CaseGroup {
  /** The edition's title, or none for the cases in no edition. */
  title?: string;
  rows: (CaseListRow | undefined)[];
}

export function CaseList(p: { user: OfficeUser; csrf: string; notice?: string; groups: CaseGroup[] }) {
  return (
    <OfficeLayout title={ot("office.menu.cases")} user={p.user} csrf={p.csrf} current="/office/cases">
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      <p>
        <a class="button" href="/office/cases/new">
          {ot("office.cases.new")}
        </a>
      </p>
      {p.groups
        .filter((g) => g.rows.length > 0)
        .map((g) => (
          <table>
            <caption>{g.title ?? ot("office.cases.inNoEdition")}</caption>
            <thead>
              <tr>
                <th scope="col">{ot("office.cases.slug")}</th>
                <th scope="col">{ot("office.cases.titleSource")}</th>
                <th scope="col">{ot("office.cases.published")}</th>
                <th scope="col">{ot("office.cases.translationsCount")}</th>
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
                    <td>{ot(r.published ? "office.cases.yes" : "office.cases.no")}</td>
                    <td>
                      {officeMessages().number(Number(r.public_translations))} /{" "}
                      {officeMessages().number(Number(r.translations))}
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
      title={
        isNew
          ? ot("office.cases.new")
          : ot("office.cases.title", { title: stored.texts.title || stored.slug })
      }
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
            label={ot("office.cases.slugLabel")}
            value={draft.slug}
            errors={errors}
            required
            hint={ot("office.cases.slugHint")}
          />
        ) : (
          <p>
            {ot("office.cases.address")} <a href={`/cases/${stored.slug}`}>/cases/{stored.slug}</a>
          </p>
        )}
        <Field
          name="country"
          label={ot("office.cases.country")}
          value={draft.country}
          errors={errors}
          required
          hint={ot("office.cases.countryHint")}
          attrs={{ maxlength: 2, autocomplete: "off" }}
        />
        {isNew ? (
          <Field
            name="source_language"
            label={ot("office.cases.sourceLanguage")}
            value={draft.sourceLanguage}
            errors={errors}
            required
            hint={ot("office.cases.sourceLanguageHint")}
          />
        ) : (
          <p>{ot("office.cases.sourceLanguageIs", { language: stored.sourceLanguage })}</p>
        )}
        <fieldset class="field">
          <legend>{ot("office.cases.editions")}</legend>
          {errors?.campaigns ? (
            <p class="error" id="f-campaigns">
              {officeText(errors.campaigns)}
            </p>
          ) : null}
          {p.campaigns.map((c) => (
            <div class="inline">
              <Checkbox
                name="campaigns"
                value={String(c.id)}
                label={`${c.title} (${c.slug})`}
                checked={draft.campaigns.has(c.id)}
                hint={c.startsAt <= now ? ot("office.cases.started") : undefined}
              />
              <Field
                name={`position-${c.id}`}
                label={ot("office.cases.position", { slug: c.slug })}
                type="number"
                value={draft.campaigns.get(c.id) ?? 0}
                errors={errors}
                attrs={{ min: 0, max: 999 }}
              />
            </div>
          ))}
        </fieldset>
        <fieldset class="field">
          <legend>{isNew ? ot("office.cases.texts") : ot("office.cases.textsIn", { language: lang })}</legend>
          {FIELDS.map((field) => (
            <Field
              name={field}
              label={ot(FIELD_LABELS[field])}
              value={draft.texts[field]}
              errors={errors}
              hint={HINTS[field] ? ot(HINTS[field]) : undefined}
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
          <legend>{ot("office.cases.targets")}</legend>
          <p class="hint">{ot("office.cases.targetsHint")}</p>
          {targets.map((t, i) => (
            <fieldset class="field">
              <legend>{ot("office.cases.target", { n: i + 1 })}</legend>
              {t?.id !== undefined ? (
                <input type="hidden" name={`target-${i}-id`} value={String(t.id)} />
              ) : null}
              <Field
                name={`target-${i}-name`}
                label={ot("office.cases.targetName")}
                value={t?.name}
                errors={errors}
              />
              <Field
                name={`target-${i}-title`}
                label={ot("office.cases.targetTitle")}
                value={t?.title}
                errors={errors}
              />
              <Field
                name={`target-${i}-salutation`}
                label={ot("office.cases.targetSalutation")}
                value={t?.salutation}
                errors={errors}
                hint={ot("office.cases.targetSalutationHint")}
              />
              <Field
                name={`target-${i}-address`}
                label={ot("office.cases.targetAddress")}
                value={t?.postalAddress}
                errors={errors}
                textarea
                rows={4}
              />
              <Field
                name={`target-${i}-email`}
                label={ot("office.cases.targetEmail")}
                type="email"
                value={t?.email}
                errors={errors}
              />
            </fieldset>
          ))}
        </fieldset>
        <Checkbox name="published" label={ot("office.cases.publishedLabel")} checked={draft.published} />
        {isNew ? null : (
          <Checkbox
            name="substantial"
            label={ot("office.cases.substantial")}
            checked={draft.substantial}
            hint={ot("office.cases.substantialHint")}
          />
        )}
        <button type="submit">{ot(isNew ? "office.cases.create" : "office.cases.save")}</button>
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
      <h2 id="translations-title">{ot("office.menu.translations")}</h2>
      <ul>
        {p.progress.map((l) => (
          <li>
            <a href={`/office/translations/${p.caseId}/${encodeURIComponent(l.language)}`}>{l.language}</a>:{" "}
            {ot("office.cases.progress", { approved: l.approved, total: l.total })}
            {l.outdated ? `, ${ot("office.dashboard.outdated", { count: l.outdated })}` : ""}
            {l.missing ? `, ${ot("office.dashboard.missing", { count: l.missing })}` : ""}
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
        {ot(stored.published ? "office.cases.isPublished" : "office.cases.notPublished")}{" "}
        <button type="submit" class="secondary">
          {ot(stored.published ? "office.cases.unpublish" : "office.cases.publish")}
        </button>
      </p>
    </form>
  );
}

function PhotoForm(props: { stored: StoredCase; csrf: string; errors?: Errors }) {
  const { stored } = props;
  return (
    <section aria-labelledby="photo-title">
      <h2 id="photo-title">{ot("office.cases.photo")}</h2>
      {stored.photoId ? (
        <p>
          <img src={photoUrl(stored.photoId, 400)} alt={stored.texts.photo_alt} width={400} />
        </p>
      ) : (
        <p>{ot("office.cases.noPhoto")}</p>
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
          label={ot(stored.photoId ? "office.cases.replacePhoto" : "office.cases.uploadPhoto")}
          type="file"
          errors={props.errors}
          hint={ot("office.cases.photoHint")}
          attrs={{ accept: "image/jpeg,image/png,image/webp" }}
          required
        />
        <button type="submit">{ot("office.cases.upload")}</button>
      </form>
      {stored.photoId ? (
        <form method="post" action={`/office/cases/${stored.id}/photo/remove`}>
          <CsrfField token={props.csrf} />
          <button type="submit" class="secondary">
            {ot("office.cases.removePhoto")}
          </button>
        </form>
      ) : null}
    </section>
  );
}
