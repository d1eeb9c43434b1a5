import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { h } from "preact";
import { Type } from "typebox";
import { currentCampaign } from "../../core/catalog/current.js";
import type { Runtime } from "../../core/runtime.js";
import { Problem } from "../../platform/http/problems.js";
import { pageResponses } from "../../platform/http/responses.js";
import {
  canEditSections,
  currentUser,
  guard,
  notFound,
  type OfficeUser,
  ot,
  sendPage,
} from "../office/index.js";
import type { Section } from "../sections/index.js";
import { languageProgress } from "../translations/index.js";
import { type PackBuilder, packBuilderOf } from "./builder.js";
import { type PackPlan, packCases } from "./manifest.js";
import { currentPacks, findPack, logDownload, packStates, packZip, recentDownloads } from "./store.js";
import { type CaseReadiness, type LanguagePack, MaterialsPage, type SectionPacks } from "./views.js";

// /office/materials and /office/materials/{country}/{lang}.zip: a section's coordinators and
// admins. Sections are public, so another section's coordinator is refused (403), as on
// /office/sections/:id; a country or language the section does not have is not found.

const DownloadParams = Type.Object({
  country: Type.String({ description: "The section's country (ISO 3166-1 alpha-2)" }),
  file: Type.String({ description: "`{language}.zip`" }),
});
const Zip = {
  200: {
    description: "The pack",
    content: { "application/zip": { schema: Type.Unsafe<Buffer>({ type: "string", format: "binary" }) } },
  },
};

const runsSection = (user: OfficeUser, section: Section) =>
  user.role === "admin" || (user.role === "coordinator" && user.sectionIds.includes(section.id));

async function readiness(
  builder: PackBuilder,
  section: Section,
  language: string,
  plan: PackPlan | undefined,
): Promise<CaseReadiness[]> {
  const campaign = currentCampaign(builder.runtime.catalog());
  if (!campaign || !plan) return [];
  const details = packCases(await builder.casesOf(campaign.id), section, campaign.id);
  // Read once per catalog version for every section's languages, not once per language.
  const entries = await builder.translations();
  return plan.manifest.cases.map((c) => {
    const detail = details.find((d) => d.slug === c.slug);
    const entry = detail && entries.get(detail.id);
    const progress =
      entry && entry.sourceLanguage !== language
        ? languageProgress(entry, language)
        : { approved: 0, outdated: 0, missing: 0, total: 0 };
    const status = c.textLanguage !== language ? "missing" : progress.outdated > 0 ? "outdated" : "ready";
    return { title: c.title, status, textLanguage: c.textLanguage, ...progress };
  });
}

interface Planned {
  language: string;
  plan: PackPlan | undefined;
  cases: CaseReadiness[];
}

/** The work's result, or "late" after `ms`. */
const within = <T>(work: Promise<T>, ms: number): Promise<T | "late"> =>
  Promise.race([work, new Promise<"late">((resolve) => setTimeout(() => resolve("late"), ms).unref())]);

