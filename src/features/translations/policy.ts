import type { OfficeUser } from "../office/index.js";

// Who may translate what: translators their languages, admins any.

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
