import type { FastifyInstance, FastifyReply } from "fastify";
import type { CampaignInfo } from "../../../core/catalog/catalog.js";
import { currentCampaign } from "../../../core/catalog/current.js";
import type { Runtime } from "../../../core/runtime.js";
import { withTransaction } from "../../../platform/db/transaction.js";
import { Problem } from "../../../platform/http/problems.js";
import { actorOf, audit } from "../../office/audit.js";
import { currentUser, guard, notFound } from "../../office/context.js";
import { formOf, sendPage } from "../../office/form.js";
import { OfficeLayout } from "../../office/layout.js";
import { canEditSections, runsSection } from "../../office/policy.js";
import { CsrfField, ErrorSummary, type Errors, Field, Notice } from "../../office/ui.js";
import type { OfficeUser } from "../../office/users.js";
import { checkSectionForm, readSectionForm, type SectionForm } from "./input.js";
import {
  type CampaignCase,
  campaignCases,
  listSections,
  loadSection,
  type SectionRecord,
  saveSection,
} from "./store.js";

// Sections: a coordinator sets their section's languages, the cases it features and its goal
// in the current edition, and how the public reaches it. Admins edit every section.

const countryName = new Intl.DisplayNames(["en"], { type: "region" });

function sectionId(param: string): number {
  const id = /^\d{1,9}$/.test(param) ? Number(param) : 0;
  if (id === 0) throw notFound("This section");
  return id;
}

/** Sections are public: another coordinator's section is forbidden, not hidden. */
function mayEdit(user: OfficeUser, id: number): void {
  if (!runsSection(user, id)) throw new Problem(403, "forbidden", "You do not run this section.");
}

function formOfRecord(section: SectionRecord): SectionForm {
  return {
    languages: section.languages.join(", "),
    featured: section.featured.map(String),
    positions: Object.fromEntries(section.featured.map((id, i) => [String(id), String(i + 1)])),
    goal: section.goal === null ? "" : String(section.goal),
    contactEmail: section.contactEmail ?? "",
    contactPhone: section.contactPhone ?? "",
    website: section.website ?? "",
    postalAddress: section.postalAddress ?? "",
  };
}

/** What the audit log keeps of a section: the same whether read before or after a change. */
function auditView(section: SectionRecord, campaign: CampaignInfo | undefined, cases: CampaignCase[]) {
  const slugs = new Map(cases.map((c) => [c.id, c.slug]));
  return {
    languages: section.languages,
    contactEmail: section.contactEmail,
    contactPhone: section.contactPhone,
    website: section.website,
    postalAddress: section.postalAddress,
    campaign: campaign?.slug ?? null,
    goal: section.goal,
    featured: section.featured.map((id) => slugs.get(id) ?? id),
  };
}

export function sectionRoutes(app: FastifyInstance, runtime: Runtime): void {
  const { pool } = runtime.db;

  app.get("/office/sections", { preHandler: guard(canEditSections) }, async (request, reply) => {
    const user = currentUser(request);
    const campaign = currentCampaign(runtime.catalog());
    const sections = await listSections(
      pool,
      user.role === "admin" ? null : user.sectionIds,
      campaign?.id ?? null,
    );
    return sendPage(
      reply,
      <OfficeLayout title="Sections" user={user} csrf={reply.generateCsrf()} current="/office/sections">
        {sections.length === 0 ? (
          <p>You do not run a section yet. An admin can add you to one.</p>
        ) : (
          <table>
            <caption class="sr-only">Sections{campaign ? `, goals for ${campaign.title}` : ""}</caption>
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
              {sections.map((s) => (
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
      </OfficeLayout>,
    );
  });

  const editPage = (
    reply: FastifyReply,
    o: {
      user: OfficeUser;
      section: SectionRecord;
      campaign: CampaignInfo | undefined;
      cases: CampaignCase[];
      form: SectionForm;
      errors?: Errors;
      saved?: boolean;
    },
    status = 200,
  ) => {
    const { section, campaign, form } = o;
    const errors = o.errors ?? {};
    const chosen = new Set(form.featured);
    return sendPage(
      reply,
      <OfficeLayout title={section.name} user={o.user} csrf={reply.generateCsrf()} current="/office/sections">
        {o.saved ? <Notice>The section is saved. The public page shows the changes now.</Notice> : null}
        <ErrorSummary errors={errors} />
        <p>
          {countryName.of(section.country) ?? section.country} ·{" "}
          <a href={`/s/${section.country}`}>public page of the section</a>
        </p>
        <form class="stack" method="post" action={`/office/sections/${section.id}`}>
          <CsrfField token={reply.generateCsrf()} />
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
      </OfficeLayout>,
      status,
    );
  };

  app.get("/office/sections/:id", { preHandler: guard(canEditSections) }, async (request, reply) => {
    const user = currentUser(request);
    const id = sectionId((request.params as { id: string }).id);
    const campaign = currentCampaign(runtime.catalog());
    const section = await loadSection(pool, id, campaign?.id ?? null);
    if (!section) throw notFound("This section");
    mayEdit(user, id);
    const cases = campaign ? await campaignCases(pool, campaign.id) : [];
    const saved = (request.query as { saved?: string }).saved !== undefined;
    return editPage(reply, { user, section, campaign, cases, form: formOfRecord(section), saved });
  });

  app.post(
    "/office/sections/:id",
    { preHandler: [guard(canEditSections), app.csrfProtection] },
    async (request, reply) => {
      const user = currentUser(request);
      const id = sectionId((request.params as { id: string }).id);
      const campaign = currentCampaign(runtime.catalog());
      const campaignId = campaign?.id ?? null;
      const current = await loadSection(pool, id, campaignId);
      if (!current) throw notFound("This section");
      mayEdit(user, id);
      const cases = campaign ? await campaignCases(pool, campaign.id) : [];
      const form = readSectionForm(formOf(request.body));
      const { input, errors } = checkSectionForm(form, campaign ? cases.map((c) => c.id) : null);
      if (Object.keys(errors).length > 0) {
        return editPage(reply, { user, section: current, campaign, cases, form, errors }, 422);
      }
      const changed = await withTransaction(pool, async (client) => {
        const before = await loadSection(client, id, campaignId, true);
        if (!before) throw notFound("This section");
        await saveSection(client, id, campaignId, input);
        const after = await loadSection(client, id, campaignId);
        if (!after) throw notFound("This section");
        const [b, a] = [auditView(before, campaign, cases), auditView(after, campaign, cases)];
        // Saving an unchanged form changes nothing, so it leaves no record either.
        if (JSON.stringify(b) === JSON.stringify(a)) return false;
        await audit(client, actorOf(user), "update", "section", id, b, a);
        return true;
      });
      // Every node's public pages read sections once per catalog version.
      if (changed) await runtime.catalogChanged();
      return reply.redirect(`/office/sections/${id}?saved`, 303);
    },
  );
}
