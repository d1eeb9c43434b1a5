import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { CampaignInfo } from "../../core/catalog/catalog.js";
import { pickText } from "../../core/catalog/texts.js";
import { LedgerUnavailableError } from "../../core/ledger/batcher.js";
import type { Runtime } from "../../core/runtime.js";
import { clientAddress } from "../../platform/http/client.js";
import { formRoute, textFields } from "../../platform/http/forms.js";
import { Problem } from "../../platform/http/problems.js";
import { formResponses, HtmlPage } from "../../platform/http/responses.js";
import { withoutPagePolicy } from "../../platform/http/security-headers.js";
import type { UiLocale } from "../../platform/i18n/locales.js";
import { hourly } from "../../platform/jobs/hourly.js";
import { emailDomain } from "../abuse/index.js";
import { readdressed, renderLetterPdf, salutationFor, wordingFor } from "../materials/index.js";
import { sourceOfPost } from "../sharing/index.js";
import { act, signDone } from "./act.js";
import { type AnyForm, checkForm, FORM_SCHEMAS, type FormName, type FormState } from "./forms.js";
import { purgeOldSubmissions, submissionKey } from "./resubmission.js";

// The case page's forms: validated on the server, protected against cross-site posts (by the
// site's cross-origin check: platform/http/cross-origin.ts), spending their address's budgets
// of actions like the API (features/abuse: over them the page asks for a proof of work, or to
// wait without scripts), counted once when sent twice (resubmission.ts), and answered with a
// redirect (so a reload does not post again) or with the page and its errors.

/** The case page's path: its optional language prefix and the case. */
type Params = { lang?: string; slug?: string };
// Plain text, not the slug and language rules: an unknown or malformed one is the 404 page, as
// for any case that does not exist, and the handler decides that.
const ActParams = Type.Object({ lang: Type.Optional(Type.String()), slug: Type.String() });

/** The letter as edited in the page, to print; its text is not stored. */
const LetterPdfBody = Type.Object({
  body: Type.Optional(Type.String()),
  target: Type.Optional(
    Type.String({ description: "The addressee's position among the case's targets; else the first" }),
  ),
});
const LetterPdfQuery = Type.Object({ paper: Type.Optional(Type.String({ description: "letter, else A4" })) });
const PdfResponses = {
  200: { content: { "application/pdf": { schema: Type.String({ format: "binary" }) } } },
  404: HtmlPage,
  422: HtmlPage,
};

interface TargetRow {
  name: string;
  title: string;
  postal_address: string;
}

export interface ActingDeps {
  renderCase(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    form?: { state: FormState; status: number },
  ): Promise<FastifyReply>;
  campaignOf(): CampaignInfo | undefined;
  /** The interface language of the case page the form is on (a promise: it may read the case). */
  localeOf(request: FastifyRequest<{ Params: Params }>): UiLocale | undefined | Promise<UiLocale | undefined>;
}

const FORMS: FormName[] = ["sign", "solidarity", "letter"];

