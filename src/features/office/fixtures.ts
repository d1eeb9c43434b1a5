import type { OfficeUser, Role } from "./users.js";

// A back-office account as the policies see it, for the policies' unit tests. Spain is section 1,
// Mexico section 2 (see `sectionOf`).

export const person = (role: Role, more: Partial<OfficeUser> = {}): OfficeUser => ({
  id: 1,
  email: `${role}@example.org`,
  name: role,
  role,
  sectionIds: [],
  languages: [],
  ...more,
});

export const sectionOf = (country: string): number | undefined => ({ ES: 1, MX: 2 })[country];
