import { randomUUID } from "node:crypto";
import type pg from "pg";
import { withTransaction } from "../../platform/db/transaction.js";
import { type EventRow, eventFromRow, getEvent, isUuid } from "./model.js";

// What the public site reads of events (public, not cancelled) and the RSVP itself.

export interface PublicEvent extends EventRow {
  /** RSVPs so far, to say "full" before anyone fills in the form. */
  rsvps: number;
}

const visible = "e.public AND e.cancelled_at IS NULL";

/** Public events of an edition that have not ended yet, soonest first; one country or all. */
export async function upcomingPublicEvents(
  db: pg.Pool,
  o: { campaignId: number; now: Date; country?: string },
): Promise<PublicEvent[]> {
  const result = await db.query(
    `SELECT e.*, (SELECT count(*) FROM event_rsvps r WHERE r.event_id = e.id)::int AS rsvps
       FROM events e
      WHERE e.campaign_id = $1 AND ${visible} AND e.ends_at > $2 AND ($3::text IS NULL OR e.country = $3)
      ORDER BY e.starts_at, e.title`,
    [o.campaignId, o.now, o.country ?? null],
  );
  return result.rows.map((row) => ({ ...eventFromRow(row), rsvps: row.rsvps as number }));
}

/** Countries that have upcoming public events in an edition (for the filter). */
export async function countriesWithEvents(db: pg.Pool, campaignId: number, now: Date): Promise<string[]> {
  const result = await db.query(
    `SELECT DISTINCT e.country FROM events e WHERE e.campaign_id = $1 AND ${visible} AND e.ends_at > $2`,
    [campaignId, now],
  );
  return result.rows.map((row) => String(row.country).trim());
}

/** One public event, or undefined when it is unknown, private or cancelled. */
export async function publicEvent(db: pg.Pool, id: string): Promise<PublicEvent | undefined> {
  if (!isUuid(id)) return undefined;
  const result = await db.query(
    `SELECT e.*, (SELECT count(*) FROM event_rsvps r WHERE r.event_id = e.id)::int AS rsvps
       FROM events e WHERE e.id = $1 AND ${visible}`,
    [id],
  );
  return result.rows[0]
    ? { ...eventFromRow(result.rows[0]), rsvps: result.rows[0].rsvps as number }
    : undefined;
}

export type RsvpOutcome = "registered" | "already" | "full" | "past" | "not_found";

/**
 * Registers a person for an event. The event row is locked while the RSVPs are counted, so two
 * people cannot both take the last place; the same email twice is one RSVP (the first name kept).
 */
export async function registerRsvp(
  pool: pg.Pool,
  eventId: string,
  person: { name: string; email: string },
  now = new Date(),
): Promise<RsvpOutcome> {
  return withTransaction(pool, async (client) => {
    const event = await getEvent(client, eventId, true);
    if (!event?.public || event.cancelledAt) return "not_found";
    const existing = await client.query("SELECT 1 FROM event_rsvps WHERE event_id = $1 AND email = $2", [
      eventId,
      person.email,
    ]);
    if (existing.rowCount) return "already";
    if (event.endsAt <= now) return "past";
    if (event.capacity !== null) {
      const taken = await client.query("SELECT count(*)::int AS n FROM event_rsvps WHERE event_id = $1", [
        eventId,
      ]);
      if ((taken.rows[0].n as number) >= event.capacity) return "full";
    }
    await client.query(
      `INSERT INTO event_rsvps (id, event_id, name, email) VALUES ($1, $2, $3, $4)
       ON CONFLICT (event_id, email) DO NOTHING`,
      [randomUUID(), eventId, person.name, person.email],
    );
    return "registered";
  });
}
