import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { currentCampaign } from "../../../core/catalog/current.js";
import type { Runtime } from "../../../core/runtime.js";
import { isUiLocale, negotiateLocale, type UiLocale } from "../../../platform/i18n/locales.js";
import { messagesFor } from "../../../platform/i18n/messages.js";
import { isEmail, normalizeEmail } from "../../../platform/rules.js";
import { localHref, type PageContext } from "../../../platform/views/layout.js";
import { html, pageHeaders, sendNotFound } from "../../../platform/views/parts.js";
import { isCountry } from "../model.js";
import { countriesWithEvents, publicEvent, registerRsvp, upcomingPublicEvents } from "../rsvps.js";
import { EventPage, EventsListPage, type RsvpState } from "./pages.js";

// /events, /events/:id and their /:lang/ forms: upcoming public events and the RSVP form.
// The form posts to the event's own address, so a page that refuses a post (an expired form,
// too many posts) links back to the event.

const fieldText = (body: Record<string, unknown>, field: string): string => {
  const value = body[field];
  return typeof value === "string" ? value.replaceAll("\u0000", "").trim() : "";
};

type Params = { lang?: string; id?: string };

/** The RSVP form checked: errors are message keys, shown beside their fields. */
export function validateRsvp(body: Record<string, unknown>): RsvpState {
  const values = {
    name: fieldText(body, "name"),
    email: normalizeEmail(fieldText(body, "email")),
    consent: fieldText(body, "consent") !== "",
  };
  const errors: Record<string, string> = {};
  if (values.name.length === 0) errors.name = "form.error.required";
  else if (values.name.length > 100) errors.name = "form.error.tooLong";
  if (values.email.length === 0) errors.email = "form.error.required";
  else if (!isEmail(values.email)) errors.email = "form.error.email";
  if (!values.consent) errors.consent = "events.error.consent";
  return { values, errors };
}

export function eventPageRoutes(app: FastifyInstance, runtime: Runtime): void {
  const { pool } = runtime.db;
  const limit =
    runtime.config.actionRateLimit > 0
      ? { max: runtime.config.actionRateLimit, timeWindow: "1 minute" }
      : false;

  const localeOf = (request: FastifyRequest<{ Params: Params }>): UiLocale | undefined => {
    const lang = request.params.lang;
    if (lang === undefined) return negotiateLocale(request.headers["accept-language"]);
    return isUiLocale(lang) ? lang : undefined;
  };

  const context = (locale: UiLocale, path: string): PageContext => ({
    m: messagesFor(locale),
    path,
    campaignTitle: currentCampaign(runtime.catalog())?.title ?? "Inkwell",
    homeHref: localHref(locale, "/"),
  });

  const notFound = (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, path: string) =>
    sendNotFound(
      reply,
      localeOf(request) ?? negotiateLocale(request.headers["accept-language"]),
      path,
      currentCampaign(runtime.catalog())?.title ?? "Inkwell",
    );

  const list = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const locale = localeOf(request);
    const campaign = currentCampaign(runtime.catalog());
    if (!locale || !campaign) return notFound(request, reply, "/events");
    const asked = String((request.query as { country?: unknown }).country ?? "").toUpperCase();
    const country = isCountry(asked) ? asked : undefined;
    const now = new Date();
    const [events, countries] = await Promise.all([
      upcomingPublicEvents(pool, { campaignId: campaign.id, now, country }),
      countriesWithEvents(pool, campaign.id, now),
    ]);
    const path = country ? `/events?country=${country}` : "/events";
    return pageHeaders(reply, locale, 200).send(
      html(<EventsListPage ctx={context(locale, path)} data={{ events, countries, country }} />),
    );
  };

  /** The event page, also re-rendered by a post with its errors, or saying it is full. */
  const render = async (
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    post?: { status: number; form?: RsvpState; refused?: "full" | "past" },
  ) => {
    const locale = localeOf(request);
    const id = request.params.id ?? "";
    const path = `/events/${id}`;
    const event = locale ? await publicEvent(pool, id) : undefined;
    if (!locale || !event) return notFound(request, reply, path);
    const done = (request.query as { done?: string }).done === "rsvp";
    const data = {
      event,
      now: new Date(),
      csrf: reply.generateCsrf(),
      action: localHref(locale, path),
      done: !post && done,
      refused: post?.refused,
      form: post?.form,
    };
    // The form carries a per-visitor token: this page must not be shared by caches.
    return pageHeaders(reply, locale, post?.status ?? 200)
      .header("cache-control", "private, no-store")
      .send(html(<EventPage ctx={context(locale, path)} data={data} />));
  };

  const rsvp = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const locale = localeOf(request);
    if (!locale) return notFound(request, reply, "/events");
    const form = validateRsvp((request.body ?? {}) as Record<string, unknown>);
    if (Object.keys(form.errors).length > 0) return render(request, reply, { status: 422, form });
    const outcome = await registerRsvp(pool, request.params.id ?? "", form.values);
    if (outcome === "not_found") return notFound(request, reply, `/events/${request.params.id}`);
    if (outcome === "full" || outcome === "past")
      return render(request, reply, { status: 409, refused: outcome });
    // Registered now or before: the same answer, so the page does not tell who is coming.
    return reply.code(303).header("location", `/${locale}/events/${request.params.id}?done=rsvp#rsvp`).send();
  };

  for (const prefix of ["", "/:lang"]) {
    app.get<{ Params: Params }>(`${prefix}/events`, list);
    app.get<{ Params: Params }>(`${prefix}/events/:id`, (request, reply) => render(request, reply));
    app.post<{ Params: Params }>(
      `${prefix}/events/:id`,
      { preValidation: app.csrfProtection, config: { rateLimit: limit } },
      rsvp,
    );
  }
}
