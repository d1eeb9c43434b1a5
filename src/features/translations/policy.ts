import type { OfficeUser } from "../office/index.js";

// Who may translate what: translators their languages, admins any. Who may approve: with four
// eyes (a section asks that someone other than the translator approves its languages), not the
// person who last changed the text.

/** A translator of "es" may translate into "es" only; an admin into anything. */
export function translatesInto(user: OfficeUser, language: string): boolean {
  if (user.role === "admin") return true;
  return user.role === "translator" && user.languages.some((l) => l.toLowerCase() === language.toLowerCase());
}

const base = (tag: string) => tag.toLowerCase().split("-")[0];

/** The languages a translator's queue shows (their own, and regional variants of them). */
export function queueLanguages(user: OfficeUser, all: string[]): string[] {
  if (user.role === "admin") return all;
  const mine = new Set(user.languages.map(base));
  return all.filter((l) => mine.has(base(l)) && translatesInto(user, l));
}

/** A coordinator reviews the translations into the languages of the sections they run. */
export function reviewsInto(
  user: OfficeUser,
  language: string,
  sectionLanguages: Map<number, string[]>,
): boolean {
  if (user.role !== "coordinator") return false;
  return user.sectionIds.some((id) =>
    (sectionLanguages.get(id) ?? []).some((l) => l.toLowerCase() === language.toLowerCase()),
  );
}

export interface Approval {
  /** Some section using the language asks for a second person. */
  reviewRequired: boolean;
  /** Who wrote the text being approved (the approver, when the same post changes it). */
  editedBy: number | null;
  /** The person coordinates a section using the language. */
  reviews: boolean;
}

/**
 * Whether a person may approve a text in a language: a translator of it, an admin, or a
 * coordinator of a section using it; with four eyes, never the one who wrote the text.
 */
export function mayApprove(user: OfficeUser, language: string, o: Approval): boolean {
  if (!translatesInto(user, language) && !o.reviews) return false;
  return !o.reviewRequired || o.editedBy !== user.id;
}
