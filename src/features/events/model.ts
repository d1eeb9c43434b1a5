import countries from "i18n-iso-countries";
import { DateTime, IANAZone } from "luxon";
import type pg from "pg";
import type { CampaignInfo, Catalog } from "../../core/catalog/catalog.js";
import { checked, type FormBody, text } from "../office/form.js";
import type { Errors } from "../office/ui.js";

// Letter-writing events: what an organizer types (local wall-clock times and a time zone), how
// it is checked and turned into instants, and how events are read and written.

type Db = pg.Pool | pg.PoolClient;

export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 5000;
export const MAX_ADDRESS = 500;
export const MAX_CAPACITY = 100_000;
/** RSVPs (names and emails) are deleted this many days after their event ends. */
export const RSVP_RETENTION_DAYS = 30;

export interface EventRow {
  id: string;
  campaignId: number;
  organizerId: number;
  title: string;
  description: string;
  address: string;
  country: string;
  latitude: number | null;
  longitude: number | null;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  capacity: number | null;
  public: boolean;
  cancelledAt: Date | null;
  createdAt: Date;
}

const COLUMNS = `id, campaign_id, organizer_id, title, description, address, country, latitude, longitude,
  starts_at, ends_at, time_zone, capacity, public, cancelled_at, created_at`;

export function eventFromRow(row: Record<string, unknown>): EventRow {
  return {
    id: row.id as string,
    campaignId: row.campaign_id as number,
    organizerId: row.organizer_id as number,
    title: row.title as string,
    description: row.description as string,
    address: row.address as string,
    country: String(row.country).trim(),
    latitude: row.latitude as number | null,
    longitude: row.longitude as number | null,
    startsAt: row.starts_at as Date,
    endsAt: row.ends_at as Date,
    timeZone: row.time_zone as string,
    capacity: row.capacity as number | null,
    public: row.public as boolean,
    cancelledAt: row.cancelled_at as Date | null,
    createdAt: row.created_at as Date,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: string): boolean => UUID.test(id);

// --- Time zones and local times -------------------------------------------------------------

/** The zones offered in the form: every zone this runtime knows, and UTC first. */
export const TIME_ZONES: string[] = ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];

export const isTimeZone = (zone: string): boolean => zone !== "" && IANAZone.isValidZone(zone);

const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const WALL = "yyyy-MM-dd'T'HH:mm";

export type LocalTime = { instant: Date } | { error: "format" | "zone" | "gap" };

/**
 * A wall-clock time (as a datetime-local input sends it) in an IANA zone → the instant.
 * A time that does not exist (the hour skipped when clocks go forward) is refused rather than
 * silently moved; a time that exists twice (the hour repeated when clocks go back) is read as
 * the first of the two, the one before the change.
 */
export function localToInstant(local: string, zone: string): LocalTime {
  if (!isTimeZone(zone)) return { error: "zone" };
  if (!LOCAL.test(local)) return { error: "format" };
  const wall = DateTime.fromISO(local, { zone: "utc" });
  if (!wall.isValid) return { error: "format" };
  const wanted = wall.toFormat(WALL);
  // Every offset the zone has around that day; each gives one candidate instant.
  const around = [-1, 0, 1].map((days) => wall.plus({ days }).toMillis());
  const offsets = new Set(around.map((ms) => DateTime.fromMillis(ms, { zone }).offset));
  const candidates = [...offsets]
    .map((offset) => wall.minus({ minutes: offset }).setZone(zone))
    .filter((candidate) => candidate.toFormat(WALL) === wanted)
    .map((candidate) => candidate.toMillis())
    .sort((a, b) => a - b);
  if (candidates.length === 0) return { error: "gap" };
  return { instant: new Date(candidates[0] as number) };
}

/** An instant as the datetime-local value of the event's zone. */
export const toLocalInput = (instant: Date, zone: string): string =>
  DateTime.fromJSDate(instant, { zone }).toFormat(WALL);

/** An instant in the event's zone, for staff: "2012-12-08 18:00 (Europe/Paris)". */
export const formatInZone = (instant: Date, zone: string): string =>
  `${DateTime.fromJSDate(instant, { zone }).toFormat("yyyy-MM-dd HH:mm")} (${zone})`;

// --- The form -------------------------------------------------------------------------------

export interface EventDraft {
  title: string;
  description: string;
  address: string;
  country: string;
  latitude: string;
  longitude: string;
  startsLocal: string;
  endsLocal: string;
  timeZone: string;
  capacity: string;
  public: boolean;
}

