import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import { h } from "preact";
import { Type } from "typebox";
import type { CampaignInfo } from "../../../core/catalog/catalog.js";
import { currentCampaign } from "../../../core/catalog/current.js";
import type { Runtime } from "../../../core/runtime.js";
import { withTransaction } from "../../../platform/db/transaction.js";
import { formErrors, formRoute } from "../../../platform/http/forms.js";
import { Problem } from "../../../platform/http/problems.js";
import { formResponses, pageResponses } from "../../../platform/http/responses.js";
import type { OfficeUser } from "../../office/index.js";
import {
  actorOf,
  audit,
  canEditSections,
  currentUser,
  guard,
  notFound,
  ot,
  sendPage,
} from "../../office/index.js";
import { runsSection } from "../policy.js";
import { sectionCreateRoutes } from "./create.js";
import { checkSectionForm, readSectionForm, type SectionForm, SectionFormBody } from "./input.js";
import {
  type CampaignCase,
  campaignCases,
  listSections,
  loadSection,
  type SectionRecord,
  saveSection,
} from "./store.js";
import { SectionPage, type SectionPageProps, SectionsPage } from "./views.js";

// Sections: a coordinator sets their section's languages, the cases it features and its goal
// in the current edition, and how the public reaches it. Admins edit every section.

// Any text: an id that is not a number is an unknown section (404), not a bad request.
const SectionParams = Type.Object({ id: Type.String() });
// `?saved` after a save: present, with no value.
const SectionQuery = Type.Object({ saved: Type.Optional(Type.String()) });

function sectionId(param: string): number {
  const id = /^\d{1,9}$/.test(param) ? Number(param) : 0;
  if (id === 0) throw notFound("office.problem.notFound.section");
  return id;
}

/** Sections are public: another coordinator's section is forbidden, not hidden. */
function mayEdit(user: OfficeUser, id: number): void {
  if (!runsSection(user, id)) throw new Problem(403, "forbidden", ot("office.sections.notYours"));
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

const sectionForm = formRoute(SectionFormBody);

export function sectionRoutes(fastify: FastifyInstance, runtime: Runtime): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  const guarded = guard(canEditSections);
  // New sections and section texts (the router prefers /office/sections/new to :id).
  sectionCreateRoutes(fastify, runtime);

  const editPage = (reply: FastifyReply, o: Omit<SectionPageProps, "csrf">, status = 200) =>
    sendPage(reply, h(SectionPage, { ...o, csrf: reply.generateCsrf() }), status);

  app.get(
    "/office/sections",
    { schema: { response: pageResponses() }, preValidation: guarded },
    async (request, reply) => {
      const user = currentUser(request);
      const campaign = currentCampaign(runtime.catalog());
      const sections = await listSections(
        pool,
        user.role === "admin" ? null : user.sectionIds,
        campaign?.id ?? null,
      );
      return sendPage(reply, h(SectionsPage, { user, csrf: reply.generateCsrf(), campaign, sections }));
    },
  );

  app.get(
    "/office/sections/:id",
    {
      schema: { params: SectionParams, querystring: SectionQuery, response: pageResponses(403, 404) },
      preValidation: guarded,
    },
    async (request, reply) => {
      const user = currentUser(request);
      const id = sectionId(request.params.id);
      const campaign = currentCampaign(runtime.catalog());
      const section = await loadSection(pool, id, campaign?.id ?? null);
      if (!section) throw notFound("office.problem.notFound.section");
      mayEdit(user, id);
      const cases = campaign ? await campaignCases(pool, campaign.id) : [];
      const saved = request.query.saved !== undefined;
      return editPage(reply, { user, section, campaign, cases, form: formOfRecord(section), saved });
    },
  );

  app.post(
    "/office/sections/:id",
    {
      ...sectionForm,
      schema: { ...sectionForm.schema, params: SectionParams, response: formResponses(403, 404, 422) },
      // The guard first: someone signed out is told to sign in (401) before any token is checked.
      preHandler: [guarded, app.csrfProtection],
    },
    async (request, reply) => {
      const user = currentUser(request);
      const id = sectionId(request.params.id);
      const campaign = currentCampaign(runtime.catalog());
      const campaignId = campaign?.id ?? null;
      const current = await loadSection(pool, id, campaignId);
      if (!current) throw notFound("office.problem.notFound.section");
      mayEdit(user, id);
      const cases = campaign ? await campaignCases(pool, campaign.id) : [];
      const form = readSectionForm(request.body);
      const checked = checkSectionForm(form, campaign ? cases.map((c) => c.id) : null);
      const errors = { ...checked.errors, ...formErrors(request) };
      if (Object.keys(errors).length > 0) {
        return editPage(reply, { user, section: current, campaign, cases, form, errors }, 422);
      }
      const changed = await withTransaction(pool, async (client) => {
        const before = await loadSection(client, id, campaignId, true);
        if (!before) throw notFound("office.problem.notFound.section");
        await saveSection(client, id, campaignId, checked.input);
        const after = await loadSection(client, id, campaignId);
        if (!after) throw notFound("office.problem.notFound.section");
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
