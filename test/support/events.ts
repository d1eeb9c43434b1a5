import { randomUUID } from "node:crypto";
import type { TestApp } from "./app.js";

// Events made straight in the database, for tests that need one to exist (RSVPs, reports,
// policies). Every detail has a plain default: a public event in Madrid in ten days, for three
// hours, in the edition open in the test catalog.

const DAY = 86_400_000;

export interface EventSpec {
  organizerId: number;
  title?: string;
  description?: string;
  address?: string;
  country?: string;
  latitude?: number | null;
  longitude?: number | null;
  startsAt?: Date;
  /** How long it lasts. */
  hours?: number;
  timeZone?: string;
  capacity?: number | null;
  public?: boolean;
  cancelled?: boolean;
  /** The edition, by slug (w4r-2012 unless said) or by id. */
  campaign?: string;
  campaignId?: number;
}

/** Inserts an event and returns its id. */
export async function makeEvent(node: TestApp, spec: EventSpec): Promise<string> {
  const id = randomUUID();
  const startsAt = spec.startsAt ?? new Date(Date.now() + 10 * DAY);
  const endsAt = new Date(startsAt.getTime() + (spec.hours ?? 3) * 3_600_000);
  const campaignId = spec.campaignId ?? node.runtime.catalog().campaigns.get(spec.campaign ?? "w4r-2012")?.id;
  if (campaignId === undefined) throw new Error(`no edition ${spec.campaign}`);
  await node.db.pool.query(
    `INSERT INTO events (id, campaign_id, organizer_id, title, description, address, country, latitude,
                         longitude, starts_at, ends_at, time_zone, capacity, public, cancelled_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      id,
      campaignId,
      spec.organizerId,
      spec.title ?? `Event ${id.slice(0, 8)}`,
      spec.description ?? "Bring a pen.",
      spec.address ?? "Calle Mayor 1, Madrid",
      spec.country ?? "ES",
      spec.latitude === undefined ? 40.4168 : spec.latitude,
      spec.longitude === undefined ? -3.7038 : spec.longitude,
      startsAt,
      endsAt,
      spec.timeZone ?? "Europe/Madrid",
      spec.capacity ?? null,
      spec.public ?? true,
      spec.cancelled ? new Date() : null,
    ],
  );
  // As the office's forms do: every node's shared events pages move on.
  await node.runtime.contentChanged();
  return id;
}
