import { randomUUID } from "node:crypto";
import type pg from "pg";
import { withTransaction } from "../../platform/db/transaction.js";
import type { Privacy } from "../../platform/privacy/privacy.js";
import { type Notice, recordConsent } from "../acting/index.js";
import { newToken, hashToken as tokenHash } from "../office/index.js";
import { countRsvps, getEvent, type PublicEvent, publicEvent } from "./queries.js";

// The RSVP itself: one per person and event, confirmed by email before it takes a place, never
// more places taken than the capacity.
//
// A post stores the RSVP pending, with the sha-256 of a random one-time token, and the token
// goes out by email. A pending RSVP holds no place: a client that posts made-up addresses
// fills nothing, because only someone who can read the mail can confirm. Following the link
// confirms it while the event's row is locked, so two confirmations cannot both take the last
// place. A pending RSVP expires after RSVP_CONFIRM_HOURS; the hourly clean-up deletes it.

export const RSVP_CONFIRM_HOURS = 24;

export type RsvpRequest =
  | { outcome: "pending"; token: string; event: PublicEvent }
  | { outcome: "already" | "full" | "past" | "not_found" };

export type RsvpConfirmation =
  | "confirmed"
  | "already"
  | "full"
  | "past"
  | "expired"
  | "invalid"
  | "not_found";

/**
 * Stores an RSVP as pending and returns the token to mail. The same person again (the same
 * address as one person: the keyed hash of platform/rules.ts personalEmail) while pending gets a
 * fresh link; once confirmed, nothing changes ("already"). Full and past are said before any
 * mail is sent. The name and address are stored sealed, and the consent the form asked for is
 * recorded with the RSVP, under the notice it showed.
 */
export async function requestRsvp(
  pool: pg.Pool,
  privacy: Privacy,
  eventId: string,
  person: { name: string; email: string },
  notice: Notice,
  now = new Date(),
): Promise<RsvpRequest> {
  const event = await publicEvent(pool, eventId);
  if (!event) return { outcome: "not_found" };
  if (event.endsAt <= now) return { outcome: "past" };
  const emailKey = privacy.emailKey(person.email);
  if (event.capacity !== null && event.rsvps >= event.capacity) {
    // Someone already on the list hears so, even when the list is full now.
    const mine = await pool.query(
      "SELECT 1 FROM event_rsvps WHERE event_id = $1 AND email_key = $2 AND confirmed_at IS NOT NULL",
      [event.id, emailKey],
    );
    return { outcome: (mine.rowCount ?? 0) > 0 ? "already" : "full" };
  }
  const token = newToken();
  const stored = await pool.query<{ id: string }>(
    `INSERT INTO event_rsvps (id, event_id, email_key, name_sealed, email_sealed, token_hash, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz + make_interval(hours => $8))
     ON CONFLICT (event_id, email_key) DO UPDATE
        SET name_sealed = EXCLUDED.name_sealed, email_sealed = EXCLUDED.email_sealed,
            token_hash = EXCLUDED.token_hash, expires_at = EXCLUDED.expires_at, created_at = now()
      WHERE event_rsvps.confirmed_at IS NULL
     RETURNING id`,
    [
      randomUUID(),
      event.id,
      emailKey,
      privacy.seal(person.name, "name"),
      privacy.seal(person.email, "email"),
      tokenHash(token),
      now,
      RSVP_CONFIRM_HOURS,
    ],
  );
  const id = stored.rows[0]?.id;
  if (id === undefined) return { outcome: "already" };
  // Once per RSVP (its key): a fresh link for the same pending RSVP records nothing more.
  await recordConsent(pool, privacy, {
    campaignId: event.campaignId,
    key: `rsvp:${id}`,
    email: person.email,
    purpose: `rsvp:${event.id}`,
    notice,
    source: "form",
  });
  return { outcome: "pending", token, event };
}

interface PendingRow {
  id: string;
  confirmed_at: Date | null;
  expires_at: Date | null;
}

async function findByToken(db: pg.Pool | pg.PoolClient, eventId: string, token: string, lock: boolean) {
  const result = await db.query<PendingRow>(
    `SELECT id, confirmed_at, expires_at FROM event_rsvps
      WHERE event_id = $1 AND token_hash = $2${lock ? " FOR UPDATE" : ""}`,
    [eventId, tokenHash(token)],
  );
  return result.rows[0];
}

/** What following a link would do, without doing it (the page with the confirm button). */
export async function rsvpLinkState(
  pool: pg.Pool,
  eventId: string,
  token: string,
  now = new Date(),
): Promise<"pending" | "already" | "expired" | "invalid"> {
  const row = await findByToken(pool, eventId, token, false);
  if (!row) return "invalid";
  if (row.confirmed_at) return "already";
  return row.expires_at && row.expires_at <= now ? "expired" : "pending";
}

/**
 * Confirms the pending RSVP the token names, taking a place if one is free. The event row is
 * locked while the confirmed RSVPs are counted (as the office's capacity change does), so
 * concurrent confirmations take places one at a time and a full event refuses the rest.
 */
export async function confirmRsvp(
  pool: pg.Pool,
  eventId: string,
  token: string,
  now = new Date(),
): Promise<RsvpConfirmation> {
  return withTransaction(pool, async (client) => {
    const event = await getEvent(client, eventId, true);
    if (!event?.public || event.cancelledAt) return "not_found";
    const row = await findByToken(client, event.id, token, true);
    if (!row) return "invalid";
    if (row.confirmed_at) return "already";
    if (row.expires_at && row.expires_at <= now) return "expired";
    if (event.endsAt <= now) return "past";
    if (event.capacity !== null && (await countRsvps(client, event.id)) >= event.capacity) return "full";
    // The token stays, so that following the link again says "you are on the list".
    await client.query("UPDATE event_rsvps SET confirmed_at = $2, expires_at = NULL WHERE id = $1", [
      row.id,
      now,
    ]);
    return "confirmed";
  });
}
