import type { OfficeUser } from "./users.js";

// Who may do what in the back office, as small named functions. Routes name the policy they
// need; the policy matrix test checks every route against every role.
//
// Two kinds of answers: a role that can never do something gets 403; a person who may do the
// kind of thing but asks for something that is private to others (another organizer's event or
// report, a pending message of another section, an account) gets 404, so its existence does not
// leak. Things that are public anyway (sections, languages) answer 403.

/** A check of what a person may do, named (`what`) so that a refusal can say what it refused. */
export type Capability = ((user: OfficeUser) => boolean) & { readonly what?: string };

const named = (what: string, can: (user: OfficeUser) => boolean): Capability =>
  Object.assign((user: OfficeUser) => can(user), { what });

const isRole =
  (...roles: OfficeUser["role"][]) =>
  (user: OfficeUser) =>
    roles.includes(user.role);

export const isAdmin: Capability = named("administering the back office", isRole("admin"));
export const canSeeOffice: Capability = named("using the back office", () => true);
export const canManageUsers: Capability = named("managing accounts", isRole("admin"));
export const canReadAudit: Capability = named("reading the audit log", isRole("admin"));
export const canReadOutbox: Capability = named("reading the outbox", isRole("admin"));
export const canEditCases: Capability = named("editing cases", isRole("admin"));
export const canTranslate: Capability = named("translating cases", isRole("admin", "translator"));
export const canEditSections: Capability = named("editing sections", isRole("admin", "coordinator"));
export const canModerate: Capability = named("moderating messages", isRole("admin", "coordinator"));
export const canExportCounts: Capability = named("exporting the counts", isRole("admin", "coordinator"));
export const canRunEvents: Capability = named("running events", isRole("admin", "coordinator", "organizer"));
export const canReport: Capability = named("reporting letters", isRole("admin", "coordinator", "organizer"));

/** Why a role is refused a capability, e.g. "Your role (translator) does not allow this: managing accounts." */
export const refusal = (user: OfficeUser, capability: Capability): string =>
  `Your role (${user.role}) does not allow this${capability.what ? `: ${capability.what}` : ""}.`;

/** Country (ISO alpha-2) → section id, from the catalog. */
export type SectionOf = (country: string) => number | undefined;

export function runsSection(user: OfficeUser, sectionId: number): boolean {
  return user.role === "admin" || (user.role === "coordinator" && user.sectionIds.includes(sectionId));
}

/** Coordinators act for the countries of their sections. */
export function runsCountry(user: OfficeUser, country: string, sectionOf: SectionOf): boolean {
  if (user.role === "admin") return true;
  const section = sectionOf(country);
  return user.role === "coordinator" && section !== undefined && user.sectionIds.includes(section);
}

const base = (tag: string) => tag.toLowerCase().split("-")[0];

/** A translator of "es" may translate into "es" only; an admin into anything. */
export function translatesInto(user: OfficeUser, language: string): boolean {
  if (user.role === "admin") return true;
  return user.role === "translator" && user.languages.some((l) => l.toLowerCase() === language.toLowerCase());
}

/** The languages a translator's queue shows (their own, and regional variants of them). */
export function queueLanguages(user: OfficeUser, all: string[]): string[] {
  if (user.role === "admin") return all;
  const mine = new Set(user.languages.map(base));
  return all.filter((l) => mine.has(base(l)) && translatesInto(user, l));
}

export function moderatesMessage(
  user: OfficeUser,
  message: { country: string },
  sectionOf: SectionOf,
): boolean {
  return runsCountry(user, message.country, sectionOf);
}

export interface EventOwnership {
  organizerId: number;
  country: string;
}

/** An organizer manages their own events; a coordinator those in their sections' countries. */
export function managesEvent(user: OfficeUser, event: EventOwnership, sectionOf: SectionOf): boolean {
  return user.id === event.organizerId || runsCountry(user, event.country, sectionOf);
}

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
