import { type OfficeUser, runsCountry, type SectionOf } from "../office/index.js";

// Who may moderate a solidarity message.

/** The coordinators of the message's country, and admins. */
export function moderatesMessage(
  user: OfficeUser,
  message: { country: string },
  sectionOf: SectionOf,
): boolean {
  return runsCountry(user, message.country, sectionOf);
}
