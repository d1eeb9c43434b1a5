import type pg from "pg";
import type { Privacy } from "../../platform/privacy/privacy.js";
import { isUuid } from "../../platform/rules.js";
import { type EventRow, type EventValues, RSVP_RETENTION_DAYS } from "./model.js";

// The SQL of events and RSVPs, each query with the row it returns. Rows are turned into the
// model's shapes here, so no view sees a database column.

export type Db = pg.Pool | pg.PoolClient;

/** An events row as PostgreSQL returns it. */
export interface EventDbRow {
  id: string;
  campaign_id: number;
  organizer_id: number;
  title: string;
  description: string;
  address: string;
  /** char(2): comes back padded if ever shorter, hence the trim below. */
  country: string;
  latitude: number | null;
  longitude: number | null;
  starts_at: Date;
  ends_at: Date;
  time_zone: string;
  capacity: number | null;
  public: boolean;
  cancelled_at: Date | null;
  created_at: Date;
}

/** An event with how many people said they are coming (and, for staff, the letters reported). */
interface CountedDbRow extends EventDbRow {
  rsvps: number;
}
interface SummaryDbRow extends CountedDbRow {
  letters: number;
}
interface CountRow {
  n: number;
}
interface RsvpDbRow {
  name: string | null;
  email: string | null;
  name_sealed: Buffer | null;
  email_sealed: Buffer | null;
  created_at: Date;
}
interface CountryRow {
  country: string;
}

const COLUMNS = `id, campaign_id, organizer_id, title, description, address, country, latitude, longitude,
  starts_at, ends_at, time_zone, capacity, public, cancelled_at, created_at`;

export function eventFromRow(row: EventDbRow): EventRow {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    organizerId: row.organizer_id,
    title: row.title,
    description: row.description,
    address: row.address,
    country: row.country.trim(),
    latitude: row.latitude,
    longitude: row.longitude,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    timeZone: row.time_zone,
    capacity: row.capacity,
    public: row.public,
    cancelledAt: row.cancelled_at,
    createdAt: row.created_at,
  };
}

// --- The back office ------------------------------------------------------------------------

