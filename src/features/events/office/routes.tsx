import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import countries from "i18n-iso-countries";
import type pg from "pg";
import { countriesOfSections } from "../../../core/catalog/catalog.js";
import { currentCampaign } from "../../../core/catalog/current.js";
import type { Runtime } from "../../../core/runtime.js";
import { withTransaction } from "../../../platform/db/transaction.js";
import { Problem } from "../../../platform/http/problems.js";
import { messagesFor } from "../../../platform/i18n/messages.js";
import { hourly } from "../../../platform/jobs/hourly.js";
import { actorOf, audit } from "../../office/audit.js";
import { currentUser, guard, notFound } from "../../office/context.js";
import { formOf, sendPage } from "../../office/form.js";
import { OfficeLayout } from "../../office/layout.js";
import { canRunEvents, holdsEventsIn, managesEvent } from "../../office/policy.js";
import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  type Errors,
  Field,
  formatTime,
  Notice,
} from "../../office/ui.js";
import type { OfficeUser } from "../../office/users.js";
import {
  draftOf,
  draftOfEvent,
  type EventDraft,
  type EventRow,
  formatInZone,
  getEvent,
  insertEvent,
  isTimeZone,
  listEvents,
  purgeOldRsvps,
  RSVP_RETENTION_DAYS,
  rsvpsOf,
  TIME_ZONES,
  updateEvent,
  validateEvent,
} from "../model.js";

// Events in the back office: organizers register their letter-writing events, coordinators see
// and edit those in their sections' countries, admins all. Another organizer's event answers 404.

const EN = messagesFor("en");
const ALL_COUNTRIES = Object.keys(countries.getAlpha2Codes())
  .map((code) => [code, EN.country(code)] as [string, string])
  .sort((a, b) => a[1].localeCompare(b[1], "en"));

