import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "preact";
import { Type } from "typebox";
import { currentCampaign } from "../../../core/catalog/current.js";
import type { Runtime } from "../../../core/runtime.js";
import { formRoute } from "../../../platform/http/forms.js";
import { formResponses, pageResponses } from "../../../platform/http/responses.js";
import { SHARED_PAGE_ROUTE, sharedPage } from "../../../platform/http/shared-pages.js";
import { isUiLocale, negotiateLocale, type UiLocale } from "../../../platform/i18n/locales.js";
import { messagesFor } from "../../../platform/i18n/messages.js";
import { localHref, type PageContext } from "../../../platform/views/layout.js";
import { html, pageHeaders, sendNotFound } from "../../../platform/views/parts.js";
import { isCountry, RSVP_NOTICE_VERSION, RSVP_RETENTION_DAYS } from "../model.js";
import { countriesWithEvents, publicEvent, upcomingPublicEvents } from "../queries.js";
import { requestRsvp } from "../rsvps.js";
import { confirmRoutes, mailConfirmation } from "./confirm.js";
import { checkRsvp, RsvpForm } from "./forms.js";
import { EventPage, EventsListPage, type RsvpState } from "./pages.js";

// /events, /events/:id and their /:lang/ forms: upcoming public events and the RSVP form.
// The form posts to the event's own address, so a page that refuses a post (an expired form,
// too many posts) links back to the event.

// Any text: an unknown language or an id that is no UUID is a page not found, not a bad request.
const ListParams = Type.Object({ lang: Type.Optional(Type.String()) });
const EventParams = Type.Object({ lang: Type.Optional(Type.String()), id: Type.String() });
const ListQuery = Type.Object({ country: Type.Optional(Type.String()) });
const EventQuery = Type.Object({ done: Type.Optional(Type.String()) });

