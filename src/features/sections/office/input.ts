import { type Static, Type } from "typebox";
import { messages } from "../../../platform/http/forms.js";
import { canonicalLanguage, Email, isEmail } from "../../../platform/rules.js";
import { type Errors, officeKey, ot } from "../../office/index.js";

// What a section's form may hold, checked field by field. Every problem is reported beside its
// field; nothing is saved unless the whole form is valid. The route validates a post with the
// schema first (each field's shape and its sentence); checkSectionForm then checks what the
// schema cannot see (each language tag, the cases of the current edition), with the same
// sentences.

export interface SectionInput {
  /** Canonical BCP 47 tags, in the section's order; the first is its default. */
  languages: string[];
  /** Case ids in the order the section shows them; empty when there is no current edition. */
  featured: number[];
  /** The section's own goal for the current edition; null for none. */
  goal: number | null;
  contactEmail: string | null;
  contactPhone: string | null;
  website: string | null;
  postalAddress: string | null;
}

/** The form as typed, to show it again beside its errors. */
export interface SectionForm {
  languages: string;
  featured: string[];
  positions: Record<string, string>;
  goal: string;
  contactEmail: string;
  contactPhone: string;
  website: string;
  postalAddress: string;
}

const MAX_LANGUAGES = 20;
const MAX_GOAL = 1_000_000_000_000;
const PHONE_PATTERN = "^\\+?[\\d\\s().\\-/]+$";
const PHONE = new RegExp(PHONE_PATTERN);

// Message keys (office.sections.error.…), shown in the reader's language by the form parts.
const ERRORS = {
  languages: "office.sections.error.languages",
  featured: "office.sections.error.featured",
  goal: "office.campaigns.error.goal",
  email: "office.sections.error.email",
  phone: "office.sections.error.phone",
  website: "office.sections.error.website",
};

/**
 * The section form. `position-<case id>` fields (one per case offered) are not named here: they
 * come as typed, and readSectionForm reads them. The postal address's length is checked after
 * its line ends are made \n (a browser sends \r\n), so it is not a schema rule.
 */
export const SectionFormBody = Type.Object({
  languages: Type.String(messages(ERRORS.languages)),
  featured: Type.Optional(Type.Array(Type.String({ pattern: "^\\d{1,9}$" }), messages(ERRORS.featured))),
  goal: Type.Optional(Type.String({ pattern: "^\\d+$", ...messages(ERRORS.goal) })),
  contact_email: Type.Optional(Email(messages(ERRORS.email))),
  contact_phone: Type.Optional(
    Type.String({ maxLength: 40, pattern: PHONE_PATTERN, ...messages(ERRORS.phone) }),
  ),
  website: Type.Optional(Type.String()),
  postal_address: Type.Optional(Type.String()),
});

/** A post of the section form: its named fields, and the `position-<id>` ones as they came. */
export type SectionBody = Partial<Static<typeof SectionFormBody>> & Record<string, unknown>;

/** Tags separated by commas, spaces or new lines, as people type lists. */
export const splitLanguages = (value: string): string[] => value.split(/[\s,;]+/).filter(Boolean);

export function readSectionForm(body: SectionBody): SectionForm {
  const positions: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    const match = /^position-(\d{1,9})$/.exec(name);
    if (match?.[1] && typeof value === "string") positions[match[1]] = value.trim();
  }
  // The named fields arrive trimmed, blank ones missing (normalizeForm); the positions as sent.
  return {
    languages: body.languages ?? "",
    featured: body.featured ?? [],
    positions,
    goal: body.goal ?? "",
    contactEmail: body.contact_email ?? "",
    contactPhone: body.contact_phone ?? "",
    website: body.website ?? "",
    postalAddress: (body.postal_address ?? "").replaceAll("\r\n", "\n"),
  };
}

/**
 * Checks the form. `campaignCases` are the current edition's case ids in its own order (null
 * when there is no edition: then nothing can be featured and no goal set).
 */
export function checkSectionForm(
  form: SectionForm,
  campaignCases: number[] | null,
): { input: SectionInput; errors: Errors } {
  const errors: Errors = {};

  const languages: string[] = [];
  const tags = splitLanguages(form.languages);
  for (const tag of tags) {
    const canonical = canonicalLanguage(tag);
    if (!canonical) {
      errors.languages ??= ot("office.sections.error.tag", { tag });
    } else if (languages.some((l) => l.toLowerCase() === canonical.toLowerCase())) {
      errors.languages ??= ot("office.sections.error.twice", { tag: canonical });
    } else {
      languages.push(canonical);
    }
  }
  if (tags.length === 0) errors.languages = ERRORS.languages;
  else if (tags.length > MAX_LANGUAGES)
    errors.languages = officeKey("office.sections.error.tooMany", { max: MAX_LANGUAGES });

  const featured: { id: number; position: number; order: number }[] = [];
  const inCampaign = new Map((campaignCases ?? []).map((id, order) => [id, order]));
  for (const value of new Set(form.featured)) {
    const id = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
    const order = inCampaign.get(id);
    if (order === undefined) {
      errors.featured ??= ERRORS.featured;
      continue;
    }
    const position = form.positions[value] ?? "";
    if (position !== "" && !/^\d{1,3}$/.test(position)) {
      errors.featured ??= "office.sections.error.order";
      continue;
    }
    featured.push({ id, position: position === "" ? 1000 : Number(position), order });
  }
  featured.sort((a, b) => a.position - b.position || a.order - b.order);

  let goal: number | null = null;
  if (form.goal !== "") {
    if (!/^\d+$/.test(form.goal)) errors.goal = ERRORS.goal;
    else if (Number(form.goal) > MAX_GOAL) errors.goal = "office.sections.error.goalTooLarge";
    else if (campaignCases === null) errors.goal = "office.sections.error.noCampaign";
    else goal = Number(form.goal);
  }

  const email = form.contactEmail;
  if (email !== "" && !isEmail(email)) errors.contact_email = ERRORS.email;

  const phone = form.contactPhone;
  const digits = phone.replace(/\D/g, "").length;
  if (phone !== "" && (phone.length > 40 || !PHONE.test(phone) || digits < 5 || digits > 20))
    errors.contact_phone = ERRORS.phone;

  let website: string | null = null;
  if (form.website !== "") {
    const url = URL.canParse(form.website) ? new URL(form.website) : undefined;
    if (url?.protocol !== "https:" || !url.hostname.includes(".") || url.username || url.password)
      errors.website = ERRORS.website;
    else if (url.href.length > 500) errors.website = "office.sections.error.websiteTooLong";
    else website = url.href;
  }

  if (form.postalAddress.length > 500) errors.postal_address = "office.sections.error.postalAddress";

  return {
    input: {
      languages,
      featured: featured.map((f) => f.id),
      goal,
      contactEmail: email || null,
      contactPhone: phone || null,
      website,
      postalAddress: form.postalAddress || null,
    },
    errors,
  };
}
