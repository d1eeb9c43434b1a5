import type { CampaignInfo } from "../../../core/catalog/catalog.js";
import type { OfficeUser } from "../../office/index.js";
import {
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
import type { SectionForm } from "./input.js";
import type { CampaignCase, SectionRecord, SectionSummary } from "./store.js";

// The back-office pages of sections: the list, and a section's form. Handlers are in routes.ts.

/** A country's name in the page's language. */
const countryName = (code: string): string => officeMessages().country(code);

export function SectionsPage(p: {
  user: OfficeUser;
  csrf: string;
  campaign?: CampaignInfo;
  sections: SectionSummary[];
}) {
  return (
    <OfficeLayout title={ot("office.menu.sections")} user={p.user} csrf={p.csrf} current="/office/sections">
      {p.user.role === "admin" ? (
        <p>
          <a class="button" href="/office/sections/new">
            {ot("office.sections.new")}
          </a>
        </p>
      ) : null}
      {p.sections.length === 0 ? (
        <p>{ot("office.sections.none")}</p>
      ) : (
        <table>
          <caption class="sr-only">
            {p.campaign
              ? ot("office.sections.captionGoals", { title: p.campaign.title })
              : ot("office.menu.sections")}
          </caption>
          <thead>
            <tr>
              <th scope="col">{ot("office.sections.section")}</th>
              <th scope="col">{ot("office.sections.country")}</th>
              <th scope="col">{ot("office.sections.languages")}</th>
              <th scope="col" class="number">
                {ot("office.sections.goal")}
              </th>
              <th scope="col" class="number">
                {ot("office.sections.featured")}
              </th>
            </tr>
          </thead>
          <tbody>
            {p.sections.map((s) => (
              <tr>
                <th scope="row">
                  <a href={`/office/sections/${s.id}`}>{s.name}</a>
                </th>
                <td>
                  {countryName(s.country)} ({s.country})
                </td>
                <td>{s.languages.join(", ")}</td>
                <td class="number">{s.goal === null ? "—" : officeMessages().number(s.goal)}</td>
                <td class="number">
                  {s.featured === 0 ? ot("office.sections.all") : officeMessages().number(s.featured)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </OfficeLayout>
  );
}

export interface SectionPageProps {
  user: OfficeUser;
  csrf: string;
  section: SectionRecord;
  campaign: CampaignInfo | undefined;
  cases: CampaignCase[];
  form: SectionForm;
  errors?: Errors;
  saved?: boolean;
}

export function SectionPage(o: SectionPageProps) {
  const { section, campaign, form } = o;
  const errors = o.errors ?? {};
  const chosen = new Set(form.featured);
  return (
    <OfficeLayout title={section.name} user={o.user} csrf={o.csrf} current="/office/sections">
      {o.saved ? <Notice>{ot("office.sections.saved")}</Notice> : null}
      <ErrorSummary errors={errors} />
      <p>
        {countryName(section.country)} ·{" "}
        <a href={`/s/${section.country}`}>{ot("office.sections.publicPage")}</a>
      </p>
      <p>
        {ot("office.sections.textsLinks")}{" "}
        {section.languages.map((language, i) => (
          <>
            {i > 0 ? ", " : null}
            <a href={`/office/sections/${section.id}/texts/${language}`}>{language}</a>
          </>
        ))}
      </p>
      <form class="stack" method="post" action={`/office/sections/${section.id}`}>
        <CsrfField token={o.csrf} />
        <Field
          name="languages"
          label={ot("office.sections.languages")}
          hint={ot("office.sections.languagesHint")}
          value={form.languages}
          errors={errors}
          required
          attrs={{ autocomplete: "off", spellcheck: false }}
        />
        {campaign ? (
          <>
            <fieldset id="f-featured" aria-describedby={errors.featured ? "f-featured-error" : undefined}>
              <legend>{ot("office.sections.featuredIn", { title: campaign.title })}</legend>
              <p class="hint">{ot("office.sections.featuredHint")}</p>
              {errors.featured ? (
                <p class="error" id="f-featured-error">
                  {officeText(errors.featured)}
                </p>
              ) : null}
              {o.cases.length === 0 ? <p>{ot("office.sections.noCases")}</p> : null}
              {o.cases.map((c) => {
                const id = String(c.id);
                return (
                  <div class="check featured-case">
                    <input
                      type="checkbox"
                      id={`f-featured-${id}`}
                      name="featured"
                      value={id}
                      checked={chosen.has(id)}
                    />
                    <label for={`f-featured-${id}`}>
                      {c.title}{" "}
                      <span class="hint">
                        {c.published ? `(${c.slug})` : ot("office.campaigns.notPublished", { slug: c.slug })}
                      </span>
                    </label>
                    <label class="sr-only" for={`f-position-${id}`}>
                      {ot("office.sections.order", { title: c.title })}
                    </label>
                    <input
                      type="number"
                      id={`f-position-${id}`}
                      name={`position-${id}`}
                      min={0}
                      max={999}
                      size={3}
                      class="position"
                      value={form.positions[id] ?? ""}
                    />
                  </div>
                );
              })}
            </fieldset>
            <Field
              name="goal"
              label={ot("office.sections.goalFor", { title: campaign.title })}
              hint={ot("office.sections.goalHint")}
              type="number"
              value={form.goal}
              errors={errors}
              attrs={{ min: 0, step: 1, inputmode: "numeric" }}
            />
          </>
        ) : null}
        <h2>{ot("office.sections.contacts")}</h2>
        <p class="hint">{ot("office.sections.contactsHint")}</p>
        <Field
          name="contact_email"
          label={ot("office.sections.email")}
          type="email"
          value={form.contactEmail}
          errors={errors}
          attrs={{ autocomplete: "off" }}
        />
        <Field
          name="contact_phone"
          label={ot("office.sections.phone")}
          type="tel"
          value={form.contactPhone}
          errors={errors}
        />
        <Field
          name="website"
          label={ot("office.sections.website")}
          hint={ot("office.sections.websiteHint")}
          type="url"
          value={form.website}
          errors={errors}
        />
        <Field
          name="postal_address"
          label={ot("office.sections.postalAddress")}
          textarea
          rows={4}
          value={form.postalAddress}
          errors={errors}
        />
        <button type="submit">{ot("office.sections.save")}</button>
      </form>
    </OfficeLayout>
  );
}