export function eventPageRoutes(fastify: FastifyInstance, runtime: Runtime): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  const limit =
    runtime.config.actionRateLimit > 0
      ? { max: runtime.config.actionRateLimit, timeWindow: "1 minute" }
      : false;

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

  const notFound = (
    request: FastifyRequest,
    reply: FastifyReply,
    locale: UiLocale | undefined,
    path: string,
  ) =>
    sendNotFound(
      reply,
      locale ?? negotiateLocale(request.headers["accept-language"]),
      path,
      currentCampaign(runtime.catalog())?.title ?? "Inkwell",
    );

  const eventData = (
    locale: UiLocale,
    path: string,
    event: NonNullable<Awaited<ReturnType<typeof publicEvent>>>,
    o: { done?: "rsvp" | "confirmed"; refused?: "full" | "past"; form?: RsvpState },
  ) => ({
    ctx: context(locale, path),
    data: {
      event,
      now: new Date(),
      action: localHref(locale, path),
      done: o.done,
      refused: o.refused,
      form: o.form,
    },
  });

  /** The event page: the same for every visitor, so shared (the form carries no token). */
  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    o: { lang?: string; id: string; done?: string },
  ) => {
    const locale = localeOf(request, o.lang);
    const path = `/events/${o.id}`;
    if (!locale) return notFound(request, reply, locale, path);
    // After a post ("check your email") and after following the link ("you are on the list").
    const done = o.done === "rsvp" || o.done === "confirmed" ? o.done : undefined;
    pageHeaders(reply, locale, 200);
    return sharedPage(request, reply, {
      key: `event|${locale}|${o.id}|${done ?? ""}`,
      // Edits, cancellations and RSVPs (the places left) announce themselves (contentChanged);
      // an event that ends turns past by the clock, checked at most once a second.
      version: runtime.publicVersion(),
      tick: Math.floor(Date.now() / 1000),
      type: "text/html; charset=utf-8",
      vary: o.lang === undefined ? "accept-language" : undefined,
      build: async () => {
        const event = await publicEvent(pool, o.id);
        return event && html(h(EventPage, eventData(locale, path, event, { done })));
      },
      missing: () => notFound(request, reply, locale, path),
    });
  };

  /** A post's answer with its errors, or saying the event is full: that person's page only. */
  const refuse = async (
    request: FastifyRequest,
    reply: FastifyReply,
    o: { lang?: string; id: string },
    post: { status: number; form?: RsvpState; refused?: "full" | "past" },
  ) => {
    const locale = localeOf(request, o.lang);
    const path = `/events/${o.id}`;
    const event = locale ? await publicEvent(pool, o.id) : undefined;
    if (!locale || !event) return notFound(request, reply, locale, path);
    return pageHeaders(reply, locale, post.status)
      .header("cache-control", "private, no-store")
      .send(html(h(EventPage, eventData(locale, path, event, post))));
  };

  // One RSVP per person and event (rsvps.ts): a form sent twice registers once, without a key;
  // it takes a place only once confirmed from the email.
  const rsvpRoute = formRoute(RsvpForm);

  for (const prefix of ["", "/:lang"]) {
    app.get(
      `${prefix}/events`,
      {
        ...SHARED_PAGE_ROUTE,
        schema: { params: ListParams, querystring: ListQuery, response: pageResponses(404) },
      },
      async (request, reply) => {
        const locale = localeOf(request, request.params.lang);
        const campaign = currentCampaign(runtime.catalog());
        if (!locale || !campaign) return notFound(request, reply, locale, "/events");
        const asked = (request.query.country ?? "").toUpperCase();
        const country = isCountry(asked) ? asked : undefined;
        const build = async () => {
          const now = new Date();
          const [events, countries] = await Promise.all([
            upcomingPublicEvents(pool, { campaignId: campaign.id, now, country }),
            countriesWithEvents(pool, campaign.id, now),
          ]);
          const path = country ? `/events?country=${country}` : "/events";
          return html(
            h(EventsListPage, { ctx: context(locale, path), data: { events, countries, country } }),
          );
        };
        pageHeaders(reply, locale, 200);
        return sharedPage(request, reply, {
          key: `events|${locale}|${campaign.id}|${country ?? ""}`,
          // Edits, cancellations and RSVPs announce themselves (contentChanged); an event that
          // begins leaves the list by the clock, checked at most once a second.
          version: runtime.publicVersion(),
          tick: Math.floor(Date.now() / 1000),
          type: "text/html; charset=utf-8",
          vary: request.params.lang === undefined ? "accept-language" : undefined,
          build,
        });
      },
    );

    app.get(
      `${prefix}/events/:id`,
      {
        ...SHARED_PAGE_ROUTE,
        schema: { params: EventParams, querystring: EventQuery, response: pageResponses(404) },
      },
      (request, reply) => show(request, reply, { ...request.params, done: request.query.done }),
    );

    app.post(
      `${prefix}/events/:id`,
      {
        ...rsvpRoute,
        schema: { ...rsvpRoute.schema, params: EventParams, response: formResponses(404, 409, 422) },
        config: { rateLimit: limit },
      },
      async (request, reply) => {
        const { lang, id } = request.params;
        const locale = localeOf(request, lang);
        if (!locale) return notFound(request, reply, locale, "/events");
        const form = checkRsvp(request);
        if (Object.keys(form.errors).length > 0)
          return refuse(request, reply, request.params, { status: 422, form });
        const notice = {
          version: RSVP_NOTICE_VERSION,
          language: locale,
          text: messagesFor(locale).t("events.rsvp.privacy", { days: RSVP_RETENTION_DAYS }),
        };
        const asked = await requestRsvp(pool, runtime.db.privacy, id, form.values, notice);
        const { outcome } = asked;
        if (outcome === "not_found") return notFound(request, reply, locale, `/events/${id}`);
        if (outcome === "full" || outcome === "past")
          return refuse(request, reply, request.params, { status: 409, refused: outcome });
        // Nothing public changed: a pending RSVP takes no place until it is confirmed.
        if (asked.outcome === "pending") {
          await mailConfirmation(runtime, locale, asked.event, form.values, asked.token);
        }
        // Pending now or registered before: the same answer, so the page does not tell who is coming.
        return reply.redirect(`/${locale}/events/${id}?done=rsvp#rsvp`, 303);
      },
    );

    confirmRoutes(app, runtime, { prefix, localeOf, notFound, context, rateLimit: limit });
  }
}
