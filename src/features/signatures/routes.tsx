import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { currentCampaign } from "../../core/catalog/current.js";
import type { Runtime } from "../../core/runtime.js";
import { formRoute } from "../../platform/http/forms.js";
import { pageResponses } from "../../platform/http/responses.js";
import { isUiLocale, negotiateLocale, type UiLocale } from "../../platform/i18n/locales.js";
import { messagesFor } from "../../platform/i18n/messages.js";
import { hourly } from "../../platform/jobs/hourly.js";
import { localHref, type PageContext } from "../../platform/views/layout.js";
import { html, pageHeaders, sendNotFound } from "../../platform/views/parts.js";
import { confirmSignature, withdrawSignature } from "./confirm.js";
import { isToken, linkPath } from "./links.js";
import { caseTitle } from "./mail.js";
import { LinkPage, type LinkPageState } from "./pages.js";
import { sendReminders } from "./reminders.js";
import { type Signature, signatureOfLink } from "./store.js";

// /signatures/confirm and /signatures/withdraw (and their /:lang/ forms): the pages the links in
// a signer's email and thank-you page open. GET shows the link's signature with one button,
// POST does it. Each page names one signature by its secret token: never shared, never stored.

const Params = Type.Object({ lang: Type.Optional(Type.String()) });
const Query = Type.Object({ t: Type.Optional(Type.String({ description: "The link's token" })) });
const Body = Type.Object({ t: Type.Optional(Type.String({ maxLength: 100 })) });
type Purpose = "confirm" | "withdraw";

export function signatureRoutes(parent: FastifyInstance, runtime: Runtime): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  hourly(parent, "reminding pending signatures", () => sendReminders(runtime));
  const limit =
    runtime.config.actionRateLimit > 0
      ? { max: runtime.config.actionRateLimit, timeWindow: "1 minute" }
      : false;

  const localeOf = (request: FastifyRequest<{ Params: { lang?: string } }>): UiLocale | undefined => {
    const lang = request.params.lang;
    if (lang === undefined) return negotiateLocale(request.headers["accept-language"]);
    return isUiLocale(lang) ? lang : undefined;
  };
  const campaignTitle = () => currentCampaign(runtime.catalog())?.title ?? "Inkwell";
  const context = (locale: UiLocale, purpose: Purpose): PageContext => ({
    m: messagesFor(locale),
    path: `/signatures/${purpose}`,
    campaignTitle: campaignTitle(),
    homeHref: localHref(locale, "/"),
  });

  const send = async (
    reply: FastifyReply,
    locale: UiLocale,
    purpose: Purpose,
    state: LinkPageState,
    signature: Signature | undefined,
    status = 200,
  ) => {
    const campaign = signature ? runtime.catalog().campaignsById.get(signature.campaignId) : undefined;
    const slug = signature ? runtime.catalog().caseSlugs.get(signature.caseId) : undefined;
    const caseName = signature ? await caseTitle(pool, signature.caseId, locale, campaign) : "";
    const page = (
      <LinkPage
        ctx={context(locale, purpose)}
        state={state}
        caseName={caseName}
        caseHref={slug ? localHref(locale, `/cases/${slug}`) : undefined}
        action={localHref(locale, `/signatures/${purpose}`)}
      />
    );
    // The page names one signature by its secret: the signer's only.
    return pageHeaders(reply, locale, status)
      .header("cache-control", "private, no-store")
      .header("x-robots-tag", "noindex")
      .send(html(page));
  };

  const show =
    (purpose: Purpose) =>
    async (
      request: FastifyRequest<{ Params: { lang?: string }; Querystring: { t?: string } }>,
      reply: FastifyReply,
    ) => {
      const locale = localeOf(request);
      if (!locale)
        return sendNotFound(
          reply,
          negotiateLocale(request.headers["accept-language"]),
          request.url,
          campaignTitle(),
        );
      const token = request.query.t;
      const found = isToken(token) ? await signatureOfLink(pool, token, purpose) : undefined;
      if (!found || !isToken(token)) return send(reply, locale, purpose, { kind: "invalid" }, undefined, 404);
      const { signature } = found;
      if (signature.status === "withdrawn")
        return send(reply, locale, purpose, { kind: "withdrawn", now: false }, signature);
      if (purpose === "confirm" && signature.status === "counted")
        return send(reply, locale, purpose, { kind: "counted-already" }, signature);
      if (found.expired) return send(reply, locale, purpose, { kind: "expired" }, signature, 410);
      return send(reply, locale, purpose, { kind: "ask", purpose, token }, signature);
    };

  const act =
    (purpose: Purpose) =>
    async (
      request: FastifyRequest<{ Params: { lang?: string }; Body: { t?: string } }>,
      reply: FastifyReply,
    ) => {
      const locale = localeOf(request);
      if (!locale)
        return sendNotFound(
          reply,
          negotiateLocale(request.headers["accept-language"]),
          request.url,
          campaignTitle(),
        );
      const token = request.body?.t;
      if (!isToken(token)) return send(reply, locale, purpose, { kind: "invalid" }, undefined, 404);
      if (purpose === "withdraw") {
        const result = await withdrawSignature(runtime, token);
        if (result.status === "invalid")
          return send(reply, locale, purpose, { kind: "invalid" }, undefined, 404);
        return send(reply, locale, purpose, { kind: "withdrawn", now: true }, result.signature);
      }
      const result = await confirmSignature(runtime, token);
      switch (result.status) {
        case "invalid":
          return send(reply, locale, purpose, { kind: "invalid" }, undefined, 404);
        case "expired":
          return send(reply, locale, purpose, { kind: "expired" }, result.signature, 410);
        case "withdrawn":
          return send(reply, locale, purpose, { kind: "withdrawn", now: false }, result.signature);
        case "counted-already":
          return send(reply, locale, purpose, { kind: "counted-already" }, result.signature);
        case "confirmed":
          return send(
            reply,
            locale,
            purpose,
            { kind: "confirmed", withdrawHref: linkPath(locale, "withdraw", result.withdrawToken) },
            result.signature,
          );
      }
    };

  for (const prefix of ["", "/:lang"]) {
    for (const purpose of ["confirm", "withdraw"] as const) {
      app.get(
        `${prefix}/signatures/${purpose}`,
        { schema: { params: Params, querystring: Query, response: pageResponses(404, 410) } },
        show(purpose),
      );
      app.post(
        `${prefix}/signatures/${purpose}`,
        {
          ...formRoute(Body, { params: Params, response: pageResponses(404, 410) }),
          config: { rateLimit: limit },
        },
        act(purpose),
      );
    }
  }
}
