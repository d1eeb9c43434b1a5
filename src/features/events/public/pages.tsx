import type { Messages } from "../../../platform/i18n/messages.js";
import { Layout, localHref, type PageContext } from "../../../platform/views/layout.js";
import { EventKitLink } from "../../materials/index.js";
import { RSVP_RETENTION_DAYS } from "../model.js";
import type { PublicEvent } from "../queries.js";
import { RSVP_CONFIRM_HOURS } from "../rsvps.js";
import { EventsMap, type MapPoint } from "./map.js";

// The public events pages: the list of upcoming public events with their map, and one event
// with its RSVP form. Times are shown in the event's own time zone (where people will be), in
// the reader's language; what organizers typed (title, address, description) is shown as typed.

/** "Saturday, 8 December 2012, 18:00 – 21:00", in the reader's language and the event's zone. */
export function whenOf(m: Messages, event: PublicEvent): string {
  const format = new Intl.DateTimeFormat(m.locale, {
    dateStyle: "full",
    timeStyle: "short",
    timeZone: event.timeZone,
  });
  return format.formatRange(event.startsAt, event.endsAt);
}

/** "local time: Central European Time (Europe/Paris)". */
export function zoneOf(m: Messages, event: PublicEvent): string {
  const part = (timeZoneName: "longGeneric" | "shortOffset") =>
    new Intl.DateTimeFormat(m.locale, { timeZone: event.timeZone, timeZoneName })
      .formatToParts(event.startsAt)
      .find((p) => p.type === "timeZoneName")?.value ?? event.timeZone;
  return m.t("events.zone", { zoneName: part("longGeneric"), zoneId: event.timeZone });
}

const isFull = (event: PublicEvent) => event.capacity !== null && event.rsvps >= event.capacity;

function When(props: { m: Messages; event: PublicEvent }) {
  const { m, event } = props;
  return (
    <>
      <time datetime={event.startsAt.toISOString()}>{whenOf(m, event)}</time>
      <br />
      <span class="muted">{zoneOf(m, event)}</span>
    </>
  );
}

function Places(props: { m: Messages; event: PublicEvent }) {
  const { m, event } = props;
  if (event.capacity === null) return null;
  return (
    <p>
      <strong>
        {isFull(event)
          ? m.t("events.full")
          : m.t("events.placesLeft", { count: event.capacity - event.rsvps })}
      </strong>
    </p>
  );
}

export interface EventsListData {
  events: PublicEvent[];
  /** Countries that have upcoming events, for the filter. */
  countries: string[];
  country?: string;
}

