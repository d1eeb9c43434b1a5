import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { Runtime } from "../../../core/runtime.js";
import { formRoute, formValues } from "../../../platform/http/forms.js";
import { formResponses } from "../../../platform/http/responses.js";
import type { UiLocale } from "../../../platform/i18n/locales.js";
import { messagesFor } from "../../../platform/i18n/messages.js";
import { Layout, localHref, type PageContext } from "../../../platform/views/layout.js";
import { html, pageHeaders } from "../../../platform/views/parts.js";
import { type PublicEvent, publicEvent } from "../queries.js";
import { confirmRsvp, RSVP_CONFIRM_HOURS, rsvpLinkState } from "../rsvps.js";
import { whenOf } from "./pages.js";

// The RSVP's email and its link. The link opens a page with one button: a GET never takes a
// place, because mail scanners and link previews follow links too. The page is that person's
// own (it carries their token), so it is private and never shared; the event page it leads
// back to stays the same for everyone.

/** The confirmation email, in the language the person registered in. */
export async function mailConfirmation(
  runtime: Runtime,
  locale: UiLocale,
  event: PublicEvent,
  person: { name: string; email: string },
  token: string,
): Promise<void> {
  const m = messagesFor(locale);
  const link = `${runtime.config.publicUrl}${localHref(locale, `/events/${event.id}/confirm`)}?token=${token}`;
  await runtime.mailer.send({
    to: person.email,
    subject: m.t("events.mail.subject", { title: event.title }),
    // Paragraphs of their own, so that a translator never handles line breaks (nor the link).
    text: [
      m.t("events.mail.hello", { name: person.name }),
      m.t("events.mail.asked", { title: event.title, when: whenOf(m, event) }),
      `${m.t("events.mail.open", { hours: RSVP_CONFIRM_HOURS })}\n${link}`,
      m.t("events.mail.ignore"),
    ].join("\n\n"),
  });
}

type LinkState = "pending" | "expired" | "invalid" | "full" | "past";

function ConfirmPage(props: { ctx: PageContext; event: PublicEvent; state: LinkState; token: string }) {
  const { ctx, event, state } = props;
  const { m } = ctx;
  const title = m.t("events.confirm.title");
  const eventHref = localHref(m.locale, `/events/${event.id}`);
  const say: Record<Exclude<LinkState, "pending">, string> = {
    expired: m.t("events.confirm.expired", { hours: RSVP_CONFIRM_HOURS }),
    invalid: m.t("events.confirm.invalid"),
    full: m.t("events.isFull"),
    past: m.t("events.past"),
  };
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p dir="auto">
        <strong>{event.title}</strong>
        <br />
        <time datetime={event.startsAt.toISOString()}>{whenOf(m, event)}</time>
      </p>
      {state === "pending" ? (
        <form method="post" action={ctx.path} class="act-form">
          <input type="hidden" name="token" value={props.token} />
          <p>{m.t("events.confirm.lead")}</p>
          <button type="submit">{m.t("events.confirm.submit")}</button>
        </form>
      ) : (
        <p role="alert">{say[state]}</p>
      )}
      <p>
        <a href={eventHref}>{m.t("events.confirm.toEvent")}</a>
      </p>
    </Layout>
  );
}

const Params = Type.Object({ lang: Type.Optional(Type.String()), id: Type.String() });
const Query = Type.Object({ token: Type.Optional(Type.String()) });
const Body = Type.Object({ token: Type.Optional(Type.String({ maxLength: 100 })) });

/** The link's pages: GET shows the button, POST confirms. */
export function confirmRoutes(
  fastify: FastifyInstance,
  runtime: Runtime,
  o: {
    prefix: string;
    localeOf: (request: FastifyRequest, lang: string | undefined) => UiLocale | undefined;
    notFound: (
      request: FastifyRequest,
      reply: FastifyReply,
      locale: UiLocale | undefined,
      path: string,
    ) => FastifyReply;
    context: (locale: UiLocale, path: string) => PageContext;
    rateLimit: { max: number; timeWindow: string } | false;
  },
): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;

  const page = (
    reply: FastifyReply,
    locale: UiLocale,
    event: PublicEvent,
    state: LinkState,
    token: string,
    status: number,
  ) =>
    pageHeaders(reply, locale, status)
      .header("cache-control", "private, no-store")
      // The token must not leave in a Referer to the pages this one links to.
      .header("referrer-policy", "no-referrer")
      .send(
        html(
          <ConfirmPage
            ctx={o.context(locale, localHref(locale, `/events/${event.id}/confirm`))}
            event={event}
            state={state}
            token={token}
          />,
        ),
      );

  const done = (reply: FastifyReply, locale: UiLocale, id: string) =>
    reply.redirect(`/${locale}/events/${id}?done=confirmed#rsvp`, 303);

  app.get(
    `${o.prefix}/events/:id/confirm`,
    { schema: { params: Params, querystring: Query, response: formResponses(404, 410) } },
    async (request, reply) => {
      const { lang, id } = request.params;
      const locale = o.localeOf(request, lang);
      const event = locale ? await publicEvent(pool, id) : undefined;
      if (!locale || !event) return o.notFound(request, reply, locale, `/events/${id}`);
      const token = request.query.token ?? "";
      const state = await rsvpLinkState(pool, event.id, token);
      if (state === "already") return done(reply, locale, event.id);
      return page(
        reply,
        locale,
        event,
        state,
        token,
        state === "pending" ? 200 : state === "expired" ? 410 : 404,
      );
    },
  );

  const route = formRoute(Body);
  app.post(
    `${o.prefix}/events/:id/confirm`,
    {
      ...route,
      schema: { ...route.schema, params: Params, response: formResponses(404, 409, 410) },
      config: { rateLimit: o.rateLimit },
    },
    async (request, reply) => {
      const { lang, id } = request.params;
      const locale = o.localeOf(request, lang);
      const event = locale ? await publicEvent(pool, id) : undefined;
      if (!locale || !event) return o.notFound(request, reply, locale, `/events/${id}`);
      const token = formValues(request).token ?? "";
      const outcome = await confirmRsvp(pool, event.id, token);
      if (outcome === "not_found") return o.notFound(request, reply, locale, `/events/${id}`);
      // A place was taken: the places left are on the public pages of every node.
      if (outcome === "confirmed") await runtime.contentChanged();
      if (outcome === "confirmed" || outcome === "already") return done(reply, locale, event.id);
      const status = outcome === "expired" ? 410 : outcome === "invalid" ? 404 : 409;
      return page(reply, locale, event, outcome, token, status);
    },
  );
}
