import { direction } from "../../platform/i18n/locales.js";
import { fieldLabel, type StoredCase } from "../cases/index.js";
import type { OfficeUser } from "../office/index.js";
import {
  CsrfField,
  ErrorSummary,
  type Errors,
  Field,
  isAdmin,
  Notice,
  OfficeLayout,
  officeMessages,
  ot,
} from "../office/index.js";
import { ExchangePanel } from "./exchange/views.js";
import {
  type CaseTranslations,
  type FieldName,
  type FieldStatus,
  fieldState,
  languageProgress,
  maxLength,
  parseField,
  translatableFields,
} from "./fields.js";
import type { SourceChange } from "./history.js";
import { type Draft, KEEP, type StatusCounts } from "./model.js";
import { ReviewPanel, type ReviewSection, SourceDiff } from "./parts.js";
import { queueLanguages, translatesInto } from "./policy.js";
import type { TranslationProgress } from "./progress.js";

export type { ReviewSection };

// The translation pages: the overview (a translator's queue, the progress table, opening a
// language) and the side-by-side editor of one case in one language.

/** A status's name (office.status.…): missing, draft, needs review, approved, outdated. */
export const statusLabel = (status: string): string => ot(`office.status.${status}`);

/** A language's name in the page's language, with its tag: "Spanish (es)", "испанский (es)". */
export const languageName = (tag: string) => {
  try {
    const name = new Intl.DisplayNames([officeMessages().locale], { type: "language" }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
};

export const editorHref = (caseId: number, language: string) =>
  `/office/translations/${caseId}/${encodeURIComponent(language)}`;

function StatusBadge(props: { status: FieldStatus }) {
  return <span class={`status-${props.status}`}>{statusLabel(props.status)}</span>;
}

export interface QueueItem {
  c: TranslationProgress["cases"][number];
  language: string;
  counts: StatusCounts;
}

export interface OverviewProps {
  user: OfficeUser;
  csrf: string;
  notice?: string;
  errors?: Errors;
  /** The language tag as typed, after a refusal. */
  language?: string;
  campaign: { slug: string; title: string };
  /** Every edition as [slug, title], newest first. */
  campaigns: [string, string][];
  queue: QueueItem[];
  /** The languages this person translates the edition's title, introduction and event kit into. */
  editionLanguages?: string[];
  progress: TranslationProgress;
  /** Case id → its source language. */
  sources: Map<number, string>;
  /** Whether the person may open the editor of a language. */
  canOpen: (language: string) => boolean;
  /** The sections whose review settings the person may change. */
  review: ReviewSection[];
}

export function Overview(p: OverviewProps) {
  const m = officeMessages();
  return (
    <OfficeLayout
      title={ot("office.menu.translations")}
      user={p.user}
      csrf={p.csrf}
      current="/office/translations"
    >
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      <ErrorSummary errors={p.errors ?? {}} />
      <form method="get" action="/office/translations" class="filters">
        <Field
          name="campaign"
          label={ot("office.translations.edition")}
          value={p.campaign.slug}
          options={p.campaigns}
        />
        <button type="submit" class="secondary">
          {ot("office.translations.show")}
        </button>
      </form>
      {p.editionLanguages && p.editionLanguages.length > 0 ? (
        <p>
          {ot("office.translations.editionTexts", { title: p.campaign.title })}{" "}
          {p.editionLanguages.map((language, i) => (
            <>
              {i > 0 ? ", " : null}
              <a href={`/office/campaigns/${p.campaign.slug}/texts/${language}`}>{language}</a>
            </>
          ))}
        </p>
      ) : null}
      <h2>{ot("office.translations.queue")}</h2>
      {p.queue.length === 0 ? (
        <p>{ot("office.translations.queueEmpty", { title: p.campaign.title })}</p>
      ) : (
        <table>
          <caption class="sr-only">{ot("office.translations.queueCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{ot("office.translations.case")}</th>
              <th scope="col">{ot("office.translations.language")}</th>
              <th scope="col">{ot("office.translations.missing")}</th>
              <th scope="col">{ot("office.translations.outdated")}</th>
              <th scope="col">{ot("office.translations.needsReview")}</th>
              <th scope="col">{ot("office.translations.draft")}</th>
            </tr>
          </thead>
          <tbody>
            {p.queue.map(({ c, language, counts }) => (
              <tr>
                <td>
                  <a href={editorHref(c.caseId, language)}>{c.title || c.slug}</a>
                </td>
                <td>{languageName(language)}</td>
                <td>{m.number(counts.missing)}</td>
                <td>{m.number(counts.outdated)}</td>
                <td>{m.number(counts.needs_review)}</td>
                <td>{m.number(counts.draft)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{ot("office.translations.progress", { title: p.campaign.title })}</h2>
      <div class="scroll">
        <table>
          <caption>{ot("office.translations.progressCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{ot("office.translations.language")}</th>
              {p.progress.cases.map((c) => (
                <th scope="col">{c.title || c.slug}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.progress.languages.map((language) => (
              <tr>
                <th scope="row">{languageName(language)}</th>
                {p.progress.cases.map((c) => {
                  const cell = c.byLanguage[language];
                  if (!cell) return <td />;
                  const source = p.sources.get(c.caseId) === language;
                  const label = `${m.number(cell.approved)}/${m.number(cell.total)}${
                    cell.outdated ? `, ${ot("office.translations.nOutdated", { count: cell.outdated })}` : ""
                  }`;
                  return (
                    <td>
                      {source ? (
                        ot("office.translations.sourceCell", { label })
                      ) : p.canOpen(language) ? (
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
      <ExchangePanel
        user={p.user}
        csrf={p.csrf}
        campaign={p.campaign}
        cases={p.progress.cases}
        languages={queueLanguages(p.user, p.progress.languages).map((l): [string, string] => [
          l,
          languageName(l),
        ])}
      />
      {isAdmin(p.user) ? (
        <form method="post" action="/office/translations/languages" class="stack">
          <h2>{ot("office.translations.open")}</h2>
          <CsrfField token={p.csrf} />
          <Field
            name="language"
            label={ot("office.translations.languageTag")}
            value={p.language ?? ""}
            errors={p.errors}
            hint={ot("office.translations.languageTagHint")}
            required
          />
          <button type="submit">{ot("office.translations.openSubmit")}</button>
        </form>
      ) : null}
      <ReviewPanel csrf={p.csrf} sections={p.review} />
    </OfficeLayout>
  );
}

export interface EditorProps {
  user: OfficeUser;
  csrf: string;
  stored: StoredCase;
  language: string;
  entry: CaseTranslations;
  draft?: Draft;
  errors?: Errors;
  notice?: string;
  /** What changed in the source of each outdated field. */
  changes: Map<FieldName, SourceChange>;
  /** A second person must approve what someone writes in this language. */
  reviewRequired: boolean;
}

/** Long texts get a tall box; a title or salutation a line. */
const isLine = (field: FieldName) => {
  const parsed = parseField(field);
  return parsed?.kind === "case" ? parsed.field === "title" : parsed?.part !== "address";
};
const isLong = (field: FieldName) => field === "story" || field === "sample_letter";

export function Editor(o: EditorProps) {
  const { stored, language, entry, csrf } = o;
  const source = stored.sourceLanguage;
  const progress = languageProgress(entry, language);
  const writes = translatesInto(o.user, language);
  return (
    <OfficeLayout
      title={ot("office.translations.editorTitle", {
        title: stored.texts.title || stored.slug,
        language: languageName(language),
      })}
      user={o.user}
      csrf={csrf}
      current="/office/translations"
    >
      {o.notice ? <Notice>{o.notice}</Notice> : null}
      <ErrorSummary errors={o.errors ?? {}} />
      <p>
        {ot("office.translations.editorIntro", {
          from: languageName(source),
          into: languageName(language),
          approved: officeMessages().number(progress.approved),
          total: officeMessages().number(progress.total),
        })}
        {o.reviewRequired ? ` ${ot("office.translations.fourEyes")}` : ""}
      </p>
      <form method="post" action={editorHref(stored.id, language)} class="stack">
        <CsrfField token={csrf} />
        {translatableFields(entry).map((field) => {
          const state = fieldState(entry, language, field);
          const sourceState = fieldState(entry, source, field);
          const draft = o.draft?.get(field);
          const change = o.changes.get(field);
          const options: [string, string][] = [
            ...(state.status === "outdated"
              ? [[KEEP, ot("office.translations.keepOutdated")] as [string, string]]
              : []),
            ["draft", statusLabel("draft")],
            ["needs_review", statusLabel("needs_review")],
            ["approved", statusLabel("approved")],
          ];
          const chosen = draft?.status ?? (state.status === "missing" ? "draft" : state.status);
          return (
            <fieldset class="card">
              <legend>
                {fieldLabel(field, entry.targets)}: <StatusBadge status={state.status} />
                {state.status !== "missing" && state.publicText !== null && state.stored !== "approved"
                  ? ` ${ot("office.translations.staysPublic")}`
                  : ""}
              </legend>
              {change ? <SourceDiff change={change} language={source} /> : null}
              <div class="side-by-side">
                <div class="field">
                  <p>
                    <strong>{ot("office.translations.source", { language: source })}</strong>
                  </p>
                  <div lang={source} dir={direction(source)} class="source-text">
                    {sourceState.text}
                  </div>
                </div>
                <Field
                  name={`text-${field}`}
                  label={ot("office.translations.translation", { language })}
                  value={draft?.text ?? state.text}
                  errors={o.errors}
                  textarea={!isLine(field)}
                  rows={isLong(field) ? 12 : 3}
                  lang={language}
                  dir={direction(language)}
                  // A coordinator reviews: approves or sends back, but the translator writes.
                  attrs={
                    writes ? { maxlength: maxLength(field) } : { maxlength: maxLength(field), readonly: true }
                  }
                />
              </div>
              <Field
                name={`status-${field}`}
                label={ot("office.translations.status", { field: fieldLabel(field, entry.targets) })}
                value={chosen}
                errors={o.errors}
                options={options}
              />
            </fieldset>
          );
        })}
        <button type="submit">{ot("office.translations.save")}</button>
      </form>
      <p>
        <a href="/office/translations">{ot("office.translations.back")}</a>
      </p>
    </OfficeLayout>
  );
}
