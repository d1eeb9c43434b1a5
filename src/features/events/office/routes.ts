import { randomUUID } from "node:crypto";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import type pg from "pg";
import { h } from "preact";
import { Type } from "typebox";
import { countriesOfSections } from "../../../core/catalog/catalog.js";
import { currentCampaign } from "../../../core/catalog/current.js";
import type { Runtime } from "../../../core/runtime.js";
import { withTransaction } from "../../../platform/db/transaction.js";
import { formRoute } from "../../../platform/http/forms.js";
import { Problem } from "../../../platform/http/problems.js";
import { formResponses, pageResponses } from "../../../platform/http/responses.js";
import { hourly } from "../../../platform/jobs/hourly.js";
import type { Errors, OfficeUser } from "../../office/index.js";
import {
  actorOf,
  audit,
  canRunEvents,
  currentUser,
  guard,
  notFound,
  ot,
  sendPage,
} from "../../office/index.js";
import type { EventDraft, EventRow } from "../model.js";
import { holdsEventsIn, managesEvent } from "../policy.js";
import {
  cancelEvent,
  countRsvps,
  getEvent,
  insertEvent,
  lettersOf,
  listEvents,
  purgeOldRsvps,
  rsvpsOf,
  updateEvent,
} from "../queries.js";
import { checkEventForm, EventForm } from "./forms.js";
import { allCountries, EventPage, EventsListPage, NewEventPage } from "./views.js";

// Events in the back office: organizers register their letter-writing events, coordinators see
// and edit those in their sections' countries, admins all. Another organizer's event answers 404.

// Any text: an id that is not a UUID is an unknown event (404), not a bad request.
const EventParams = Type.Object({ id: Type.String() });
const ListQuery = Type.Object({
  campaign: Type.Optional(Type.String()),
  done: Type.Optional(Type.String()),
});
const DoneQuery = Type.Object({ done: Type.Optional(Type.String()) });

const NOTICES: Record<string, string> = {
  created: "office.events.notice.created",
  saved: "office.events.notice.saved",
  cancelled: "office.events.notice.cancelled",
};

// The event form's route: its schema, the normalization of the body, errors kept for the handler.
const eventForm = formRoute(EventForm);

const cancelled = () => new Problem(409, "event_cancelled", ot("office.events.error.cancelled"));