export function EventsListPage(props: { ctx: PageContext; data: EventsListData }) {
  const { ctx, data } = props;
  const { m } = ctx;
  const collator = new Intl.Collator(m.locale);
  const options = data.countries
    .map((code) => [code, m.country(code)] as const)
    .sort((a, b) => collator.compare(a[1], b[1]));
  const href = (event: PublicEvent) => localHref(m.locale, `/events/${event.id}`);
  const points: MapPoint[] = data.events.flatMap((e) =>
    e.latitude === null || e.longitude === null
      ? []
      : [
          {
            href: href(e),
            label: m.t("events.dot", { title: e.title, when: whenOf(m, e), country: m.country(e.country) }),
            latitude: e.latitude,
            longitude: e.longitude,
          },
        ],
  );
  const title = m.t("events.title");
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>{m.t("events.lead")}</p>
      <EventKitLink m={m} language={m.locale} />

      <form method="get" action={localHref(m.locale, "/events")} class="filters">
        <div class="field">
          <label for="events-country">{m.t("events.filter.country")}</label>
          <select id="events-country" name="country">
            <option value="">{m.t("events.filter.all")}</option>
            {options.map(([code, name]) => (
              <option value={code} selected={code === data.country}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{m.t("events.filter.submit")}</button>
      </form>

      {points.length > 0 ? (
        <section aria-labelledby="events-map-title" class="map">
          <h2 id="events-map-title">{m.t("events.map.title")}</h2>
          <div class="map-figure">
            <EventsMap title={m.t("events.map.title")} points={points} />
          </div>
          <p class="muted">{m.t("events.map.note")}</p>
        </section>
      ) : null}

      <section aria-labelledby="events-list-title">
        <h2 id="events-list-title">
          {data.country ? m.t("events.in", { country: m.country(data.country) }) : m.t("events.list.title")}
        </h2>
        {data.events.length === 0 ? (
          <p>{m.t("events.none")}</p>
        ) : (
          <ul class="cards">
            {data.events.map((e) => (
              <li class="card">
                <h3 dir="auto">
                  <a href={href(e)}>{e.title}</a>
                </h3>
                <p>
                  <When m={m} event={e} />
                </p>
                <p>
                  <span dir="auto">{e.address}</span>
                  <br />
                  {m.country(e.country)}
                </p>
                <Places m={m} event={e} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </Layout>
  );
}

export interface RsvpState {
  values: { name: string; email: string; consent: boolean };
  /** Field → message key. */
  errors: Record<string, string>;
}

export interface EventData {
  event: PublicEvent;
  now: Date;
  /** Where the form posts. */
  action: string;
  /** After a post: check your email; after following its link: on the list. */
  done?: "rsvp" | "confirmed";
  /** Why no one can register any more, when a post found it so. */
  refused?: "full" | "past";
  form?: RsvpState;
}

function RsvpForm(props: { m: Messages; data: EventData }) {
  const { m, data } = props;
  const values = data.form?.values ?? { name: "", email: "", consent: false };
  const errors = data.form?.errors ?? {};
  const invalid = (id: string, error: string | undefined) =>
    error ? { "aria-invalid": "true" as const, "aria-describedby": `${id}-error` } : {};
  const error = (id: string, key: string | undefined) =>
    key ? (
      <p class="field-error" id={`${id}-error`}>
        {m.t(key)}
      </p>
    ) : null;
  return (
    <form method="post" action={data.action} id="rsvp-form" class="act-form" aria-labelledby="rsvp-title">
      {data.form ? (
        <p class="form-error" role="alert">
          {m.t("form.errorSummary")}
        </p>
      ) : null}
      <div class={errors.name ? "field has-error" : "field"}>
        <label for="rsvp-name">{m.t("form.name")}</label>
        {error("rsvp-name", errors.name)}
        <input
          id="rsvp-name"
          name="name"
          autocomplete="name"
          maxLength={100}
          required
          value={values.name}
          {...invalid("rsvp-name", errors.name)}
        />
      </div>
      <div class={errors.email ? "field has-error" : "field"}>
        <label for="rsvp-email">{m.t("form.email")}</label>
        {error("rsvp-email", errors.email)}
        <input
          id="rsvp-email"
          name="email"
          type="email"
          autocomplete="email"
          maxLength={254}
          required
          value={values.email}
          {...invalid("rsvp-email", errors.email)}
        />
      </div>
      <div class={errors.consent ? "field has-error" : "field"}>
        {error("rsvp-consent", errors.consent)}
        <input
          id="rsvp-consent"
          name="consent"
          type="checkbox"
          value="yes"
          required
          checked={values.consent}
          {...invalid("rsvp-consent", errors.consent)}
        />{" "}
        <label for="rsvp-consent">{m.t("events.rsvp.consent")}</label>
      </div>
      <p class="privacy">{m.t("events.rsvp.privacy", { days: RSVP_RETENTION_DAYS })}</p>
      <button type="submit">{m.t("events.rsvp.submit")}</button>
    </form>
  );
}

export function EventPage(props: { ctx: PageContext; data: EventData }) {
  const { ctx, data } = props;
  const { m } = ctx;
  const { event } = data;
  const past = event.endsAt <= data.now || data.refused === "past";
  const full = !past && (isFull(event) || data.refused === "full");
  return (
    <Layout ctx={ctx} title={event.title}>
      <p>
        <a href={localHref(m.locale, "/events")}>{m.t("events.back")}</a>
      </p>
      <h1 dir="auto">{event.title}</h1>
      <dl>
        <dt>{m.t("events.when")}</dt>
        <dd>
          <When m={m} event={event} />
        </dd>
        <dt>{m.t("events.where")}</dt>
        <dd>
          <span dir="auto">{event.address}</span>
          <br />
          {m.country(event.country)}
        </dd>
      </dl>
      {event.description ? (
        <section aria-labelledby="about-title">
          <h2 id="about-title">{m.t("events.about")}</h2>
          {event.description.split(/\n\s*\n/).map((paragraph) => (
            <p dir="auto">
              {paragraph.split("\n").map((line, i) => (
                <>
                  {i > 0 ? <br /> : null}
                  {line}
                </>
              ))}
            </p>
          ))}
        </section>
      ) : null}

      <section aria-labelledby="rsvp-title" id="rsvp">
        <h2 id="rsvp-title">{m.t("events.rsvp.title")}</h2>
        {data.done ? (
          <p class="done" role="status">
            {data.done === "confirmed"
              ? m.t("events.rsvp.done")
              : m.t("events.rsvp.sent", { hours: RSVP_CONFIRM_HOURS })}
          </p>
        ) : past ? (
          <p role={data.refused ? "alert" : undefined}>{m.t("events.past")}</p>
        ) : full ? (
          <p role={data.refused ? "alert" : undefined}>{m.t("events.isFull")}</p>
        ) : (
          <>
            <Places m={m} event={event} />
            <RsvpForm m={m} data={data} />
          </>
        )}
      </section>
    </Layout>
  );
}
