import { Type } from "typebox";

// One rule for each kind of value that many places accept: an email address, a language tag, a
// UUID, a slug. Each comes as a function (for code) and as a TypeBox schema (for routes), and
// both say the same thing.

// Deliberately permissive: one @, a dot in the domain, no spaces, and none of the characters that
// would let one field name several recipients or break out of a mail header. The rest is the mail
// server's business.
const EMAIL_PATTERN = '^[^\\s@<>()\\[\\],;:"]{1,64}@[^\\s@<>()\\[\\],;:"]+\\.[^\\s@<>()\\[\\],;:".]{2,}$';
const EMAIL = new RegExp(EMAIL_PATTERN);
export const MAX_EMAIL = 254;

export const isEmail = (value: string): boolean => value.length <= MAX_EMAIL && EMAIL.test(value);
/** How an address is stored and compared: trimmed, lower case. */
export const normalizeEmail = (value: string): string => value.trim().toLowerCase();

// Who an address belongs to, for "one person, one signature": some providers deliver
// j.doe+w4r@gmail.com to jdoe@gmail.com. Only the providers known to ignore dots or +tags are
// folded (a dot or a + elsewhere may name another mailbox); googlemail.com is gmail.com.
const IGNORES_DOTS = new Set(["gmail.com"]);
const IGNORES_TAGS = new Set([
  "gmail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "msn.com",
  "icloud.com",
  "me.com",
  "mac.com",
  "fastmail.com",
  "proton.me",
  "protonmail.com",
  "pm.me",
]);
const SAME_DOMAIN: Record<string, string> = { "googlemail.com": "gmail.com" };

/** The address as one person: normalized, then dots and +tags folded where the provider ignores them. */
export function personalEmail(value: string): string {
  const email = normalizeEmail(value);
  const at = email.lastIndexOf("@");
  if (at < 1) return email;
  const host = email.slice(at + 1);
  const domain = SAME_DOMAIN[host] ?? host;
  let local = email.slice(0, at);
  if (IGNORES_TAGS.has(domain)) local = local.split("+")[0] || local;
  if (IGNORES_DOTS.has(domain)) local = local.replaceAll(".", "") || local;
  return `${local}@${domain}`;
}
export const Email = (options: object = {}) =>
  Type.String({ maxLength: MAX_EMAIL, pattern: EMAIL_PATTERN, ...options });

// BCP 47 as browsers and CAT tools write it: a language and optional subtags (es, es-MX, zh-Hant-TW).
const LANGUAGE_PATTERN = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$";
const LANGUAGE = new RegExp(LANGUAGE_PATTERN);

/** The canonical form of a language tag (es-mx → es-MX, zh-hans → zh-Hans), or undefined. */
export function canonicalLanguage(tag: string): string | undefined {
  if (!LANGUAGE.test(tag)) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}
export const LanguageTag = (options: object = {}) =>
  Type.String({ maxLength: 35, pattern: LANGUAGE_PATTERN, ...options });

const UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
const UUID = new RegExp(UUID_PATTERN);
export const isUuid = (value: string): boolean => UUID.test(value);
export const Uuid = (options: object = {}) => Type.String({ pattern: UUID_PATTERN, ...options });

export const SLUG_PATTERN = "^[a-z0-9][a-z0-9-]{0,62}$";
const SLUG = new RegExp(SLUG_PATTERN);
export const isSlug = (value: string): boolean => SLUG.test(value);
export const Slug = (options: object = {}) => Type.String({ pattern: SLUG_PATTERN, ...options });
