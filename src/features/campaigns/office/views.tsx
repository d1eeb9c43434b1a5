import type { CampaignStatus } from "../../../core/catalog/current.js";
import { CAMPAIGN_FIELDS, type CampaignField, type TextState } from "../../../core/catalog/entity-texts.js";
import { direction } from "../../../platform/i18n/locales.js";
import type { OfficeUser } from "../../office/index.js";
import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  type Errors,
  Field,
  formatTime,
  Notice,
  OfficeLayout,
} from "../../office/index.js";
import type { Comparison } from "./compare.js";
import type { EditionForm } from "./input.js";
import type { CaseChoice } from "./store.js";

// The editions in the back office: side by side, one edition's form, and the translation of
// its texts into one language. Handlers are in routes.ts.

const fmt = (n: number) => n.toLocaleString("en");

export const NOTICES: Record<string, string> = {
  created: "The campaign is created. Every public page and counter knows it now.",
  saved: "The campaign is saved.",
  translated: "The translation is saved.",
};

export const FIELD_LABELS: Record<CampaignField, string> = {
  title: "Title",
  intro: "Introduction",
  event_kit: "Event kit: how to run a letter-writing event",
};

const STATE_LABELS: Record<TextState, string> = {
  missing: "missing",
  outdated: "outdated",
  draft: "draft",
  needs_review: "needs review",
  approved: "approved",
};

export interface EditionRow {
  slug: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  status: CampaignStatus;
  goal: number;
  previous: string | null;
  comparison: Comparison;
  cases: string[];
  lateReportsUntil: Date;
}

const BASIS: Record<NonNullable<Comparison["basis"]>, string> = {
  same_point: "at the same point",
  final: "in all",
  to_beat: "to beat",
};

function Versus({ c }: { c: Comparison }) {
  if (c.previous === null || c.basis === null) return <>—</>;
  const ratio =
    c.previous > 0 && c.basis !== "to_beat" ? ` (${Math.round((c.total / c.previous) * 100)} %)` : "";
  return (
    <>
      {fmt(c.previous)} {BASIS[c.basis]}
      {ratio}
    </>
  );
}

