import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { CaseDetail } from "../../core/catalog/case-details.js";
import { currentCampaign } from "../../core/catalog/current.js";
import type { Runtime } from "../../core/runtime.js";
import { Problem, sendProblem } from "../../platform/http/problems.js";
import { HtmlPage } from "../../platform/http/responses.js";
import { problemResponses } from "../../platform/http/schemas.js";
import { withoutPagePolicy } from "../../platform/http/security-headers.js";
import { isUiLocale } from "../../platform/i18n/locales.js";
import { LanguageTag, Slug } from "../../platform/rules.js";
import { MaterialCache } from "./cache.js";
import {
  type Paper,
  renderAppealLetters,
  renderCaseSheet,
  renderEventKit,
  renderPoster,
  renderSolidarityCards,
} from "./documents.js";
import { eventKitText } from "./event-kit.js";
import { loadMaterialCase, type MaterialCase, servesLanguage } from "./model.js";
import { defaultPaper } from "./paper.js";

// GET /:lang/cases/:slug/{case-sheet,letters,solidarity-cards,poster}.pdf and /:lang/event-kit.pdf.
// The same for every visitor: rendered once per (material, case, language, paper, content
// version) and cached here, answered with a strong ETag (304 on a match) and public caching.

export type CaseMaterial = "case-sheet" | "letters" | "solidarity-cards" | "poster";
export const CASE_MATERIALS: readonly CaseMaterial[] = [
  "case-sheet",
  "letters",
  "solidarity-cards",
  "poster",
];

/** A material's address in a language. */
export const materialPath = (language: string, slug: string, material: CaseMaterial, paper?: Paper) =>
  `/${language}/cases/${slug}/${material}.pdf${paper ? `?paper=${paper}` : ""}`;
export const eventKitPath = (language: string, paper?: Paper) =>
  `/${language}/event-kit.pdf${paper ? `?paper=${paper}` : ""}`;
/** Where an event's organizer reports its letters (the back office's report form). */
export const REPORT_PATH = "/office/reports/new";

/** The papers of each material; without `?paper=` the reader's (paper.ts: A4 or US Letter). */
const PAPERS: Record<CaseMaterial | "event-kit", readonly Paper[]> = {
  "case-sheet": ["a4", "letter"],
  letters: ["a4", "letter"],
  "solidarity-cards": ["a4", "letter"],
  poster: ["a4", "a3", "letter"],
  "event-kit": ["a4", "letter"],
};

// Plain strings: a malformed language or slug names no material (404), and a paper that is not
// one of the material's gets a 400 that lists them, both answered by the handler.
const CaseParams = Type.Object({
  lang: LanguageTag({ description: "The material's language" }),
  slug: Slug({ description: "The case" }),
});
const KitParams = Type.Object({ lang: LanguageTag({ description: "The kit's language" }) });
const PaperQuery = Type.Object({
  paper: Type.Optional(
    Type.String({
      description:
        "a4 or letter, posters also a3. Without it: US Letter when the language's region, else the reader's first Accept-Language region, is one that uses it (US, CA, MX, PH …), A4 otherwise",
    }),
  ),
});
const Pdf = {
  200: {
    description: "The PDF",
    content: { "application/pdf": { schema: Type.Unsafe<Buffer>({ type: "string", format: "binary" }) } },
  },
  304: Type.Null({ description: "Not Modified: the ETag matched" }),
  ...problemResponses({ 400: "The paper is not one of the material's" }),
  404: HtmlPage,
};

export interface MaterialDeps {
  casesOf(campaignId: number): Promise<CaseDetail[]>;
}

const notFound = () => new Problem(404, "not_found", "There is no such material.");

function paperOf(
  material: CaseMaterial | "event-kit",
  request: FastifyRequest<{ Querystring: { paper?: string }; Params: { lang: string } }>,
  reply: FastifyReply,
): Paper | Problem {
  const papers = PAPERS[material];
  const asked = request.query.paper;
  if (asked === undefined) {
    const { paper, varies } = defaultPaper(request.params.lang, request.headers["accept-language"]);
    // The same address gives another paper to another reader: caches must tell them apart.
    if (varies) reply.header("vary", "Accept-Language");
    return paper;
  }
  const found = papers.find((p) => p === asked);
  // Answered as problem+json whoever asks: the one who follows a PDF link with a wrong paper
  // is a program or a hand-edited address, and the page for a form would say nothing useful.
  return (
    found ??
    new Problem(400, "paper_invalid", `paper must be one of ${papers.join(", ")}.`, { field: "paper" })
  );
}

