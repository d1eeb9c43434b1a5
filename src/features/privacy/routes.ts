import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "preact";
import { Type } from "typebox";
import { currentCampaign } from "../../core/catalog/current.js";
import type { Runtime } from "../../core/runtime.js";
import { formErrors, formRoute, formValues, messages } from "../../platform/http/forms.js";
import { formResponses, pageResponses } from "../../platform/http/responses.js";
import { SHARED_PAGE_ROUTE, sharedPage } from "../../platform/http/shared-pages.js";
import { isUiLocale, negotiateLocale, type UiLocale } from "../../platform/i18n/locales.js";
import { messagesFor } from "../../platform/i18n/messages.js";
import { logJobFailure } from "../../platform/jobs/failure.js";
import { hourly } from "../../platform/jobs/hourly.js";
import { Email, normalizeEmail } from "../../platform/rules.js";
import { localHref, type PageContext } from "../../platform/views/layout.js";
import { html, pageHeaders } from "../../platform/views/parts.js";
import { findHoldings, isEmpty } from "./holdings.js";
import { DataPage, LinkPage, MessagePage, PrivacyPage, type RequestState } from "./pages.js";
import { runRetention } from "./retention.js";
import {
  auditAccess,
  erasePerson,
  holdingsJson,
  LINK_HOURS,
  type LinkKind,
  peekLink,
  purgeOldRequests,
  requestLink,
  useLink,
} from "./service.js";

// /privacy and /:lang/privacy: a supporter asks for their data or its deletion. The form's page
// is shared (nothing per visitor; the form has no token: cross-origin.ts guards the post); the
// link goes out through the outbox and opens a page of that person's only, whose button uses it.

const Params = Type.Object({ lang: Type.Optional(Type.String()) });
const TokenParams = Type.Object({ lang: Type.Optional(Type.String()), token: Type.String() });
const PageQuery = Type.Object({ sent: Type.Optional(Type.String()) });
const RequestForm = Type.Object({
  email: Email(messages("form.error.email", { required: "form.error.required" })),
  kind: Type.Union([Type.Literal("access"), Type.Literal("erasure")], messages("privacy.error.kind")),
});
const UseForm = Type.Object({
  do: Type.Union(
    [Type.Literal("show"), Type.Literal("download"), Type.Literal("erase")],
    messages("privacy.error.kind"),
  ),
});
const LINK_ACTOR = { id: null, label: "privacy-link" };
const HOUR_S = 3600;