export function actingRoutes(parent: FastifyInstance, runtime: Runtime, deps: ActingDeps): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const gate = parent.actionGate;
  if (!gate) throw new Error("The case page's forms need the app's actionGate");
  hourly(parent, "deleting old form fingerprints", () => purgeOldSubmissions(runtime.db.pool));
  // The letter's PDF records nothing but costs the node: a limit of its own, per node.
  const limit =
    runtime.config.actionRateLimit > 0
      ? { max: runtime.config.actionRateLimit, timeWindow: "1 minute" }
      : false;

  const post =
    (form: FormName) =>
    async (request: FastifyRequest<{ Params: Params; Body: AnyForm }>, reply: FastifyReply) => {
      const locale = await deps.localeOf(request);
      const campaign = deps.campaignOf();
      const result = checkForm(form, request);
      if (!result.acting || !campaign || !locale)
        return deps.renderCase(request, reply, { state: result, status: 422 });
      const slug = request.params.slug ?? "";
      const caseId = campaign.cases.get(slug);
      const fields = textFields(request.body);
      // An unknown case is refused by act() below, before anything is stored or spent.
      const verdict =
        caseId === undefined
          ? ({ allowed: true } as const)
          : await gate.check(request, {
              caseId,
              quantity: result.acting.quantity,
              form: { solution: fields.altcha },
            });
      if (!verdict.allowed) {
        const limit = {
          retryAfter: verdict.retryAfter,
          challenge: verdict.challenge ? JSON.stringify(verdict.challenge) : undefined,
          refusedSolution: verdict.refusedSolution === true,
        };
        reply.header("retry-after", String(verdict.retryAfter));
        return deps.renderCase(request, reply, { state: { ...result, limit }, status: 429 });
      }
      const origin = { address: clientAddress(request), emailDomain: emailDomain(result.acting.email) };
      // Which share link brought the visitor, if one did (never anything else: sharing/sources.ts).
      const source = sourceOfPost(fields.source, request.headers.referer, [
        request.headers.host,
        new URL(runtime.config.publicUrl).host,
      ]);
      let done: string = form;
      let withdraw: string | undefined;
      try {
        const key = await submissionKey(runtime.db.pool, {
          campaignId: campaign.id,
          caseSlug: slug,
          form,
          acting: result.acting,
          request,
        });
        const signed = await act(runtime, campaign, slug, form, result.acting, locale, key, origin, source);
        if (signed) {
          done = signDone(signed);
          withdraw = signed.status === "already" ? undefined : signed.withdrawToken;
        }
      } catch (error) {
        const code =
          error instanceof LedgerUnavailableError
            ? "form.error.busy"
            : error instanceof Problem && error.status === 409
              ? "form.error.closed"
              : undefined;
        if (!code) throw error;
        return deps.renderCase(request, reply, { state: { ...result, errors: { form: code } }, status: 409 });
      }
      // The source goes on to the thanks, so a second action from there is counted to it too. A
      // signature's thanks carries its "it wasn't me" link's token: that page is the signer's only.
      const query = `?done=${done}${withdraw ? `&w=${withdraw}` : ""}${source ? `&source=${source}` : ""}`;
      // Back to the page the form was on: its address may name a language the interface does not speak.
      const back = `/${request.params.lang ?? locale}/cases/${request.params.slug}${query}#act-${form}`;
      return reply.code(303).header("location", back).send();
    };

  const letterPdf = async (
    request: FastifyRequest<{
      Params: Params;
      Body: { body?: string; target?: string } | undefined;
      Querystring: { paper?: string };
    }>,
    reply: FastifyReply,
  ) => {
    const locale = await deps.localeOf(request);
    const campaign = deps.campaignOf();
    const slug = request.params.slug ?? "";
    const caseId = campaign?.cases.get(slug);
    if (!locale || !campaign || caseId === undefined) return reply.callNotFound();
    const targets = await runtime.db.pool.query<TargetRow>(
      "SELECT name, title, postal_address FROM targets WHERE case_id = $1 ORDER BY position, id",
      [caseId],
    );
    const first = targets.rows[0];
    // The form's choice of addressee; anything else is the first, as without the choice.
    const chosen = /^\d{1,2}$/.test(request.body?.target ?? "") ? Number(request.body?.target) : 0;
    const row = targets.rows[chosen] ?? first;
    if (!row || !first) return reply.callNotFound();
    // The sample letter is in the language of the case's text the page showed (maybe a fallback).
    const languages = await runtime.db.pool.query<{ language: string }>(
      "SELECT language FROM case_texts WHERE case_id = $1 AND public",
      [caseId],
    );
    const texts = Object.fromEntries(languages.rows.map((r) => [r.language, true]));
    const m = wordingFor(pickText(texts, locale, campaign.defaultLanguage)?.language ?? locale);
    const salutation = (t: TargetRow) => salutationFor(m, { ...t, salutation: "", addressLines: [] });
    const paper = request.query.paper === "letter" ? "letter" : "a4";
    // The sample letter greets the first target: the one chosen is greeted instead.
    const body = readdressed(request.body?.body ?? "", salutation(first), salutation(row));
    // Bad letter input (empty, too long) throws a Problem of its own: a 422 that says why.
    const pdf = await renderLetterPdf({
      language: locale,
      paper,
      target: { name: row.name, title: row.title, postalAddress: row.postal_address },
      date: new Intl.DateTimeFormat(locale, { dateStyle: "long" }).format(new Date()),
      body,
    });
    return withoutPagePolicy(reply)
      .type("application/pdf")
      .header("content-disposition", `inline; filename="letter-${slug}.pdf"`)
      .header("cache-control", "private, no-store")
      .send(Buffer.from(pdf));
  };

  for (const prefix of ["", "/:lang"]) {
    for (const form of FORMS) {
      app.post(
        `${prefix}/cases/:slug/${form}`,
        {
          ...formRoute(FORM_SCHEMAS[form], {
            params: ActParams,
            response: formResponses(409, 422, 429),
          }),
        },
        post(form),
      );
    }
    app.post(
      `${prefix}/cases/:slug/letter.pdf`,
      {
        schema: {
          params: ActParams,
          querystring: LetterPdfQuery,
          body: LetterPdfBody,
          response: PdfResponses,
        },
        config: { rateLimit: limit },
      },
      letterPdf,
    );
  }
}