export function eventRoutes(fastify: FastifyInstance, runtime: Runtime): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { pool } = runtime.db;
  const guarded = guard(canRunEvents);
  // The guard first: someone signed out is told to sign in (401) before any token is checked.
  const posting = [guarded, app.csrfProtection];
  const sectionOf = (country: string) => runtime.sectionOf(country);

  // The privacy notice on the RSVP form promises deletion 30 days after the event: keep it.
  hourly(app, "deleting old RSVPs", () => purgeOldRsvps(pool));

  const sectionCountries = (user: OfficeUser): string[] =>
    countriesOfSections(runtime.catalog(), user.sectionIds);

  /** Country options of the form: where this person may hold events (and the event's own). */
  const countryOptions = (user: OfficeUser, current?: string): [string, string][] => {
    const mine = allCountries().filter(([code]) => code === current || holdsEventsIn(user, code, sectionOf));
    return [["", ot("office.reports.chooseCountry")], ...mine];
  };

  /** The event, if this person manages it; anyone else is told it does not exist. */
  const managedEvent = async (
    user: OfficeUser,
    id: string,
    forUpdate = false,
    db: pg.Pool | pg.PoolClient = pool,
  ) => {
    const event = await getEvent(db, id, forUpdate);
    if (!event || !managesEvent(user, event, sectionOf)) throw notFound("office.problem.notFound.event");
    return event;
  };

  const formPage = (reply: FastifyReply, o: { draft: EventDraft; errors?: Errors }, status = 200) => {
    const user = currentUser(reply.request);
    const csrf = reply.generateCsrf();
    return sendPage(reply, h(NewEventPage, { user, csrf, ...o, countries: countryOptions(user) }), status);
  };

  const eventPage = async (
    reply: FastifyReply,
    o: { event: EventRow; draft?: EventDraft; errors?: Errors; notice?: string },
    status = 200,
  ) => {
    const user = currentUser(reply.request);
    const csrf = reply.generateCsrf();
    const [rsvps, letters] = await Promise.all([
      rsvpsOf(pool, runtime.db.privacy, o.event.id),
      lettersOf(pool, o.event.id),
    ]);
    const campaignTitle = runtime.catalog().campaignsById.get(o.event.campaignId)?.title;
    const countries = countryOptions(user, o.event.country);
    return sendPage(
      reply,
      h(EventPage, { user, csrf, ...o, campaignTitle, rsvps, letters, countries }),
      status,
    );
  };

  const emptyDraft = (user: OfficeUser): EventDraft => {
    const mine = user.role === "admin" ? [] : sectionCountries(user);
    return {
      title: "",
      description: "",
      address: "",
      // One section, one country: chosen already.
      country: mine.length === 1 ? (mine[0] as string) : "",
      latitude: "",
      longitude: "",
      startsLocal: "",
      endsLocal: "",
      timeZone: "",
      capacity: "",
      public: true,
    };
  };

  app.get(
    "/office/events",
    { schema: { querystring: ListQuery, response: pageResponses() }, preValidation: guarded },
    async (request, reply) => {
      const user = currentUser(request);
      const catalog = runtime.catalog();
      const asked = request.query.campaign;
      const campaign = (asked ? catalog.campaigns.get(asked) : undefined) ?? currentCampaign(catalog);
      const events = campaign
        ? await listEvents(pool, {
            campaignId: campaign.id,
            all: user.role === "admin",
            organizerId: user.id,
            countries: user.role === "coordinator" ? sectionCountries(user) : [],
          })
        : [];
      const page = h(EventsListPage, {
        user,
        csrf: reply.generateCsrf(),
        campaign,
        campaigns: [...catalog.campaigns.values()],
        events,
        done: request.query.done,
      });
      return sendPage(reply, page);
    },
  );

  app.get(
    "/office/events/new",
    { schema: { response: pageResponses() }, preValidation: guarded },
    async (request, reply) => formPage(reply, { draft: emptyDraft(currentUser(request)) }),
  );

  app.post(
    "/office/events/new",
    {
      ...eventForm,
      schema: { ...eventForm.schema, response: formResponses(409, 422) },
      preHandler: posting,
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { draft, errors, values } = checkEventForm(request, (c) => holdsEventsIn(user, c, sectionOf));
      const campaign = currentCampaign(runtime.catalog());
      if (!campaign) throw new Problem(409, "no_campaign", ot("office.events.error.noCampaign"));
      if (!values) return formPage(reply, { draft, errors }, 422);
      const id = randomUUID();
      await withTransaction(pool, async (client) => {
        const event = await insertEvent(client, {
          id,
          campaignId: campaign.id,
          organizerId: user.id,
          values,
        });
        await audit(client, actorOf(user), "create", "event", id, null, event);
      });
      // The public events pages show it: every node builds them anew.
      await runtime.contentChanged();
      return reply.redirect(`/office/events/${id}?done=created`, 303);
    },
  );

  app.get(
    "/office/events/:id",
    {
      schema: { params: EventParams, querystring: DoneQuery, response: pageResponses(404) },
      preValidation: guarded,
    },
    async (request, reply) => {
      const event = await managedEvent(currentUser(request), request.params.id);
      const done = request.query.done;
      return eventPage(reply, { event, notice: done && NOTICES[done] ? ot(NOTICES[done]) : undefined });
    },
  );

  app.post(
    "/office/events/:id",
    {
      ...eventForm,
      schema: { ...eventForm.schema, params: EventParams, response: formResponses(404, 409, 422) },
      preHandler: posting,
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { id } = request.params;
      const event = await managedEvent(user, id);
      if (event.cancelledAt) throw cancelled();
      // The event's own country stays allowed (it may predate this person's sections).
      const { draft, errors, values } = checkEventForm(
        request,
        (c) => c === event.country || holdsEventsIn(user, c, sectionOf),
      );
      if (!values) return eventPage(reply, { event, draft, errors }, 422);
      const taken = await withTransaction(pool, async (client) => {
        // Locked, so no RSVP slips in between counting them and lowering the capacity.
        const before = await managedEvent(user, id, true, client);
        if (before.cancelledAt) throw cancelled();
        const n = await countRsvps(client, id);
        if (values.capacity !== null && values.capacity < n) return n;
        const after = await updateEvent(client, id, values);
        await audit(client, actorOf(user), "update", "event", id, before, after);
        return undefined;
      });
      if (taken === undefined) await runtime.contentChanged();
      if (taken !== undefined) {
        const capacity = `${taken} people have already said they are coming; the capacity cannot be lower.`;
        return eventPage(reply, { event, draft, errors: { capacity } }, 422);
      }
      return reply.redirect(`/office/events/${id}?done=saved`, 303);
    },
  );

  app.post(
    "/office/events/:id/cancel",
    // The form holds its CSRF token and nothing else.
    {
      schema: { params: EventParams, body: Type.Object({}), response: formResponses(404) },
      preHandler: posting,
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { id } = request.params;
      await withTransaction(pool, async (client) => {
        const before = await managedEvent(user, id, true, client);
        if (before.cancelledAt) return;
        const cancelledAt = await cancelEvent(client, id);
        await audit(client, actorOf(user), "cancel", "event", id, before, { ...before, cancelledAt });
      });
      await runtime.contentChanged();
      return reply.redirect(`/office/events/${id}?done=cancelled`, 303);
    },
  );
}