export function privacyRoutes(site: FastifyInstance, runtime: Runtime): void {
  const app = site.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  const limit =
    runtime.config.actionRateLimit > 0
      ? { max: runtime.config.actionRateLimit, timeWindow: "1 minute" }
      : false;
  hourly(site, "deleting old privacy links", () => purgeOldRequests(pool));
  const retain = async () => {
    const rule = { months: runtime.config.retentionMonths, now: new Date() };
    const run = await runRetention(runtime.db.bulk, rule);
    // Walls sign erased authors "a supporter"; every node's shared pages move on.
    if (run.counts.some((c) => c.kind === "authors" || c.kind === "rsvps")) await runtime.contentChanged();
  };
  // Not awaited: a first run after a long pause may be long, and the node starts meanwhile.
  hourly(site, "retention", async () => {
    retain().catch((error) => logJobFailure(site.log, "retention failed", error));
  });

  const localeOf = (request: FastifyRequest, lang: string | undefined): UiLocale | undefined => {
    if (lang === undefined) return negotiateLocale(request.headers["accept-language"]);
    return isUiLocale(lang) ? lang : undefined;
  };
  const context = (locale: UiLocale, path: string): PageContext => ({
    m: messagesFor(locale),
    path,
    campaignTitle: currentCampaign(runtime.catalog())?.title ?? "Inkwell",
    homeHref: localHref(locale, "/"),
  });
  /** A page of one person's: never cached, never shared, no address sent on from it. */
  const personal = (reply: FastifyReply, locale: UiLocale, status: number) =>
    pageHeaders(reply, locale, status)
      .header("cache-control", "private, no-store")
      .header("referrer-policy", "no-referrer");
  const message = (reply: FastifyReply, locale: UiLocale, status: number, key: string, back = false) =>
    personal(reply, locale, status).send(
      html(
        h(MessagePage, {
          ctx: context(locale, "/privacy"),
          text: messagesFor(locale).t(key),
          back: back ? localHref(locale, "/privacy") : undefined,
        }),
      ),
    );

  const form = formRoute(RequestForm);
  const use = formRoute(UseForm);
  for (const prefix of ["", "/:lang"]) {
    app.get(
      `${prefix}/privacy`,
      {
        ...SHARED_PAGE_ROUTE,
        schema: { params: Params, querystring: PageQuery, response: pageResponses(404) },
      },
      async (request, reply) => {
        const locale = localeOf(request, request.params.lang);
        if (!locale) return reply.callNotFound();
        const sent = request.query.sent === "1";
        pageHeaders(reply, locale, 200);
        return sharedPage(request, reply, {
          key: `privacy|${locale}|${sent ? "sent" : ""}`,
          version: runtime.publicVersion(),
          type: "text/html; charset=utf-8",
          vary: request.params.lang === undefined ? "accept-language" : undefined,
          build: () =>
            html(
              h(PrivacyPage, {
                ctx: context(locale, "/privacy"),
                action: localHref(locale, "/privacy"),
                sent,
              }),
            ),
        });
      },
    );

    app.post(
      `${prefix}/privacy`,
      {
        ...form,
        schema: { ...form.schema, params: Params, response: formResponses(404, 422, 429) },
        config: { rateLimit: limit },
      },
      async (request, reply) => {
        const locale = localeOf(request, request.params.lang);
        if (!locale) return reply.callNotFound();
        const errors = formErrors(request);
        const refuse = (status: number, o: { state?: RequestState; limited?: boolean }) =>
          personal(reply, locale, status).send(
            html(
              h(PrivacyPage, {
                ctx: context(locale, "/privacy"),
                action: localHref(locale, "/privacy"),
                ...o,
              }),
            ),
          );
        if (Object.keys(errors).length > 0)
          return refuse(422, { state: { values: { email: formValues(request).email ?? "" }, errors } });
        const email = normalizeEmail(request.body.email);
        const kind: LinkKind = request.body.kind;
        const token = await requestLink(pool, runtime.db.privacy, {
          email,
          kind,
          locale,
          address: request.ip,
        });
        if (token === "limited") {
          reply.header("retry-after", String(HOUR_S));
          return refuse(429, { limited: true });
        }
        const m = messagesFor(locale);
        const link = `${runtime.config.publicUrl}/${locale}/privacy/${token}`;
        await runtime.mailer.send({
          to: email,
          subject: m.t(`privacy.mail.subject.${kind}`),
          text: m.t(`privacy.mail.body.${kind}`, { link, hours: LINK_HOURS, site: runtime.config.publicUrl }),
        });
        // The same answer whether or not anything is held: the page tells no one who is known.
        return reply.redirect(`/${locale}/privacy?sent=1`, 303);
      },
    );

    app.get(
      `${prefix}/privacy/:token`,
      { schema: { params: TokenParams, response: pageResponses(404) } },
      async (request, reply) => {
        const locale = localeOf(request, request.params.lang);
        if (!locale) return reply.callNotFound();
        const open = await peekLink(pool, request.params.token);
        if (!open) return message(reply, locale, 404, "privacy.link.invalid", true);
        const path = `/privacy/${request.params.token}`;
        return personal(reply, locale, 200).send(
          html(
            h(LinkPage, {
              ctx: context(locale, "/privacy"),
              action: localHref(locale, path),
              kind: open.kind,
              email: open.email,
            }),
          ),
        );
      },
    );

    app.post(
      `${prefix}/privacy/:token`,
      {
        ...use,
        schema: {
          ...use.schema,
          params: TokenParams,
          response: {
            200: Type.String({ description: "A page, or the data as JSON" }),
            ...pageResponses(404, 422),
          },
        },
        config: { rateLimit: limit },
      },
      async (request, reply) => {
        const locale = localeOf(request, request.params.lang);
        if (!locale) return reply.callNotFound();
        if (Object.keys(formErrors(request)).length > 0)
          return message(reply, locale, 422, "privacy.error.kind", true);
        const what = request.body.do;
        const open = await useLink(pool, request.params.token, what === "erase" ? "erasure" : "access");
        if (!open) return message(reply, locale, 404, "privacy.link.invalid", true);
        if (what === "erase") {
          await erasePerson(pool, runtime.db.privacy, open.email, LINK_ACTOR, "link", () =>
            runtime.contentChanged(),
          );
          return message(reply, locale, 200, "privacy.erased");
        }
        const holdings = await findHoldings(pool, runtime.db.privacy, open.email);
        await auditAccess(pool, LINK_ACTOR, what === "download" ? "download" : "look_up", "link", holdings);
        const json = holdingsJson(holdings);
        if (what === "download") {
          return reply
            .code(200)
            .type("application/json; charset=utf-8")
            .header("cache-control", "private, no-store")
            .header("content-disposition", 'attachment; filename="my-data.json"')
            .send(json);
        }
        return personal(reply, locale, 200).send(
          html(
            h(DataPage, {
              ctx: context(locale, "/privacy"),
              email: open.email,
              json,
              empty: isEmpty(holdings),
            }),
          ),
        );
      },
    );
  }
}