export async function getEvent(db: Db, id: string, forUpdate = false): Promise<EventRow | undefined> {
  if (!isUuid(id)) return undefined;
  const result = await db.query<EventDbRow>(
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
  const result = await db.query<SummaryDbRow>(
    `SELECT ${COLUMNS.replace(/(\w+)/g, "e.$1")},
            (SELECT count(*) FROM event_rsvps r WHERE r.event_id = e.id AND r.confirmed_at IS NOT NULL)::int AS rsvps,
            (SELECT COALESCE(sum(quantity), 0) FROM reports p WHERE p.event_id = e.id)::int AS letters
       FROM events e
      WHERE e.campaign_id = $1 AND ($2 OR e.organizer_id = $3 OR e.country = ANY($4::text[]))
      ORDER BY e.starts_at, e.title`,
    [o.campaignId, o.all, o.organizerId, o.countries],
  );
  return result.rows.map((row) => ({ ...eventFromRow(row), rsvps: row.rsvps, letters: row.letters }));
}

const valuesOf = (v: EventValues) => [
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
];

export async function insertEvent(
  client: Db,
  o: { id: string; campaignId: number; organizerId: number; values: EventValues },
): Promise<EventRow> {
  const result = await client.query<EventDbRow>(
    `INSERT INTO events (id, campaign_id, organizer_id, title, description, address, country, latitude,
                         longitude, starts_at, ends_at, time_zone, capacity, public)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ${COLUMNS}`,
    [o.id, o.campaignId, o.organizerId, ...valuesOf(o.values)],
  );
  return eventFromRow(result.rows[0] as EventDbRow);
}

export async function updateEvent(client: Db, id: string, v: EventValues): Promise<EventRow> {
  const result = await client.query<EventDbRow>(
    `UPDATE events SET title = $2, description = $3, address = $4, country = $5, latitude = $6,
            longitude = $7, starts_at = $8, ends_at = $9, time_zone = $10, capacity = $11, public = $12
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, ...valuesOf(v)],
  );
  return eventFromRow(result.rows[0] as EventDbRow);
}

/** Marks an event cancelled; returns when. */
export async function cancelEvent(client: Db, id: string): Promise<Date | undefined> {
  const result = await client.query<{ cancelled_at: Date }>(
    "UPDATE events SET cancelled_at = now() WHERE id = $1 RETURNING cancelled_at",
    [id],
  );
  return result.rows[0]?.cancelled_at;
}

/** The places taken: confirmed RSVPs only (a pending one holds no place, see rsvps.ts). */
export async function countRsvps(db: Db, eventId: string): Promise<number> {
  const result = await db.query<CountRow>(
    "SELECT count(*)::int AS n FROM event_rsvps WHERE event_id = $1 AND confirmed_at IS NOT NULL",
    [eventId],
  );
  return result.rows[0]?.n ?? 0;
}

/** Letters reported for an event, net: every report that names it, with its corrections. */
export async function lettersOf(db: Db, eventId: string): Promise<number> {
  const result = await db.query<CountRow>(
    "SELECT COALESCE(sum(quantity), 0)::int AS n FROM reports WHERE event_id = $1",
    [eventId],
  );
  return result.rows[0]?.n ?? 0;
}

export interface Rsvp {
  name: string;
  email: string;
  createdAt: Date;
}

/** The people coming (confirmed RSVPs, since they confirmed), opened for the event's organizers. */
export async function rsvpsOf(db: Db, privacy: Privacy, eventId: string): Promise<Rsvp[]> {
  const result = await db.query<RsvpDbRow>(
    `SELECT name, email, name_sealed, email_sealed, confirmed_at AS created_at FROM event_rsvps
      WHERE event_id = $1 AND confirmed_at IS NOT NULL ORDER BY confirmed_at, id`,
    [eventId],
  );
  return result.rows.map((row) => ({
    name: privacy.read(row.name_sealed, row.name, "name") ?? "",
    email: privacy.read(row.email_sealed, row.email, "email") ?? "",
    createdAt: row.created_at,
  }));
}

/**
 * Keeps the promise the RSVP form makes: names and emails go 30 days after the event ends, and
 * those of RSVPs never confirmed as soon as their link expires.
 */
export async function purgeOldRsvps(db: Db, now = new Date()): Promise<number> {
  const old = await db.query(
    `DELETE FROM event_rsvps r USING events e
      WHERE r.event_id = e.id AND e.ends_at < $1::timestamptz - make_interval(days => $2)`,
    [now, RSVP_RETENTION_DAYS],
  );
  const expired = await db.query(
    "DELETE FROM event_rsvps WHERE confirmed_at IS NULL AND expires_at <= $1::timestamptz",
    [now],
  );
  return (old.rowCount ?? 0) + (expired.rowCount ?? 0);
}

// --- The public site ------------------------------------------------------------------------

export interface PublicEvent extends EventRow {
  /** Places taken (confirmed RSVPs), to say "full" before anyone fills in the form. */
  rsvps: number;
}

const visible = "e.public AND e.cancelled_at IS NULL";
const counted = `${COLUMNS.replace(/(\w+)/g, "e.$1")},
  (SELECT count(*) FROM event_rsvps r WHERE r.event_id = e.id AND r.confirmed_at IS NOT NULL)::int AS rsvps`;
const publicOf = (row: CountedDbRow): PublicEvent => ({ ...eventFromRow(row), rsvps: row.rsvps });

/** Public events of an edition that have not ended yet, soonest first; one country or all. */
export async function upcomingPublicEvents(
  db: Db,
  o: { campaignId: number; now: Date; country?: string },
): Promise<PublicEvent[]> {
  const result = await db.query<CountedDbRow>(
    `SELECT ${counted}
       FROM events e
      WHERE e.campaign_id = $1 AND ${visible} AND e.ends_at > $2 AND ($3::text IS NULL OR e.country = $3)
      ORDER BY e.starts_at, e.title`,
    [o.campaignId, o.now, o.country ?? null],
  );
  return result.rows.map(publicOf);
}

/** Countries that have upcoming public events in an edition (for the filter). */
export async function countriesWithEvents(db: Db, campaignId: number, now: Date): Promise<string[]> {
  const result = await db.query<CountryRow>(
    `SELECT DISTINCT e.country FROM events e WHERE e.campaign_id = $1 AND ${visible} AND e.ends_at > $2`,
    [campaignId, now],
  );
  return result.rows.map((row) => row.country.trim());
}

/** One public event, or undefined when it is unknown, private or cancelled. */
export async function publicEvent(db: Db, id: string): Promise<PublicEvent | undefined> {
  if (!isUuid(id)) return undefined;
  const result = await db.query<CountedDbRow>(
    `SELECT ${counted} FROM events e WHERE e.id = $1 AND ${visible}`,
    [id],
  );
  return result.rows[0] ? publicOf(result.rows[0]) : undefined;
}
