import type { OfficeUser } from "../office/index.js";

// Who may edit a section.

/** Its coordinators, and admins. */
export function runsSection(user: OfficeUser, sectionId: number): boolean {
  return user.role === "admin" || (user.role === "coordinator" && user.sectionIds.includes(sectionId));
}
