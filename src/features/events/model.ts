import countries from "i18n-iso-countries";
import { DateTime, IANAZone } from "luxon";
import { type Errors, officeKey } from "../office/index.js";

// Letter-writing events: what an organizer types (local wall-clock times and a time zone), how
// it is checked and turned into instants. The SQL is in queries.ts, the form schema in office/forms.ts.

export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 5000;
export const MAX_ADDRESS = 500;
export const MAX_CAPACITY = 100_000;
/** RSVPs (names and emails) are deleted this many days after their event ends. */
export const RSVP_RETENTION_DAYS = 30;
/** Bumped whenever the RSVP form's privacy notice changes (consents record it). */
export const RSVP_NOTICE_VERSION = "2026-11-1";

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

export interface EventRow extends EventValues {
  id: string;
  campaignId: number;
  organizerId: number;
  cancelledAt: Date | null;
  createdAt: Date;
}

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

export const isCountry = (code: string): boolean => /^[A-Z]{2}$/.test(code) && countries.isValid(code);

/** A decimal number as people type it ("48.85" or "48,85"), or NaN. */
function decimal(value: string): number {
  const normal = value.replace(",", ".");
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(normal) ? Number(normal) : Number.NaN;
}

/** What the back office says about each field: the form schema and the checks below share them. */
// Message keys (office.events.error.…), shown in the reader's language by the form parts.
export const EVENT_ERRORS = {
  title: officeKey("office.events.error.title", { max: MAX_TITLE }),
  description: officeKey("office.translations.error.tooLongN", { max: MAX_DESCRIPTION }),
  address: officeKey("office.events.error.address", { max: MAX_ADDRESS }),
  country: "office.events.error.country",
  countryNotMine: "office.events.error.countryNotMine",
  latitudeToo: "office.events.error.latitudeToo",
  latitude: "office.events.error.latitude",
  longitudeToo: "office.events.error.longitudeToo",
  longitude: "office.events.error.longitude",
  timeZone: "office.events.error.timeZone",
  format: "office.events.error.format",
  gap: "office.events.error.gap",
  endBeforeStart: "office.events.error.endBeforeStart",
  capacity: officeKey("office.events.error.capacity", { max: MAX_CAPACITY }),
};
const E = EVENT_ERRORS;
const TIME_ERRORS = { format: E.format, gap: E.gap };

/**
 * Checks a draft. `mayUseCountry` says whether this person may hold an event in a country
 * (see holdsEventsIn in policy.ts). Returns the errors, each under its field, or the values.
 */
export function validateEvent(
  draft: EventDraft,
  mayUseCountry: (country: string) => boolean,
): { errors: Errors; values?: EventValues } {
  const errors: Errors = {};
  if (draft.title.length === 0 || draft.title.length > MAX_TITLE) errors.title = E.title;
  if (draft.description.length > MAX_DESCRIPTION) errors.description = E.description;
  if (draft.address.length === 0 || draft.address.length > MAX_ADDRESS) errors.address = E.address;
  if (!isCountry(draft.country)) errors.country = E.country;
  else if (!mayUseCountry(draft.country)) errors.country = E.countryNotMine;

  let latitude: number | null = null;
  let longitude: number | null = null;
  if (draft.latitude !== "" || draft.longitude !== "") {
    latitude = decimal(draft.latitude);
    longitude = decimal(draft.longitude);
    if (draft.latitude === "") errors.latitude = E.latitudeToo;
    else if (!(latitude >= -90 && latitude <= 90)) errors.latitude = E.latitude;
    if (draft.longitude === "") errors.longitude = E.longitudeToo;
    else if (!(longitude >= -180 && longitude <= 180)) errors.longitude = E.longitude;
  }

  let startsAt: Date | undefined;
  let endsAt: Date | undefined;
  if (!isTimeZone(draft.timeZone)) {
    errors.time_zone = E.timeZone;
  } else {
    const starts = localToInstant(draft.startsLocal, draft.timeZone);
    const ends = localToInstant(draft.endsLocal, draft.timeZone);
    if ("error" in starts) errors.starts = TIME_ERRORS[starts.error === "gap" ? "gap" : "format"];
    else startsAt = starts.instant;
    if ("error" in ends) errors.ends = TIME_ERRORS[ends.error === "gap" ? "gap" : "format"];
    else endsAt = ends.instant;
    if (startsAt && endsAt && endsAt <= startsAt) errors.ends = E.endBeforeStart;
  }

  let capacity: number | null = null;
  if (draft.capacity !== "") {
    capacity = /^\d+$/.test(draft.capacity) ? Number(draft.capacity) : Number.NaN;
    if (!(Number.isInteger(capacity) && capacity >= 1 && capacity <= MAX_CAPACITY))
      errors.capacity = E.capacity;
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
