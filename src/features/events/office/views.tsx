import countries from "i18n-iso-countries";
import type { CampaignInfo } from "../../../core/catalog/catalog.js";
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
  officeMessages,
  ot,
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

const CODES = Object.keys(countries.getAlpha2Codes());
const byLanguage = new Map<string, [string, string][]>();

/** Every country, by its name in the page's language: the form offers those where a person may hold events. */
export function allCountries(): [string, string][] {
  const m = officeMessages();
  let list = byLanguage.get(m.locale);
  if (!list) {
    list = CODES.map((code) => [code, m.country(code)] as [string, string]).sort((a, b) =>
      a[1].localeCompare(b[1], m.locale),
    );
    byLanguage.set(m.locale, list);
  }
  return list;
}

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
        label={ot("office.events.title")}
        value={p.draft.title}
        errors={p.errors}
        required
        attrs={{ maxlength: 200 }}
      />
      <Field
        name="description"
        label={ot("office.events.description")}
        value={p.draft.description}
        errors={p.errors}
        textarea
        rows={5}
        hint={ot("office.events.descriptionHint")}
      />
      <Field
        name="address"
        label={ot("office.events.address")}
        value={p.draft.address}
        errors={p.errors}
        textarea
        rows={3}
        required
      />
      <Field
        name="country"
        label={ot("office.events.country")}
        value={p.draft.country}
        errors={p.errors}
        options={p.countries}
        required
      />
      <fieldset class="field">
        <legend>{ot("office.events.coordinates")}</legend>
        <p class="hint">{ot("office.events.coordinatesHint")}</p>
        <Field
          name="latitude"
          label={ot("office.events.latitude")}
          value={p.draft.latitude}
          errors={p.errors}
          attrs={{ inputmode: "decimal" }}
        />
        <Field
          name="longitude"
          label={ot("office.events.longitude")}
          value={p.draft.longitude}
          errors={p.errors}
          attrs={{ inputmode: "decimal" }}
        />
      </fieldset>
      <Field
        name="time_zone"
        label={ot("office.events.timeZone")}
        value={p.draft.timeZone}
        errors={p.errors}
        options={[["", ot("office.events.chooseZone")], ...zones.map((z): [string, string] => [z, z])]}
        hint={ot("office.events.timeZoneHint")}
        required
      />
      <Field
        name="starts"
        label={ot("office.events.starts")}
        type="datetime-local"
        value={p.draft.startsLocal}
        errors={p.errors}
        required
        hint={ot("office.events.startsHint")}
      />
      <Field
        name="ends"
        label={ot("office.events.ends")}
        type="datetime-local"
        value={p.draft.endsLocal}
        errors={p.errors}
        required
      />
      <Field
        name="capacity"
        label={ot("office.events.capacity")}
        type="number"
        value={p.draft.capacity}
        errors={p.errors}
        hint={ot("office.events.capacityHint")}
        attrs={{ min: 1, step: 1 }}
      />
      <Checkbox name="public" label={ot("office.events.public")} checked={p.draft.public} />
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
    <OfficeLayout title={ot("office.events.register")} user={p.user} csrf={p.csrf} current="/office/events">
      <ErrorSummary errors={p.errors ?? {}} />
      <EventForm
        action="/office/events/new"
        draft={p.draft}
        errors={p.errors ?? {}}
        countries={p.countries}
        csrf={p.csrf}
        submit={ot("office.events.registerSubmit")}
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
    <OfficeLayout
      title={ot("office.events.pageTitle", { title: event.title })}
      user={p.user}
      csrf={p.csrf}
      current="/office/events"
    >
      {p.notice ? <Notice>{p.notice}</Notice> : null}
      <ErrorSummary errors={p.errors ?? {}} />
      <dl>
        <dt>{ot("office.events.edition")}</dt>
        <dd>{p.campaignTitle ?? event.campaignId}</dd>
        <dt>{ot("office.events.when")}</dt>
        <dd>
          {ot("office.events.fromTo", {
            from: formatInZone(event.startsAt, event.timeZone),
            to: formatInZone(event.endsAt, event.timeZone),
          })}
        </dd>
        <dt>{ot("office.events.status")}</dt>
        <dd>
          {event.cancelledAt
            ? ot("office.events.cancelledAt", { time: formatTime(event.cancelledAt) })
            : ended
              ? ot("office.events.over")
              : event.public
                ? ot("office.events.upcomingPublic")
                : ot("office.events.upcomingPrivate")}
        </dd>
        <dt>{ot("office.events.letters")}</dt>
        <dd>{officeMessages().number(p.letters)}</dd>
      </dl>
      <p>
        <a class="button" href={`/office/reports/new?event=${event.id}`}>
          {ot("office.events.reportFor")}
        </a>{" "}
        {event.public && !event.cancelledAt ? (
          <a href={`/events/${event.id}`}>{ot("office.events.publicPage")}</a>
        ) : null}
      </p>

      <section aria-labelledby="rsvps-title">
        <h2 id="rsvps-title">
          {event.capacity === null
            ? ot("office.events.rsvps", { count: rsvps.length })
            : ot("office.events.rsvpsOf", { count: rsvps.length, capacity: event.capacity })}
        </h2>
        <p class="hint">{ot("office.events.rsvpsHint", { days: RSVP_RETENTION_DAYS })}</p>
        {rsvps.length === 0 ? (
          <p>{ot("office.events.noOne")}</p>
        ) : (
          <table>
            <caption class="sr-only">{ot("office.events.rsvpsHeader")}</caption>
            <thead>
              <tr>
                <th scope="col">{ot("office.events.name")}</th>
                <th scope="col">{ot("office.events.email")}</th>
                <th scope="col">{ot("office.events.since")}</th>
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
          <h2>{ot("office.events.edit")}</h2>
          <EventForm
            action={`/office/events/${event.id}`}
            draft={p.draft ?? draftOfEvent(event)}
            errors={p.errors ?? {}}
            countries={p.countries}
            csrf={p.csrf}
            submit={ot("office.events.save")}
          />
          <h2>{ot("office.events.cancelTitle")}</h2>
          <form method="post" action={`/office/events/${event.id}/cancel`}>
            <CsrfField token={p.csrf} />
            <p>{ot("office.events.cancelHint")}</p>
            <button type="submit" class="danger">
              {ot("office.events.cancel")}
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
    <OfficeLayout title={ot("office.menu.events")} user={p.user} csrf={p.csrf} current="/office/events">
      {p.done === "cancelled" ? <Notice>{ot("office.events.notice.cancelled")}</Notice> : null}
      <p>
        <a class="button" href="/office/events/new">
          {ot("office.events.register")}
        </a>
      </p>
      <form class="filters" method="get" action="/office/events">
        <Field
          name="campaign"
          label={ot("office.events.edition")}
          value={p.campaign?.slug}
          options={[...p.campaigns].map((c): [string, string] => [c.slug, c.title])}
        />
        <button type="submit">{ot("office.translations.show")}</button>
      </form>
      {p.events.length === 0 ? (
        <p>{ot("office.events.none")}</p>
      ) : (
        <table>
          <caption class="sr-only">{ot("office.events.caption", { title: p.campaign?.title ?? "" })}</caption>
          <thead>
            <tr>
              <th scope="col">{ot("office.events.title")}</th>
              <th scope="col">{ot("office.events.starts")}</th>
              <th scope="col">{ot("office.events.country")}</th>
              <th scope="col">{ot("office.events.visibility")}</th>
              <th scope="col" class="number">
                {ot("office.events.rsvpsHeader")}
              </th>
              <th scope="col" class="number">
                {ot("office.events.letters")}
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
                <td>{officeMessages().country(e.country)}</td>
                <td>
                  {ot(
                    e.cancelledAt
                      ? "office.events.state.cancelled"
                      : e.endsAt <= now
                        ? "office.events.state.over"
                        : e.public
                          ? "office.events.state.public"
                          : "office.events.state.private",
                  )}
                </td>
                <td class="number">
                  {officeMessages().number(e.rsvps)}
                  {e.capacity === null ? "" : ` / ${officeMessages().number(e.capacity)}`}
                </td>
                <td class="number">{officeMessages().number(e.letters)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </OfficeLayout>
  );
}
