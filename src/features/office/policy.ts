import { ot } from "./i18n.js";
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
export const canInvalidate: Capability = named("invalidating actions", isRole("admin"));
export const canReadAudit: Capability = named("reading the audit log", isRole("admin"));
export const canReadOutbox: Capability = named("reading the outbox", isRole("admin"));
/** Who acted most, by client address, network and email domain: personal data, admins only. */
export const canReadActivity: Capability = named("reading the activity", isRole("admin"));
export const canEditCases: Capability = named("editing cases", isRole("admin"));
export const canTranslate: Capability = named("translating cases", isRole("admin", "translator"));
/** Coordinators review (approve) translations into their sections' languages; translators write them. */
export const canReviewTranslations: Capability = named(
  "reviewing translations",
  isRole("admin", "translator", "coordinator"),
);
export const canEditSections: Capability = named("editing sections", isRole("admin", "coordinator"));
export const canModerate: Capability = named("moderating messages", isRole("admin", "coordinator"));
export const canExportCounts: Capability = named("exporting the counts", isRole("admin", "coordinator"));
/** A supporter's data by email: look-up, download, erasure (coordinators for their countries). */
export const canLookUpSupporters: Capability = named(
  "looking up supporters' data",
  isRole("admin", "coordinator"),
);
export const canRunEvents: Capability = named("running events", isRole("admin", "coordinator", "organizer"));
export const canReport: Capability = named("reporting letters", isRole("admin", "coordinator", "organizer"));

/**
 * Why a role is refused a capability, e.g. "Your role (translator) does not allow this: managing
 * accounts.", in the request's language: `what` names the office.can.* message.
 */
export const refusal = (user: OfficeUser, capability: Capability): string => {
  const role = ot(`office.role.${user.role}`);
  return capability.what && CAPABILITY_KEYS[capability.what]
    ? ot("office.refusal.what", { role, what: ot(`office.can.${CAPABILITY_KEYS[capability.what]}`) })
    : ot("office.refusal", { role });
};

// The capabilities' names as message keys (office.can.…); `what` stays English for logs.
const CAPABILITY_KEYS: Record<string, string> = {
  "administering the back office": "administer",
  "using the back office": "use",
  "managing accounts": "manageUsers",
  "invalidating actions": "invalidate",
  "reading the audit log": "readAudit",
  "reading the outbox": "readOutbox",
  "reading the activity": "readActivity",
  "editing cases": "editCases",
  "translating cases": "translate",
  "reviewing translations": "review",
  "editing sections": "editSections",
  "moderating messages": "moderate",
  "exporting the counts": "exportCounts",
  "looking up supporters' data": "lookUpSupporters",
  "running events": "runEvents",
  "reporting letters": "report",
};

/** Country (ISO alpha-2) → section id, from the catalog. */
export type SectionOf = (country: string) => number | undefined;

/** Coordinators act for the countries of their sections. */
export function runsCountry(user: OfficeUser, country: string, sectionOf: SectionOf): boolean {
  if (user.role === "admin") return true;
  const section = sectionOf(country);
  return user.role === "coordinator" && section !== undefined && user.sectionIds.includes(section);
}
