import { Type } from "typebox";
import {
  type EntityText,
  TEXT_STATUSES,
  type TextState,
  type TextStatus,
  textState,
} from "../../../core/catalog/entity-texts.js";
import { messages } from "../../../platform/http/forms.js";
import { direction } from "../../../platform/i18n/locales.js";
import type { OfficeUser } from "../../office/index.js";
import {
  CsrfField,
  ErrorSummary,
  type Errors,
  Field,
  Notice,
  OfficeLayout,
  officeKey,
  ot,
} from "../../office/index.js";
import { type SourceChange, SourceDiff } from "../../translations/index.js";

// The translation of an edition's or a section's own texts into one language: the source text
// beside each field, the field's state (outdated once the source moved on), and one status for
// what is saved. Shared by editions and sections (sections import it through index.ts).

/** The statuses a texts form offers, as message keys. */
export const STATUS_LABELS: Record<TextStatus, string> = {
  draft: "office.texts.status.draft",
  needs_review: "office.texts.status.needsReview",
  approved: "office.texts.status.approved",
};

/** A translated field of a texts form (`text-<field>`), at most `max` characters. */
export const TextField = (max: number) =>
  Type.Optional(
    Type.String({
      maxLength: max,
      ...messages(officeKey("office.texts.error.tooLong", { max })),
    }),
  );

/** The one status of a texts form. */
export const StatusField = Type.Union(
  TEXT_STATUSES.map((s) => Type.Literal(s)),
  messages("office.translations.error.status"),
);

/** The texts a post holds, field by field ('' for a field left empty). */
export function readTexts(body: Record<string, unknown>, fields: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    fields.map((f) => {
      const value = body[`text-${f}`];
      return [f, typeof value === "string" ? value.replaceAll("\r\n", "\n") : ""];
    }),
  );
}

export interface TextsEditorProps {
  user: OfficeUser;
  csrf: string;
  /** The page's heading, e.g. "Write for Rights 2013 in es". */
  title: string;
  current: string;
  action: string;
  back: { href: string; label: string };
  source: string;
  language: string;
  fields: { name: string; label: string; textarea: boolean }[];
  texts: EntityText[];
  /** What was posted, shown again beside its errors. */
  values?: Record<string, string>;
  status?: TextStatus;
  errors?: Errors;
  notice?: string;
  /** Field → what changed in its source since the revision translated (outdated fields). */
  changes?: Map<string, SourceChange>;
  /** A second person approves translations into this language (four eyes). */
  reviewRequired?: boolean;
}

const STATE_LABELS: Record<TextState, string> = {
  missing: "office.status.missing",
  outdated: "office.texts.state.outdated",
  draft: "office.status.draft",
  needs_review: "office.status.needs_review",
  approved: "office.status.approved",
};

export function TextsEditor(p: TextsEditorProps) {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const row = (language: string, field: string) =>
    p.texts.find((t) => same(t.language, language) && t.field === field);
  const stored = p.fields.map((f) => row(p.language, f.name)?.status).find((s) => s !== undefined);
  const status = p.status ?? stored ?? "draft";
  return (
    <OfficeLayout title={p.title} user={p.user} csrf={p.csrf} current={p.current}>
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      <ErrorSummary errors={p.errors ?? {}} />
      <p>
        <a href={p.back.href}>{p.back.label}</a> · {ot("office.texts.sourceLanguage", { language: p.source })}
        {p.reviewRequired ? ` ${ot("office.translations.fourEyes")}` : ""}
      </p>
      <form class="stack" method="post" action={p.action}>
        <CsrfField token={p.csrf} />
        {p.fields.map((f) => {
          const source = row(p.source, f.name)?.text ?? "";
          const state = textState(p.texts, p.source, p.language, f.name);
          return (
            <div class="translation-field">
              <h2>
                {f.label} <span class={`state-${state}`}>({ot(STATE_LABELS[state])})</span>
              </h2>
              {p.changes?.get(f.name) ? (
                <SourceDiff change={p.changes.get(f.name) as SourceChange} language={p.source} />
              ) : null}
              <blockquote lang={p.source} dir={direction(p.source)} class="source">
                {source === "" ? ot("office.texts.noSource") : source}
              </blockquote>
              <Field
                name={`text-${f.name}`}
                label={ot("office.texts.fieldIn", { field: f.label, language: p.language })}
                value={p.values?.[f.name] ?? row(p.language, f.name)?.text ?? ""}
                errors={p.errors}
                textarea={f.textarea}
                rows={f.textarea ? 6 : undefined}
                lang={p.language}
                dir={direction(p.language)}
              />
            </div>
          );
        })}
        <Field
          name="status"
          label={ot("office.campaigns.status")}
          value={status}
          errors={p.errors}
          options={TEXT_STATUSES.map((s) => [s, ot(STATUS_LABELS[s])])}
        />
        <button type="submit">{ot("office.texts.save")}</button>
      </form>
    </OfficeLayout>
  );
}