export function eventRoutes(app: FastifyInstance, runtime: Runtime): void {
  const { pool } = runtime.db;
  const guarded = { preHandler: guard(canRunEvents) };
  const posting = { preHandler: [guard(canRunEvents), app.csrfProtection] };
  const sectionOf = (country: string) => runtime.sectionOf(country);

  // The privacy notice on the RSVP form promises deletion 30 days after the event: keep it.
  hourly(app, "deleting old RSVPs", () => purgeOldRsvps(pool));

  const sectionCountries = (user: OfficeUser): string[] =>
    countriesOfSections(runtime.catalog(), user.sectionIds);

  /** Country options of the form: where this person may hold events (and the event's own). */
  const countryOptions = (user: OfficeUser, current?: string): [string, string][] => {
    const mine = ALL_COUNTRIES.filter(([code]) => code === current || holdsEventsIn(user, code, sectionOf));
    return [["", "Choose a country"], ...mine];
  };

  /** The event, if this person manages it; anyone else is told it does not exist. */
  const managedEvent = async (
    user: OfficeUser,
    id: string,
    forUpdate = false,
    db: pg.Pool | pg.PoolClient = pool,
  ) => {
    const event = await getEvent(db, id, forUpdate);
    if (!event || !managesEvent(user, event, sectionOf)) throw notFound("This event");
    return event;
  };

  const EventForm = (p: {
    action: string;
    draft: EventDraft;
    errors: Errors;
    user: OfficeUser;
    csrf: string;
    submit: string;
    current?: string;
  }) => {
    // A valid alias kept from before (e.g. Asia/Calcutta) stays choosable; a wrong zone does not.
    const zones =
      isTimeZone(p.draft.timeZone) && !TIME_ZONES.includes(p.draft.timeZone)
        ? [p.draft.timeZone, ...TIME_ZONES]
        : TIME_ZONES;
    return (
      <form class="stack" method="post" action={p.action}>
        <CsrfField token={p.csrf} />
        <Field
          name="title"
          label="Title"
          value={p.draft.title}
          errors={p.errors}
          required
          attrs={{ maxlength: 200 }}
        />
        <Field
          name="description"
          label="Description"
          value={p.draft.description}
          errors={p.errors}
          textarea
          rows={5}
          hint="What people will do, what to bring, accessibility of the place. Shown on the public page of public events."
        />
        <Field
          name="address"
          label="Address"
          value={p.draft.address}
          errors={p.errors}
          textarea
          rows={3}
          required
        />
        <Field
          name="country"
          label="Country"
          value={p.draft.country}
          errors={p.errors}
          options={countryOptions(p.user, p.current)}
          required
        />
        <fieldset class="field">
          <legend>Coordinates (optional: both or neither)</legend>
          <p class="hint">
            In decimal degrees, e.g. 48.8566 and 2.3522 for Paris. Events with coordinates appear on the
            public map.
          </p>
          <Field
            name="latitude"
            label="Latitude"
            value={p.draft.latitude}
            errors={p.errors}
            attrs={{ inputmode: "decimal" }}
          />
          <Field
            name="longitude"
            label="Longitude"
            value={p.draft.longitude}
            errors={p.errors}
            attrs={{ inputmode: "decimal" }}
          />
        </fieldset>
        <Field
          name="time_zone"
          label="Time zone"
          value={p.draft.timeZone}
          errors={p.errors}
          options={[["", "Choose the time zone of the place"], ...zones.map((z): [string, string] => [z, z])]}
          hint="The start and end below are local times in this zone."
          required
        />
        <Field
          name="starts"
          label="Starts (local time)"
          type="datetime-local"
          value={p.draft.startsLocal}
          errors={p.errors}
          required
          hint="A time skipped when the clocks go forward is refused; a time that happens twice when they go back is read as the first one."
        />
        <Field
          name="ends"
          label="Ends (local time)"
          type="datetime-local"
          value={p.draft.endsLocal}
          errors={p.errors}
          required
        />
        <Field
          name="capacity"
          label="Capacity"
          type="number"
          value={p.draft.capacity}
          errors={p.errors}
          hint="The most people who can come. Leave empty for no limit."
          attrs={{ min: 1, step: 1 }}
        />
        <Checkbox
          name="public"
          label="Public: listed on the website, where people can RSVP"
          checked={p.draft.public}
        />
        <button type="submit">{p.submit}</button>
      </form>
    );
  };

  const formPage = (
    reply: FastifyReply,
    o: { draft: EventDraft; errors?: Errors; event?: EventRow },
    status = 200,
  ) => {
    const user = currentUser(reply.request);
    const csrf = reply.generateCsrf();
    return sendPage(
      reply,
      <OfficeLayout title="Register an event" user={user} csrf={csrf} current="/office/events">
        <ErrorSummary errors={o.errors ?? {}} />
        <EventForm
          action="/office/events/new"
          draft={o.draft}
          errors={o.errors ?? {}}
          user={user}
          csrf={csrf}
          submit="Register the event"
        />
      </OfficeLayout>,
      status,
    );
  };

  const eventPage = async (
    reply: FastifyReply,
    o: { event: EventRow; draft?: EventDraft; errors?: Errors; notice?: string },
    status = 200,
  ) => {
    const user = currentUser(reply.request);
    const csrf = reply.generateCsrf();
    const { event } = o;
    const rsvps = await rsvpsOf(pool, event.id);
    const letters = await pool.query(
      "SELECT COALESCE(sum(quantity), 0)::int AS n FROM reports WHERE event_id = $1",
      [event.id],
    );
    const campaign = runtime.catalog().campaignsById.get(event.campaignId);
    const ended = event.endsAt <= new Date();
    return sendPage(
      reply,
      <OfficeLayout title={`Event: ${event.title}`} user={user} csrf={csrf} current="/office/events">
        {o.notice ? <Notice>{o.notice}</Notice> : null}
        <ErrorSummary errors={o.errors ?? {}} />
        <dl>
          <dt>Edition</dt>
          <dd>{campaign?.title ?? event.campaignId}</dd>
          <dt>When</dt>
          <dd>
            {formatInZone(event.startsAt, event.timeZone)} to {formatInZone(event.endsAt, event.timeZone)}
          </dd>
          <dt>Status</dt>
          <dd>
            {event.cancelledAt
              ? `Cancelled ${formatTime(event.cancelledAt)}`
              : ended
                ? "Over"
                : event.public
                  ? "Upcoming, public"
                  : "Upcoming, private"}
          </dd>
          <dt>Letters reported</dt>
          <dd>{letters.rows[0].n}</dd>
        </dl>
        <p>
          <a class="button" href={`/office/reports/new?event=${event.id}`}>
            Report letters for this event
          </a>{" "}
          {event.public && !event.cancelledAt ? <a href={`/events/${event.id}`}>Public page</a> : null}
        </p>

        <section aria-labelledby="rsvps-title">
          <h2 id="rsvps-title">
            RSVPs: {rsvps.length}
            {event.capacity === null ? "" : ` of ${event.capacity}`}
          </h2>
          <p class="hint">
            Use these addresses only to contact people about this event. They are deleted{" "}
            {RSVP_RETENTION_DAYS} days after it ends.
          </p>
          {rsvps.length === 0 ? (
            <p>No one yet.</p>
          ) : (
            <table>
              <caption class="sr-only">RSVPs</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Since</th>
                </tr>
              </thead>
              <tbody>
                {rsvps.map((r) => (
                  <tr>
                    <td>{r.name}</td>
                    <td>
                      <a href={`mailto:${r.email}`}>{r.email}</a>
                    </td>
                    <td>{formatTime(r.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        {event.cancelledAt ? null : (
          <>
            <h2>Edit</h2>
            <EventForm
              action={`/office/events/${event.id}`}
              draft={o.draft ?? draftOfEvent(event)}
              errors={o.errors ?? {}}
              user={user}
              csrf={csrf}
              submit="Save"
              current={event.country}
            />
            <h2>Cancel the event</h2>
            <form method="post" action={`/office/events/${event.id}/cancel`}>
              <CsrfField token={csrf} />
              <p>It leaves the public site. The RSVPs stay here until they are deleted.</p>
              <button type="submit" class="danger">
                Cancel this event
              </button>
            </form>
          </>
        )}
      </OfficeLayout>,
      status,
    );
  };

  app.get("/office/events", guarded, async (request, reply) => {
    const user = currentUser(request);
    const query = request.query as Record<string, string | undefined>;
    const catalog = runtime.catalog();
    const campaign =
      (query.campaign ? catalog.campaigns.get(query.campaign) : undefined) ?? currentCampaign(catalog);
    const events = campaign
      ? await listEvents(pool, {
          campaignId: campaign.id,
          all: user.role === "admin",
          organizerId: user.id,
          countries: user.role === "coordinator" ? sectionCountries(user) : [],
        })
      : [];
    const now = new Date();
    return sendPage(
      reply,
      <OfficeLayout title="Events" user={user} csrf={reply.generateCsrf()} current="/office/events">
        {query.done === "cancelled" ? <Notice>The event is cancelled.</Notice> : null}
        <p>
          <a class="button" href="/office/events/new">
            Register an event
          </a>
        </p>
        <form class="filters" method="get" action="/office/events">
          <Field
            name="campaign"
            label="Edition"
            value={campaign?.slug}
            options={[...catalog.campaigns.values()].map((c): [string, string] => [c.slug, c.title])}
          />
          <button type="submit">Show</button>
        </form>
        {events.length === 0 ? (
          <p>No events in this edition yet.</p>
        ) : (
          <table>
            <caption class="sr-only">Events of {campaign?.title}</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Starts (local time)</th>
                <th scope="col">Country</th>
                <th scope="col">Visibility</th>
                <th scope="col" class="number">
                  RSVPs
                </th>
                <th scope="col" class="number">
                  Letters reported
                </th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr>
                  <td>
                    <a href={`/office/events/${e.id}`}>{e.title}</a>
                  </td>
                  <td>{formatInZone(e.startsAt, e.timeZone)}</td>
                  <td>{EN.country(e.country)}</td>
                  <td>
                    {e.cancelledAt ? "cancelled" : e.endsAt <= now ? "over" : e.public ? "public" : "private"}
                  </td>
                  <td class="number">
                    {e.rsvps}
                    {e.capacity === null ? "" : ` / ${e.capacity}`}
                  </td>
                  <td class="number">{e.letters}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </OfficeLayout>,
    );
  });

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

  app.get("/office/events/new", guarded, async (request, reply) =>
    formPage(reply, { draft: emptyDraft(currentUser(request)) }),
  );

  app.post("/office/events/new", posting, async (request, reply) => {
    const user = currentUser(request);
    const draft = draftOf(formOf(request.body));
    const { errors, values } = validateEvent(draft, (c) => holdsEventsIn(user, c, sectionOf));
    const campaign = currentCampaign(runtime.catalog());
    if (!campaign) throw new Problem(409, "no_campaign", "There is no edition to register events for yet.");
    if (!values) return formPage(reply, { draft, errors }, 422);
    const id = randomUUID();
    await withTransaction(pool, async (client) => {
      const event = await insertEvent(client, { id, campaignId: campaign.id, organizerId: user.id, values });
      await audit(client, actorOf(user), "create", "event", id, null, event);
    });
    return reply.redirect(`/office/events/${id}?done=created`, 303);
  });

  app.get("/office/events/:id", guarded, async (request: FastifyRequest, reply) => {
    const user = currentUser(request);
    const { id } = request.params as { id: string };
    const event = await managedEvent(user, id);
    const done = (request.query as Record<string, string | undefined>).done;
    const notice =
      done === "created"
        ? "The event is registered."
        : done === "saved"
          ? "Saved."
          : done === "cancelled"
            ? "The event is cancelled."
            : undefined;
    return eventPage(reply, { event, notice });
  });

  app.post("/office/events/:id", posting, async (request, reply) => {
    const user = currentUser(request);
    const { id } = request.params as { id: string };
    const event = await managedEvent(user, id);
    if (event.cancelledAt)
      throw new Problem(409, "event_cancelled", "This event is cancelled; it can no longer be changed.");
    const draft = draftOf(formOf(request.body));
    // The event's own country stays allowed (it may predate this person's sections).
    const { errors, values } = validateEvent(
      draft,
      (c) => c === event.country || holdsEventsIn(user, c, sectionOf),
    );
    if (!values) return eventPage(reply, { event, draft, errors }, 422);
    const taken = await withTransaction(pool, async (client) => {
      // Locked, so no RSVP slips in between counting them and lowering the capacity.
      const before = await managedEvent(user, id, true, client);
      if (before.cancelledAt)
        throw new Problem(409, "event_cancelled", "This event is cancelled; it can no longer be changed.");
      const count = await client.query("SELECT count(*)::int AS n FROM event_rsvps WHERE event_id = $1", [
        id,
      ]);
      const n = count.rows[0].n as number;
      if (values.capacity !== null && values.capacity < n) return n;
      const after = await updateEvent(client, id, values);
      await audit(client, actorOf(user), "update", "event", id, before, after);
      return undefined;
    });
    if (taken !== undefined) {
      const capacity = `${taken} people have already said they are coming; the capacity cannot be lower.`;
      return eventPage(reply, { event, draft, errors: { capacity } }, 422);
    }
    return reply.redirect(`/office/events/${id}?done=saved`, 303);
  });

  app.post("/office/events/:id/cancel", posting, async (request, reply) => {
    const user = currentUser(request);
    const { id } = request.params as { id: string };
    await withTransaction(pool, async (client) => {
      const before = await managedEvent(user, id, true, client);
      if (before.cancelledAt) return;
      const result = await client.query(
        "UPDATE events SET cancelled_at = now() WHERE id = $1 RETURNING cancelled_at",
        [id],
      );
      await audit(client, actorOf(user), "cancel", "event", id, before, {
        ...before,
        cancelledAt: result.rows[0].cancelled_at,
      });
    });
    return reply.redirect(`/office/events/${id}?done=cancelled`, 303);
  });
}
