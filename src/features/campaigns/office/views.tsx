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
  officeMessages,
  officeText,
  ot,
} from "../../office/index.js";
import type { Comparison } from "./compare.js";
import type { EditionForm } from "./input.js";
import { type PendingCount, PendingSignatures } from "./pending.js";
import type { CaseChoice } from "./store.js";

// The editions in the back office: side by side, one edition's form, and the translation of
// its texts into one language. Handlers are in routes.ts.

const fmt = (n: number) => officeMessages().number(n);

const NOTICE_KEYS: Record<string, string> = {
  created: "office.campaigns.notice.created",
  saved: "office.campaigns.notice.saved",
  translated: "office.campaigns.notice.translated",
};

/** The notice a ?done= value names, in the page's language. */
export const campaignNotice = (done: string | undefined): string | undefined => {
  const key = NOTICE_KEYS[done ?? ""];
  return key ? ot(key) : undefined;
};

/** The edition's translatable fields' labels, as message keys. */
export const FIELD_LABELS: Record<CampaignField, string> = {
  title: "office.campaigns.field.title",
  intro: "office.campaigns.field.intro",
  event_kit: "office.campaigns.field.eventKit",
};

const STATE_LABELS: Record<TextState, string> = {
  missing: "office.status.missing",
  outdated: "office.status.outdated",
  draft: "office.status.draft",
  needs_review: "office.status.needs_review",
  approved: "office.status.approved",
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
  same_point: "office.campaigns.basis.samePoint",
  final: "office.campaigns.basis.final",
  to_beat: "office.campaigns.basis.toBeat",
};

function Versus({ c }: { c: Comparison }) {
  if (c.previous === null || c.basis === null) return <>—</>;
  const ratio =
    c.previous > 0 && c.basis !== "to_beat" ? ` (${officeMessages().percent(c.total / c.previous)})` : "";
  return (
    <>
      {fmt(c.previous)} {ot(BASIS[c.basis])}
      {ratio}
    </>
  );
}