export function draftOf(body: FormBody): EventDraft {
  return {
    title: text(body, "title"),
    description: text(body, "description"),
    address: text(body, "address"),
    country: text(body, "country").toUpperCase(),
    latitude: text(body, "latitude"),
    longitude: text(body, "longitude"),
    startsLocal: text(body, "starts"),
    endsLocal: text(body, "ends"),
    timeZone: text(body, "time_zone"),
    capacity: text(body, "capacity"),
    public: checked(body, "public"),
  };
}

export function draftOfEvent(event: EventRow): EventDraft {
  return {
    title: event.title,
    description: event.description,
    address: event.address,
    country: event.country,
    latitude: event.latitude === null ? "" : String(event.latitude),
    longitude: event.longitude === null ? "" : String(event.longitude),
    startsLocal: toLocalInput(event.startsAt, event.timeZone),
    endsLocal: toLocalInput(event.endsAt, event.timeZone),
    timeZone: event.timeZone,
    capacity: event.capacity === null ? "" : String(event.capacity),
    public: event.public,
  };
}

/** What is written: the draft checked and converted. */
export interface EventValues {
  title: string;
  description: string;
  address: string;
  country: string;
  latitude: number | null;
  longitude: number | null;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  capacity: number | null;
  public: boolean;
}

export const isCountry = (code: string): boolean => /^[A-Z]{2}$/.test(code) && countries.isValid(code);

/** A decimal number as people type it ("48.85" or "48,85"), or NaN. */
function decimal(value: string): number {
  const normal = value.replace(",", ".");
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(normal) ? Number(normal) : Number.NaN;
}

const TIME_ERRORS = {
  format: "Enter a date and time, e.g. 2012-12-08 18:00.",
  gap: "This time does not exist in that time zone (the clocks go forward then). Choose another time.",
};

/**
 * Checks a draft. `mayUseCountry` says whether this person may hold an event in a country
 * (see holdsEventsIn in policy.ts). Returns the errors, each under its field, or the values.
 */
export function validateEvent(
  draft: EventDraft,
  mayUseCountry: (country: string) => boolean,
): { errors: Errors; values?: EventValues } {
  const errors: Errors = {};
  if (draft.title.length === 0 || draft.title.length > MAX_TITLE)
    errors.title = `Enter a title (up to ${MAX_TITLE} characters).`;
  if (draft.description.length > MAX_DESCRIPTION)
    errors.description = `Use at most ${MAX_DESCRIPTION} characters.`;
  if (draft.address.length === 0 || draft.address.length > MAX_ADDRESS)
    errors.address = `Enter the address (up to ${MAX_ADDRESS} characters).`;
  if (!isCountry(draft.country)) errors.country = "Choose a country from the list.";
  else if (!mayUseCountry(draft.country))
    errors.country = "You can hold events only in the countries of your sections.";

  let latitude: number | null = null;
  let longitude: number | null = null;
  if (draft.latitude !== "" || draft.longitude !== "") {
    latitude = decimal(draft.latitude);
    longitude = decimal(draft.longitude);
    if (draft.latitude === "") errors.latitude = "Enter the latitude too, or neither.";
    else if (!(latitude >= -90 && latitude <= 90)) errors.latitude = "Enter a latitude between -90 and 90.";
    if (draft.longitude === "") errors.longitude = "Enter the longitude too, or neither.";
    else if (!(longitude >= -180 && longitude <= 180))
      errors.longitude = "Enter a longitude between -180 and 180.";
  }

  let startsAt: Date | undefined;
  let endsAt: Date | undefined;
  if (!isTimeZone(draft.timeZone)) {
    errors.time_zone = "Choose a time zone from the list, e.g. Europe/Paris.";
  } else {
    const starts = localToInstant(draft.startsLocal, draft.timeZone);
    const ends = localToInstant(draft.endsLocal, draft.timeZone);
    if ("error" in starts) errors.starts = TIME_ERRORS[starts.error === "gap" ? "gap" : "format"];
    else startsAt = starts.instant;
    if ("error" in ends) errors.ends = TIME_ERRORS[ends.error === "gap" ? "gap" : "format"];
    else endsAt = ends.instant;
    if (startsAt && endsAt && endsAt <= startsAt) errors.ends = "The end must be after the start.";
  }

  let capacity: number | null = null;
  if (draft.capacity !== "") {
    capacity = /^\d+$/.test(draft.capacity) ? Number(draft.capacity) : Number.NaN;
    if (!(Number.isInteger(capacity) && capacity >= 1 && capacity <= MAX_CAPACITY))
      errors.capacity = `Enter a whole number from 1 to ${MAX_CAPACITY}, or leave it empty for no limit.`;
  }

  if (Object.keys(errors).length > 0 || !startsAt || !endsAt) return { errors };
  return {
    errors,
    values: {
      title: draft.title,
      description: draft.description,
      address: draft.address,
      country: draft.country,
      latitude,
      longitude,
      startsAt,
      endsAt,
      timeZone: draft.timeZone,
      capacity,
      public: draft.public,
    },
  };
}