export function EditionsPage(p: { user: OfficeUser; csrf: string; notice?: string; rows: EditionRow[] }) {
  return (
    <OfficeLayout title="Campaigns" user={p.user} csrf={p.csrf} current="/office/campaigns">
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      <p>
        <a class="button" href="/office/campaigns/new">
          New campaign
        </a>
      </p>
      <table class="editions">
        <caption class="sr-only">Campaigns, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Campaign</th>
            <th scope="col">Dates</th>
            <th scope="col">Status</th>
            <th scope="col" class="number">
              Goal
            </th>
            <th scope="col" class="number">
              Actions so far
            </th>
            <th scope="col">Previous campaign</th>
            <th scope="col">Cases</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => (
            <tr>
              <th scope="row">
                <a href={`/office/campaigns/${r.slug}`}>{r.title}</a> <span class="hint">({r.slug})</span>
              </th>
              <td>
                {formatTime(r.startsAt)} – {formatTime(r.endsAt)}
                <br />
                <span class="hint">
                  entered in {r.timeZone}; reports until {formatTime(r.lateReportsUntil)}
                </span>
              </td>
              <td class={`status-${r.status}`}>{r.status}</td>
              <td class="number">{fmt(r.goal)}</td>
              <td class="number">{fmt(r.comparison.total)}</td>
              <td>
                {r.previous ?? "—"}
                {r.previous ? (
                  <>
                    : <Versus c={r.comparison} />
                  </>
                ) : null}
              </td>
              <td>{r.cases.length === 0 ? "none" : `${r.cases.length}: ${r.cases.join(", ")}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </OfficeLayout>
  );
}

export interface TranslationLink {
  language: string;
  states: Record<CampaignField, TextState>;
}

export interface EditionPageProps {
  user: OfficeUser;
  csrf: string;
  /** The edition edited; absent when creating one. */
  slug?: string;
  form: EditionForm;
  errors?: Errors;
  notice?: string;
  editions: string[];
  cases: CaseChoice[];
  timeZones: string[];
  translations: TranslationLink[];
}

export function EditionPage(o: EditionPageProps) {
  const { form } = o;
  const errors = o.errors ?? {};
  const creating = o.slug === undefined;
  const chosen = new Set(form.cases);
  const action = creating ? "/office/campaigns/new" : `/office/campaigns/${o.slug}`;
  const dir = direction(form.defaultLanguage);
  return (
    <OfficeLayout
      title={creating ? "New campaign" : form.title || (o.slug ?? "")}
      user={o.user}
      csrf={o.csrf}
      current="/office/campaigns"
    >
      {o.notice ? <Notice>{o.notice}</Notice> : null}
      <ErrorSummary errors={errors} />
      <form class="stack" method="post" action={action}>
        <CsrfField token={o.csrf} />
        {creating ? (
          <Field
            name="slug"
            label="Slug"
            hint="Its address in links and the API, e.g. w4r-2013. It cannot be changed later."
            value={form.slug}
            errors={errors}
            required
            attrs={{ autocomplete: "off", spellcheck: false, pattern: "[a-z0-9][a-z0-9-]{0,62}" }}
          />
        ) : (
          <p>
            Slug: <code>{o.slug}</code>
          </p>
        )}
        <Field
          name="default_language"
          label="Default language"
          hint="The language the texts below are written in; readers without a translation see it (BCP 47, e.g. en)."
          value={form.defaultLanguage}
          errors={errors}
          required
        />
        <Field name="title" label="Title" value={form.title} errors={errors} required dir={dir} />
        <Field
          name="intro"
          label="Introduction"
          textarea
          rows={5}
          value={form.intro}
          errors={errors}
          dir={dir}
        />
        <Field
          name="event_kit"
          label="Event kit"
          hint="How to run a letter-writing event and report its letters; printed in the event kit."
          textarea
          rows={10}
          value={form.eventKit}
          errors={errors}
          dir={dir}
        />
        <Field
          name="time_zone"
          label="Time zone"
          hint="The start and end below are read in this zone."
          value={form.timeZone}
          errors={errors}
          options={o.timeZones.map((z) => [z, z])}
        />
        <Field
          name="starts_at"
          label="Starts"
          type="datetime-local"
          value={form.startsAt}
          errors={errors}
          required
        />
        <Field
          name="ends_at"
          label="Ends"
          type="datetime-local"
          value={form.endsAt}
          errors={errors}
          required
        />
        <Field
          name="late_report_days"
          label="Late reports, days after the end"
          hint="Reports of letters for this campaign are taken for this many days after it ends."
          type="number"
          value={form.lateReportDays}
          errors={errors}
          attrs={{ min: 0, max: 3650, step: 1, inputmode: "numeric" }}
        />
        <Field
          name="goal"
          label="Goal"
          hint="Actions in all countries."
          type="number"
          value={form.goal}
          errors={errors}
          required
          attrs={{ min: 0, step: 1, inputmode: "numeric" }}
        />
        <Field
          name="previous"
          label="Compared with"
          hint="The previous campaign, whose count this one is measured against."
          value={form.previous}
          errors={errors}
          options={[
            ["", "none"],
            ...o.editions.filter((s) => s !== o.slug).map((s): [string, string] => [s, s]),
          ]}
        />
        {creating ? (
          <>
            <Checkbox
              name="carry_over"
              label="Carry over the previous campaign's cases"
              checked={form.carryOver}
              hint="with their texts and translations, in the same order"
            />
            {errors.carry_over ? (
              <p class="error" id="f-carry_over-error">
                {errors.carry_over}
              </p>
            ) : null}
          </>
        ) : null}
        <fieldset id="f-cases" aria-describedby={errors.cases ? "f-cases-error" : undefined}>
          <legend>Featured cases</legend>
          {errors.cases ? (
            <p class="error" id="f-cases-error">
              {errors.cases}
            </p>
          ) : null}
          {o.cases.length === 0 ? <p>There are no cases yet.</p> : null}
          {o.cases.map((c) => (
            <Checkbox
              name="cases"
              value={String(c.id)}
              label={c.title}
              checked={chosen.has(String(c.id))}
              hint={`(${c.slug}${c.published ? "" : ", not published"})`}
            />
          ))}
        </fieldset>
        <button type="submit">{creating ? "Create the campaign" : "Save the campaign"}</button>
      </form>
      {!creating && o.translations.length > 0 ? (
        <section>
          <h2>Translations of the campaign's texts</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Language</th>
                {CAMPAIGN_FIELDS.map((f) => (
                  <th scope="col">{FIELD_LABELS[f].split(":")[0]}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {o.translations.map((t) => (
                <tr>
                  <th scope="row">
                    <a href={`/office/campaigns/${o.slug}/texts/${t.language}`}>{t.language}</a>
                  </th>
                  {CAMPAIGN_FIELDS.map((f) => (
                    <td class={`state-${t.states[f]}`}>{STATE_LABELS[t.states[f]]}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </OfficeLayout>
  );
}
