import { type OfficeUser, runsCountry, type SectionOf } from "../office/index.js";

// Who may run which events.

export interface EventOwnership {
  organizerId: number;
  country: string;
}

/** An organizer manages their own events; a coordinator those in their sections' countries. */
export function managesEvent(user: OfficeUser, event: EventOwnership, sectionOf: SectionOf): boolean {
  return user.id === event.organizerId || runsCountry(user, event.country, sectionOf);
}

/**
 * Where a person may hold an event: admins anywhere; coordinators, and organizers who belong to
 * sections, in their sections' countries; an organizer of no section anywhere (a volunteer).
 */
export function holdsEventsIn(user: OfficeUser, country: string, sectionOf: SectionOf): boolean {
  if (user.role === "admin") return true;
  if (user.role === "organizer" && user.sectionIds.length === 0) return true;
  if (user.role !== "coordinator" && user.role !== "organizer") return false;
  const section = sectionOf(country);
  return section !== undefined && user.sectionIds.includes(section);
}