// --- Reading and writing --------------------------------------------------------------------

export async function getEvent(db: Db, id: string, forUpdate = false): Promise<EventRow | undefined> {
  if (!isUuid(id)) return undefined;
  const result = await db.query(
    `SELECT ${COLUMNS} FROM events WHERE id = $1${forUpdate ? " FOR UPDATE" : ""}`,
    [id],
  );
  return result.rows[0] ? eventFromRow(result.rows[0]) : undefined;
}

export interface EventSummary extends EventRow {
  rsvps: number;
  letters: number;
}

/**
 * Events of an edition that a person manages: all of them (admins), or their own and those in
 * the given countries (a coordinator's sections), with RSVP and reported-letter counts.
 */
export async function listEvents(
  db: Db,
  o: { campaignId: number; all: boolean; organizerId: number; countries: string[] },
): Promise<EventSummary[]> {
  const result = await db.query(
    `SELECT ${COLUMNS.replace(/(\w+)/g, "e.$1")},
            (SELECT count(*) FROM event_rsvps r WHERE r.event_id = e.id)::int AS rsvps,
            (SELECT COALESCE(sum(quantity), 0) FROM reports p WHERE p.event_id = e.id)::int AS letters
       FROM events e
      WHERE e.campaign_id = $1 AND ($2 OR e.organizer_id = $3 OR e.country = ANY($4::text[]))
      ORDER BY e.starts_at, e.title`,
    [o.campaignId, o.all, o.organizerId, o.countries],
  );
  return result.rows.map((row) => ({
    ...eventFromRow(row),
    rsvps: row.rsvps as number,
    letters: row.letters as number,
  }));
}

export async function insertEvent(
  client: Db,
  o: { id: string; campaignId: number; organizerId: number; values: EventValues },
): Promise<EventRow> {
  const v = o.values;
  const result = await client.query(
    `INSERT INTO events (id, campaign_id, organizer_id, title, description, address, country, latitude,
                         longitude, starts_at, ends_at, time_zone, capacity, public)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ${COLUMNS}`,
    [
      o.id,
      o.campaignId,
      o.organizerId,
      v.title,
      v.description,
      v.address,
      v.country,
      v.latitude,
      v.longitude,
      v.startsAt,
      v.endsAt,
      v.timeZone,
      v.capacity,
      v.public,
    ],
  );
  return eventFromRow(result.rows[0]);
}

export async function updateEvent(client: Db, id: string, v: EventValues): Promise<EventRow> {
  const result = await client.query(
    `UPDATE events SET title = $2, description = $3, address = $4, country = $5, latitude = $6,
            longitude = $7, starts_at = $8, ends_at = $9, time_zone = $10, capacity = $11, public = $12
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [
      id,
      v.title,
      v.description,
      v.address,
      v.country,
      v.latitude,
      v.longitude,
      v.startsAt,
      v.endsAt,
      v.timeZone,
      v.capacity,
      v.public,
    ],
  );
  return eventFromRow(result.rows[0]);
}

export interface Rsvp {
  name: string;
  email: string;
  createdAt: Date;
}

export async function rsvpsOf(db: Db, eventId: string): Promise<Rsvp[]> {
  const result = await db.query(
    "SELECT name, email, created_at FROM event_rsvps WHERE event_id = $1 ORDER BY created_at, email",
    [eventId],
  );
  return result.rows.map((row) => ({ name: row.name, email: row.email, createdAt: row.created_at }));
}

/** Keeps the promise the RSVP form makes: names and emails go 30 days after the event ends. */
export async function purgeOldRsvps(db: Db, now = new Date()): Promise<number> {
  const result = await db.query(
    `DELETE FROM event_rsvps r USING events e
      WHERE r.event_id = e.id AND e.ends_at < $1::timestamptz - make_interval(days => $2)`,
    [now, RSVP_RETENTION_DAYS],
  );
  return result.rowCount ?? 0;
}
