import countries from "i18n-iso-countries";
import type { CampaignInfo } from "../../../core/catalog/catalog.js";
import { messagesFor } from "../../../platform/i18n/messages.js";
import type { OfficeUser } from "../../office/index.js";
import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  type Errors,
  Field,
  formatTime,
  Notice,
  OfficeLayout,
} from "../../office/index.js";
import {
  draftOfEvent,
  type EventDraft,
  type EventRow,
  formatInZone,
  isTimeZone,
  RSVP_RETENTION_DAYS,
  TIME_ZONES,
} from "../model.js";
import type { EventSummary, Rsvp } from "../queries.js";

// The back-office pages of events: the list of an edition's events, the form to register one,
// and an event's page (its RSVPs, the edit form, cancelling). Handlers are in routes.ts.

const EN = messagesFor("en");

/** Every country, by its English name: the form offers those where a person may hold events. */
export const ALL_COUNTRIES = Object.keys(countries.getAlpha2Codes())
  .map((code) => [code, EN.country(code)] as [string, string])
  .sort((a, b) => a[1].localeCompare(b[1], "en"));

export function EventForm(p: {
  action: string;
  draft: EventDraft;
  errors: Errors;
  /** The country options, the "Choose" one first. */
  countries: [string, string][];
  csrf: string;
  submit: string;
}) {
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
        options={p.countries}
        required
      />
      <fieldset class="field">
        <legend>Coordinates (optional: both or neither)</legend>
        <p class="hint">
          In decimal degrees, e.g. 48.8566 and 2.3522 for Paris. Events with coordinates appear on the public
          map.
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
}

export function NewEventPage(p: {
  user: OfficeUser;
  csrf: string;
  draft: EventDraft;
  errors?: Errors;
  countries: [string, string][];
}) {
  return (
    <OfficeLayout title="Register an event" user={p.user} csrf={p.csrf} current="/office/events">
      <ErrorSummary errors={p.errors ?? {}} />
      <EventForm
        action="/office/events/new"
        draft={p.draft}
        errors={p.errors ?? {}}
        countries={p.countries}
        csrf={p.csrf}
        submit="Register the event"
      />
    </OfficeLayout>
  );
}

export interface EventPageProps {
  user: OfficeUser;
  csrf: string;
  event: EventRow;
  /** The edition's title, when the catalog still knows it. */
  campaignTitle?: string;
  rsvps: Rsvp[];
  letters: number;
  countries: [string, string][];
  draft?: EventDraft;
  errors?: Errors;
  notice?: string;
}

export function EventPage(p: EventPageProps) {
  const { event, rsvps } = p;
  const ended = event.endsAt <= new Date();
  return (
    <OfficeLayout title={`Event: ${event.title}`} user={p.user} csrf={p.csrf} current="/office/events">
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      <ErrorSummary errors={p.errors ?? {}} />
      <dl>
        <dt>Edition</dt>
        <dd>{p.campaignTitle ?? event.campaignId}</dd>
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
        <dd>{p.letters}</dd>
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
          Use these addresses only to contact people about this event. They are deleted {RSVP_RETENTION_DAYS}{" "}
          days after it ends.
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
            draft={p.draft ?? draftOfEvent(event)}
            errors={p.errors ?? {}}
            countries={p.countries}
            csrf={p.csrf}
            submit="Save"
          />
          <h2>Cancel the event</h2>
          <form method="post" action={`/office/events/${event.id}/cancel`}>
            <CsrfField token={p.csrf} />
            <p>It leaves the public site. The RSVPs stay here until they are deleted.</p>
            <button type="submit" class="danger">
              Cancel this event
            </button>
          </form>
        </>
      )}
    </OfficeLayout>
  );
}

export function EventsListPage(p: {
  user: OfficeUser;
  csrf: string;
  campaign?: CampaignInfo;
  campaigns: CampaignInfo[];
  events: EventSummary[];
  done?: string;
}) {
  const now = new Date();
  return (
    <OfficeLayout title="Events" user={p.user} csrf={p.csrf} current="/office/events">
      {p.done === "cancelled" ? <Notice>The event is cancelled.</Notice> : null}
      <p>
        <a class="button" href="/office/events/new">
          Register an event
        </a>
      </p>
      <form class="filters" method="get" action="/office/events">
        <Field
          name="campaign"
          label="Edition"
          value={p.campaign?.slug}
          options={[...p.campaigns].map((c): [string, string] => [c.slug, c.title])}
        />
        <button type="submit">Show</button>
      </form>
      {p.events.length === 0 ? (
        <p>No events in this edition yet.</p>
      ) : (
        <table>
          <caption class="sr-only">Events of {p.campaign?.title}</caption>
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
            {p.events.map((e) => (
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
    </OfficeLayout>
  );
}