export function EditionsPage(p: { user: OfficeUser; csrf: string; notice?: string; rows: EditionRow[] }) {
  return (
    <OfficeLayout title={ot("office.menu.campaigns")} user={p.user} csrf={p.csrf} current="/office/campaigns">
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      <p>
        <a class="button" href="/office/campaigns/new">
          {ot("office.campaigns.new")}
        </a>
      </p>
      <table class="editions">
        <caption class="sr-only">{ot("office.campaigns.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{ot("office.campaigns.campaign")}</th>
            <th scope="col">{ot("office.campaigns.dates")}</th>
            <th scope="col">{ot("office.campaigns.status")}</th>
            <th scope="col" class="number">
              {ot("office.campaigns.goal")}
            </th>
            <th scope="col" class="number">
              {ot("office.campaigns.actionsSoFar")}
            </th>
            <th scope="col">{ot("office.campaigns.previousCampaign")}</th>
            <th scope="col">{ot("office.campaigns.cases")}</th>
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
                  {ot("office.campaigns.enteredIn", {
                    zone: r.timeZone,
                    until: formatTime(r.lateReportsUntil),
                  })}
                </span>
              </td>
              <td class={`status-${r.status}`}>{ot(`office.campaigns.state.${r.status}`)}</td>
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
              <td>
                {r.cases.length === 0
                  ? ot("office.campaigns.none")
                  : `${fmt(r.cases.length)}: ${r.cases.join(", ")}`}
              </td>
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
  /** Signatures awaiting their confirmation, per case (an edition being edited). */
  pending: PendingCount[];
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
      title={creating ? ot("office.campaigns.new") : form.title || (o.slug ?? "")}
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
            label={ot("office.campaigns.slug")}
            hint={ot("office.campaigns.slugHint")}
            value={form.slug}
            errors={errors}
            required
            attrs={{ autocomplete: "off", spellcheck: false, pattern: "[a-z0-9][a-z0-9-]{0,62}" }}
          />
        ) : (
          <p>
            {ot("office.campaigns.slugIs")} <code>{o.slug}</code>
          </p>
        )}
        <Field
          name="default_language"
          label={ot("office.campaigns.defaultLanguage")}
          hint={ot("office.campaigns.defaultLanguageHint")}
          value={form.defaultLanguage}
          errors={errors}
          required
        />
        <Field
          name="title"
          label={ot("office.campaigns.field.title")}
          value={form.title}
          errors={errors}
          required
          dir={dir}
        />
        <Field
          name="intro"
          label={ot("office.campaigns.field.intro")}
          textarea
          rows={5}
          value={form.intro}
          errors={errors}
          dir={dir}
        />
        <Field
          name="event_kit"
          label={ot("office.campaigns.eventKit")}
          hint={ot("office.campaigns.eventKitHint")}
          textarea
          rows={10}
          value={form.eventKit}
          errors={errors}
          dir={dir}
        />
        <Field
          name="time_zone"
          label={ot("office.campaigns.timeZone")}
          hint={ot("office.campaigns.timeZoneHint")}
          value={form.timeZone}
          errors={errors}
          options={o.timeZones.map((z) => [z, z])}
        />
        <Field
          name="starts_at"
          label={ot("office.campaigns.starts")}
          type="datetime-local"
          value={form.startsAt}
          errors={errors}
          required
        />
        <Field
          name="ends_at"
          label={ot("office.campaigns.ends")}
          type="datetime-local"
          value={form.endsAt}
          errors={errors}
          required
        />
        <Field
          name="late_report_days"
          label={ot("office.campaigns.lateDays")}
          hint={ot("office.campaigns.lateDaysHint")}
          type="number"
          value={form.lateReportDays}
          errors={errors}
          attrs={{ min: 0, max: 3650, step: 1, inputmode: "numeric" }}
        />
        <Checkbox
          name="confirm_signatures"
          label={ot("office.campaigns.confirmSignatures")}
          checked={form.confirmSignatures}
          hint={ot("office.campaigns.confirmSignaturesHint")}
        />
        <Field
          name="goal"
          label={ot("office.campaigns.goal")}
          hint={ot("office.campaigns.goalHint")}
          type="number"
          value={form.goal}
          errors={errors}
          required
          attrs={{ min: 0, step: 1, inputmode: "numeric" }}
        />
        <Field
          name="previous"
          label={ot("office.campaigns.comparedWith")}
          hint={ot("office.campaigns.comparedWithHint")}
          value={form.previous}
          errors={errors}
          options={[
            ["", ot("office.campaigns.none")],
            ...o.editions.filter((s) => s !== o.slug).map((s): [string, string] => [s, s]),
          ]}
        />
        {creating ? (
          <>
            <Checkbox
              name="carry_over"
              label={ot("office.campaigns.carryOver")}
              checked={form.carryOver}
              hint={ot("office.campaigns.carryOverHint")}
            />
            {errors.carry_over ? (
              <p class="error" id="f-carry_over-error">
                {officeText(errors.carry_over)}
              </p>
            ) : null}
          </>
        ) : null}
        <fieldset id="f-cases" aria-describedby={errors.cases ? "f-cases-error" : undefined}>
          <legend>{ot("office.campaigns.featured")}</legend>
          {errors.cases ? (
            <p class="error" id="f-cases-error">
              {officeText(errors.cases)}
            </p>
          ) : null}
          {o.cases.length === 0 ? <p>{ot("office.campaigns.noCases")}</p> : null}
          {o.cases.map((c) => (
            <Checkbox
              name="cases"
              value={String(c.id)}
              label={c.title}
              checked={chosen.has(String(c.id))}
              hint={c.published ? `(${c.slug})` : ot("office.campaigns.notPublished", { slug: c.slug })}
            />
          ))}
        </fieldset>
        <button type="submit">{ot(creating ? "office.campaigns.create" : "office.campaigns.save")}</button>
      </form>
      {creating ? null : <PendingSignatures pending={o.pending} cases={o.cases} />}
      {!creating && o.translations.length > 0 ? (
        <section>
          <h2>{ot("office.campaigns.translations")}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{ot("office.translations.language")}</th>
                {CAMPAIGN_FIELDS.map((f) => (
                  <th scope="col">{ot(`${FIELD_LABELS[f]}.short`)}</th>
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
                    <td class={`state-${t.states[f]}`}>{ot(STATE_LABELS[t.states[f]])}</td>
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
