import { randomUUID } from "node:crypto";
import type pg from "pg";
import { withTransaction } from "../../platform/db/transaction.js";
import type { Privacy } from "../../platform/privacy/privacy.js";
import { type Notice, recordConsent } from "../acting/index.js";
import { countRsvps, getEvent, hasRsvp, insertRsvp } from "./queries.js";

// The RSVP itself: one place per person, never more than the capacity.

export type RsvpOutcome = "registered" | "already" | "full" | "past" | "not_found";

/**
 * Registers a person for an event. The event row is locked while the RSVPs are counted, so two
 * people cannot both take the last place; the same person twice is one RSVP (the first name
 * kept). The consent the form asked for is recorded with it, under the notice it showed.
 */
export async function registerRsvp(
  pool: pg.Pool,
  privacy: Privacy,
  eventId: string,
  person: { name: string; email: string },
  notice: Notice,
  now = new Date(),
): Promise<RsvpOutcome> {
  return withTransaction(pool, async (client) => {
    const event = await getEvent(client, eventId, true);
    if (!event?.public || event.cancelledAt) return "not_found";
    if (await hasRsvp(client, privacy, eventId, person.email)) return "already";
    if (event.endsAt <= now) return "past";
    if (event.capacity !== null && (await countRsvps(client, eventId)) >= event.capacity) return "full";
    const id = randomUUID();
    await insertRsvp(client, privacy, { id, eventId, ...person });
    await recordConsent(client, privacy, {
      campaignId: event.campaignId,
      key: `rsvp:${id}`,
      email: person.email,
      purpose: `rsvp:${eventId}`,
      notice,
      source: "form",
    });
    return "registered";
  });
}