export function packRoutes(server: FastifyInstance, runtime: Runtime): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const builder = packBuilderOf(runtime);
  const { pool } = runtime.db;

  app.get(
    "/office/materials",
    { preValidation: guard(canEditSections), schema: { response: pageResponses() } },
    async (request, reply) => {
      const user = currentUser(request);
      const mine = [...(await builder.sections()).values()].filter((s) => runsSection(user, s));
      // What the content says each pack holds is planned once per catalog version (the
      // background pass after a change has usually planned them all); what is built is read
      // in two queries for every section at once.
      // One after the other, as the background pass goes: after a change, planning 80
      // sections' packs at once would hold every connection of the pool.
      const planned: { section: Section; plans: Planned[] }[] = [];
      for (const section of mine) {
        const plans: Planned[] = [];
        for (const language of section.languages) {
          const plan = await builder.plan(section, language);
          const cases = await builder.remember(`readiness|${section.id}|${language}`, () =>
            readiness(builder, section, language, plan),
          );
          plans.push({ language, plan, cases });
        }
        planned.push({ section, plans });
      }
      const hashes = planned.flatMap((p) => p.plans.flatMap((l) => (l.plan ? [l.plan.hash] : [])));
      const [current, states] = await Promise.all([
        currentPacks(
          pool,
          mine.map((s) => s.id),
        ),
        packStates(pool, hashes),
      ]);
      const sections: SectionPacks[] = planned.map(({ section, plans }) => ({
        country: section.country,
        name: section.name,
        languages: plans.map(({ language, plan, cases }): LanguagePack => {
          const last = current.find((c) => c.sectionId === section.id && c.language === language);
          const built = plan && states.get(plan.hash);
          const ready = built?.state === "ready";
          return {
            language,
            cases,
            href: `/office/materials/${section.country}/${encodeURIComponent(language)}.zip`,
            upToDate: ready,
            builtAt: ready ? built.builtAt : (last?.builtAt ?? null),
            hash: ready && plan ? plan.hash : (last?.hash ?? null),
          };
        }),
      }));
      const downloads = user.role === "admin" ? await recentDownloads(pool) : undefined;
      return sendPage(reply, h(MaterialsPage, { user, csrf: reply.generateCsrf(), sections, downloads }));
    },
  );

  app.get(
    "/office/materials/:country/:file",
    {
      preValidation: guard(canEditSections),
      compress: false,
      schema: { params: DownloadParams, response: { ...Zip, ...pageResponses(403, 404, 503) } },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const country = request.params.country.toUpperCase();
      const language = /^([A-Za-z0-9-]{2,35})\.zip$/.exec(request.params.file)?.[1];
      const section = /^[A-Z]{2}$/.test(country) ? (await builder.sections()).get(country) : undefined;
      if (!section || !language) throw notFound("office.problem.notFound.pack");
      if (!runsSection(user, section)) throw new Problem(403, "forbidden", ot("office.materials.notYours"));
      const tag = section.languages.find((l) => l.toLowerCase() === language.toLowerCase());
      if (!tag) throw notFound("office.problem.notFound.pack");
      const plan = await builder.plan(section, tag);
      if (!plan) throw notFound("office.problem.notFound.pack");
      // Built already (the usual case), or built now — here or by the node that claimed it.
      // With an earlier pack of this section's language to fall back on, the wait is short
      // (PACK_DOWNLOAD_WAIT_MS) and the earlier pack goes out saying so; without one, the
      // download waits for the build itself (at most PACK_BUILD_TIMEOUT_MS).
      let hash = plan.hash;
      let note: string | undefined;
      if ((await findPack(pool, hash))?.state !== "ready") {
        const last = (await currentPacks(pool, [section.id])).find((c) => c.language === tag);
        const { packDownloadWaitMs, packBuildTimeoutMs } = runtime.config;
        const waitUntil = Date.now() + (last ? packDownloadWaitMs : packBuildTimeoutMs);
        let ready = false;
        while (!ready && Date.now() < waitUntil) {
          const outcome = await within(builder.ensure(section, tag, plan), waitUntil - Date.now());
          ready = outcome === "ready" || outcome === "built";
          if (outcome === "pending") await new Promise((resolve) => setTimeout(resolve, 250));
        }
        if (!ready) {
          if (!last) {
            reply.header("retry-after", "30");
            throw new Problem(503, "pack_building", ot("office.materials.building"));
          }
          hash = last.hash;
          note = "outdated: the pack with the latest changes is being built";
        }
      }
      const zip = await packZip(pool, hash);
      if (!zip) throw notFound("office.problem.notFound.pack");
      await logDownload(pool, section.id, tag, hash, user.id);
      if (note) reply.header("inkwell-pack-note", note);
      return reply
        .type("application/zip")
        .header("etag", `"${hash}"`)
        .header("inkwell-pack-version", hash)
        .header("cache-control", "private, no-store")
        .header("content-disposition", `attachment; filename="${country}-${tag}-${hash.slice(0, 12)}.zip"`)
        .send(zip);
    },
  );
}
