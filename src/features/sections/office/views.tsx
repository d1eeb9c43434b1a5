import type { CampaignInfo } from "../../../core/catalog/catalog.js";
import type { OfficeUser } from "../../office/index.js";
import { CsrfField, ErrorSummary, type Errors, Field, Notice, OfficeLayout } from "../../office/index.js";
import type { SectionForm } from "./input.js";
import type { CampaignCase, SectionRecord, SectionSummary } from "./store.js";

// The back-office pages of sections: the list, and a section's form. Handlers are in routes.ts.

const countryName = new Intl.DisplayNames(["en"], { type: "region" });

export function SectionsPage(p: {
  user: OfficeUser;
  csrf: string;
  campaign?: CampaignInfo;
  sections: SectionSummary[];
}) {
  return (
    <OfficeLayout title="Sections" user={p.user} csrf={p.csrf} current="/office/sections">
      {p.user.role === "admin" ? (
        <p>
          <a class="button" href="/office/sections/new">
            New section
          </a>
        </p>
      ) : null}
      {p.sections.length === 0 ? (
        <p>You do not run a section yet. An admin can add you to one.</p>
      ) : (
        <table>
          <caption class="sr-only">Sections{p.campaign ? `, goals for ${p.campaign.title}` : ""}</caption>
          <thead>
            <tr>
              <th scope="col">Section</th>
              <th scope="col">Country</th>
              <th scope="col">Languages</th>
              <th scope="col" class="number">
                Goal
              </th>
              <th scope="col" class="number">
                Featured cases
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
                  {countryName.of(s.country) ?? s.country} ({s.country})
                </td>
                <td>{s.languages.join(", ")}</td>
                <td class="number">{s.goal === null ? "—" : s.goal.toLocaleString("en")}</td>
                <td class="number">{s.featured === 0 ? "all" : s.featured}</td>
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
      {o.saved ? <Notice>The section is saved. The public page shows the changes now.</Notice> : null}
      <ErrorSummary errors={errors} />
      <p>
        {countryName.of(section.country) ?? section.country} ·{" "}
        <a href={`/s/${section.country}`}>public page of the section</a>
      </p>
      <p>
        The section's introduction and how to reach it, in each of its languages:{" "}
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
          label="Languages"
          hint="BCP 47 tags separated by commas, in your order; the first is the section's default (e.g. es-ES, ca, eu)."
          value={form.languages}
          errors={errors}
          required
          attrs={{ autocomplete: "off", spellcheck: false }}
        />
        {campaign ? (
          <>
            <fieldset id="f-featured" aria-describedby={errors.featured ? "f-featured-error" : undefined}>
              <legend>Featured cases in {campaign.title}</legend>
              <p class="hint">
                Tick the cases your section promotes and number them in the order to show them. With none
                ticked, the public page shows every case of the campaign.
              </p>
              {errors.featured ? (
                <p class="error" id="f-featured-error">
                  {errors.featured}
                </p>
              ) : null}
              {o.cases.length === 0 ? <p>This campaign has no cases yet.</p> : null}
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
                        ({c.slug}
                        {c.published ? "" : ", not published"})
                      </span>
                    </label>
                    <label class="sr-only" for={`f-position-${id}`}>
                      Order of {c.title}
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
              label={`Your goal for ${campaign.title}`}
              hint="Actions from your country. Leave empty for no goal."
              type="number"
              value={form.goal}
              errors={errors}
              attrs={{ min: 0, step: 1, inputmode: "numeric" }}
            />
          </>
        ) : null}
        <h2>Contact details</h2>
        <p class="hint">Shown on the section's public page. All optional.</p>
        <Field
          name="contact_email"
          label="Email"
          type="email"
          value={form.contactEmail}
          errors={errors}
          attrs={{ autocomplete: "off" }}
        />
        <Field name="contact_phone" label="Phone" type="tel" value={form.contactPhone} errors={errors} />
        <Field
          name="website"
          label="Website"
          hint="Starting with https://"
          type="url"
          value={form.website}
          errors={errors}
        />
        <Field
          name="postal_address"
          label="Postal address"
          textarea
          rows={4}
          value={form.postalAddress}
          errors={errors}
        />
        <button type="submit">Save the section</button>
      </form>
    </OfficeLayout>
  );
}