function sendPdf(
  request: FastifyRequest,
  reply: FastifyReply,
  pdf: { pdf: Buffer; etag: string },
  filename: string,
): FastifyReply {
  // The page policy is for HTML; on a PDF it would constrain the browser's viewer.
  withoutPagePolicy(reply)
    .header("etag", pdf.etag)
    .header("cache-control", "public, max-age=300")
    .header("cross-origin-resource-policy", "cross-origin");
  const match = request.headers["if-none-match"];
  if (match?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === pdf.etag))
    return reply.code(304).send();
  return reply
    .type("application/pdf")
    .header("content-disposition", `inline; filename="${filename}"`)
    .send(pdf.pdf);
}

export function materialRoutes(parent: FastifyInstance, runtime: Runtime, deps: MaterialDeps): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const cache = new MaterialCache();
  const render: Record<CaseMaterial, (c: MaterialCase, paper: Paper, now: Date) => Promise<Uint8Array>> = {
    "case-sheet": (c, paper) => renderCaseSheet(c, paper === "letter" ? "letter" : "a4"),
    letters: (c, paper, now) => renderAppealLetters(c, paper === "letter" ? "letter" : "a4", now),
    "solidarity-cards": (c, paper) => renderSolidarityCards(c, paper === "letter" ? "letter" : "a4"),
    poster: (c, paper) => renderPoster(c, paper),
  };

  for (const material of CASE_MATERIALS) {
    app.get(
      `/:lang/cases/:slug/${material}.pdf`,
      {
        compress: false,
        attachValidation: true,
        schema: { params: CaseParams, querystring: PaperQuery, response: Pdf },
      },
      async (request, reply) => {
        if (request.validationError?.validationContext === "params") throw notFound();
        const paper = paperOf(material, request, reply);
        if (paper instanceof Problem) return sendProblem(reply, paper);
        const { lang, slug } = request.params;
        const catalog = runtime.catalog();
        const campaign = currentCampaign(catalog);
        // Whether there is such a material is known from memory; the rest is read only to make it.
        const detail = campaign && (await deps.casesOf(campaign.id)).find((c) => c.slug === slug);
        if (!campaign || !detail || !servesLanguage(detail, lang, campaign)) throw notFound();
        const source = { db: runtime.db.pool, catalog, publicUrl: runtime.config.publicUrl, ...deps };
        const now = new Date();
        // Letters carry today's date: they are made again the next day (UTC).
        const day = material === "letters" ? now.toISOString().slice(0, 10) : "";
        const pdf = await cache.get(
          `${material}|${campaign.id}|${slug}|${lang}|${paper}`,
          `${runtime.publicVersion()}|${day}`,
          async () => {
            const c = await loadMaterialCase(source, slug, lang);
            if (!c) throw notFound();
            return render[material](c, paper, now);
          },
        );
        return sendPdf(request, reply, pdf, `${material}-${slug}-${lang}.pdf`);
      },
    );
  }

  app.get(
    "/:lang/event-kit.pdf",
    {
      compress: false,
      attachValidation: true,
      schema: { params: KitParams, querystring: PaperQuery, response: Pdf },
    },
    async (request, reply) => {
      if (request.validationError?.validationContext === "params") throw notFound();
      const paper = paperOf("event-kit", request, reply);
      if (paper instanceof Problem) return sendProblem(reply, paper);
      const { lang } = request.params;
      const campaign = currentCampaign(runtime.catalog());
      if (!campaign) throw notFound();
      const kit = await eventKitText(runtime.db.pool, campaign, lang);
      // A language is served when it is an interface language or the kit is written in it.
      if (!isUiLocale(lang) && kit.language.toLowerCase() !== lang.toLowerCase()) throw notFound();
      const pdf = await cache.get(`event-kit|${campaign.id}|${lang}|${paper}`, runtime.publicVersion(), () =>
        renderEventKit(
          {
            campaignTitle: campaign.title,
            language: lang,
            text: kit.text,
            textLanguage: kit.language,
            reportUrl: `${runtime.config.publicUrl.replace(/\/+$/, "")}${REPORT_PATH}`,
          },
          paper === "letter" ? "letter" : "a4",
        ),
      );
      return sendPdf(request, reply, pdf, `event-kit-${lang}.pdf`);
    },
  );
}
