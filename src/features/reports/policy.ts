import { type EventOwnership, managesEvent } from "../events/index.js";
import { type OfficeUser, runsCountry, type SectionOf } from "../office/index.js";

// Who may report letters, and who sees a report.

/** Who may report letters for a country, and for an event when one is named. */
export function reportsFor(
  user: OfficeUser,
  target: { country: string; event?: EventOwnership },
  sectionOf: SectionOf,
): boolean {
  if (target.event)
    return managesEvent(user, target.event, sectionOf) && target.event.country === target.country;
  if (runsCountry(user, target.country, sectionOf)) return true;
  const section = sectionOf(target.country);
  return user.role === "organizer" && section !== undefined && user.sectionIds.includes(section);
}

/** A report is seen by who made it, the coordinators of its country, and admins. */
export function seesReport(
  user: OfficeUser,
  report: { reportedBy: number; country: string },
  sectionOf: SectionOf,
): boolean {
  return user.id === report.reportedBy || runsCountry(user, report.country, sectionOf);
}
