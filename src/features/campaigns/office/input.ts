import { type Static, Type } from "typebox";
import { messages } from "../../../platform/http/forms.js";
import { canonicalLanguage, isSlug, LanguageTag, SLUG_PATTERN } from "../../../platform/rules.js";
import { isTimeZone, localToInstant } from "../../events/index.js";
import type { Errors } from "../../office/index.js";

// What an edition's form may hold, checked field by field; nothing is saved unless the whole
// form is valid. The schema checks each field's shape; checkEditionForm what it cannot see
// (the dates in their time zone, the language tag, the previous edition, the cases), and the
// route what needs the database (a slug already taken, a cycle of previous editions).

export interface EditionInput {
  slug: string;
  title: string;
  intro: string;
  eventKit: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  goal: number;
  /** The slug of the edition it is compared with, or null. */
  previous: string | null;
  defaultLanguage: string;
  lateReportDays: number;
  /** Case ids, in the form's order. */
  cases: number[];
  /** Creating only: also feature every case of the previous edition, in its order. */
  carryOver: boolean;
}

/** The form as typed, to show it again beside its errors. */
export interface EditionForm {
  slug: string;
  title: string;
  intro: string;
  eventKit: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  goal: string;
  previous: string;
  defaultLanguage: string;
  lateReportDays: string;
  cases: string[];
  carryOver: boolean;
}

export const MAX_TITLE = 200;
export const MAX_INTRO = 5_000;
export const MAX_EVENT_KIT = 50_000;
const MAX_GOAL = 1_000_000_000_000;
export const DEFAULT_LATE_REPORT_DAYS = 90;

/** Long texts in any script: urlencoded, a character takes up to 9 bytes. */
export const TEXT_BODY_LIMIT = 1024 * 1024;

/** `?done=` names the notice after a save. */
export const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) });

const ERRORS = {
  slug: "A slug is 1 to 63 lower-case letters, digits and hyphens, starting with a letter or digit (like w4r-2013).",
  title: `Enter a title of at most ${MAX_TITLE} characters.`,
  intro: `Keep the introduction under ${MAX_INTRO.toLocaleString("en")} characters.`,
  eventKit: `Keep the event kit under ${MAX_EVENT_KIT.toLocaleString("en")} characters.`,
  startsAt: "Enter when the campaign starts, as a date and time.",
  endsAt: "Enter when the campaign ends, as a date and time.",
  timeZone: "Choose a time zone from the list (like Europe/Madrid or UTC).",
  goal: "The goal is a whole number of actions, 0 or more.",
  previous: "Choose the previous campaign from the list.",
  defaultLanguage: "Enter the default language as a BCP 47 tag (like en or es-ES).",
  lateReportDays: "Late reports are taken for a whole number of days, from 0 to 3650.",
  cases: "Choose cases from the list.",
};

const LocalDateTime = (message: string) =>
  Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$", ...messages(message) });

export const EditionFormBody = Type.Object({
  // Required on creation only: the route says so (an edition keeps its slug).
  slug: Type.Optional(Type.String({ pattern: SLUG_PATTERN, ...messages(ERRORS.slug) })),
  title: Type.String({ maxLength: MAX_TITLE, ...messages(ERRORS.title) }),
  intro: Type.Optional(Type.String({ maxLength: MAX_INTRO, ...messages(ERRORS.intro) })),
  event_kit: Type.Optional(Type.String({ maxLength: MAX_EVENT_KIT, ...messages(ERRORS.eventKit) })),
  starts_at: LocalDateTime(ERRORS.startsAt),
  ends_at: LocalDateTime(ERRORS.endsAt),
  time_zone: Type.String({ maxLength: 100, ...messages(ERRORS.timeZone) }),
  goal: Type.String({ pattern: "^\\d{1,13}$", ...messages(ERRORS.goal) }),
  previous: Type.Optional(Type.String({ maxLength: 100, ...messages(ERRORS.previous) })),
  default_language: LanguageTag(messages(ERRORS.defaultLanguage)),
  late_report_days: Type.Optional(Type.String({ pattern: "^\\d{1,4}$", ...messages(ERRORS.lateReportDays) })),
  cases: Type.Optional(Type.Array(Type.String({ pattern: "^\\d{1,9}$" }), messages(ERRORS.cases))),
  carry_over: Type.Optional(Type.String({ maxLength: 10 })),
});

export type EditionBody = Partial<Static<typeof EditionFormBody>>;

export function readEditionForm(body: EditionBody): EditionForm {
  return {
    slug: body.slug ?? "",
    title: body.title ?? "",
    intro: (body.intro ?? "").replaceAll("\r\n", "\n"),
    eventKit: (body.event_kit ?? "").replaceAll("\r\n", "\n"),
    startsAt: body.starts_at ?? "",
    endsAt: body.ends_at ?? "",
    timeZone: body.time_zone ?? "",
    goal: body.goal ?? "",
    previous: body.previous ?? "",
    defaultLanguage: body.default_language ?? "",
    lateReportDays: body.late_report_days ?? String(DEFAULT_LATE_REPORT_DAYS),
    cases: body.cases ?? [],
    carryOver: body.carry_over !== undefined,
  };
}

export interface EditionContext {
  /** The edition being edited (its slug), or null when creating one. */
  self: string | null;
  /** Slugs of every edition there is. */
  editions: string[];
  /** Ids of every case there is. */
  caseIds: number[];
}

function instant(local: string, zone: string, field: "starts_at" | "ends_at", errors: Errors): Date | null {
  if (!isTimeZone(zone)) return null;
  const result = localToInstant(local, zone);
  if ("instant" in result) return result.instant;
  errors[field] =
    result.error === "gap"
      ? `${local.replace("T", " ")} does not exist in ${zone} (the clocks skip it); choose another time.`
      : field === "starts_at"
        ? ERRORS.startsAt
        : ERRORS.endsAt;
  return null;
}

export function checkEditionForm(
  form: EditionForm,
  ctx: EditionContext,
): { input: EditionInput; errors: Errors } {
  const errors: Errors = {};
  const slug = ctx.self ?? form.slug.toLowerCase();
  if (ctx.self === null) {
    if (!isSlug(slug)) errors.slug = ERRORS.slug;
    else if (ctx.editions.includes(slug)) errors.slug = `There is already a campaign “${slug}”.`;
  }
  if (form.title === "" || form.title.length > MAX_TITLE) errors.title = ERRORS.title;
  if (form.intro.length > MAX_INTRO) errors.intro = ERRORS.intro;
  if (form.eventKit.length > MAX_EVENT_KIT) errors.event_kit = ERRORS.eventKit;

  const zone = form.timeZone;
  if (!isTimeZone(zone)) errors.time_zone = ERRORS.timeZone;
  const startsAt = instant(form.startsAt, zone, "starts_at", errors);
  const endsAt = instant(form.endsAt, zone, "ends_at", errors);
  if (startsAt && endsAt && endsAt <= startsAt) errors.ends_at = "The campaign must end after it starts.";

  const goal = /^\d{1,13}$/.test(form.goal) ? Number(form.goal) : Number.NaN;
  if (!(goal >= 0 && goal <= MAX_GOAL)) errors.goal = ERRORS.goal;

  let previous: string | null = null;
  if (form.previous !== "") {
    if (form.previous === ctx.self) errors.previous = "A campaign cannot be compared with itself.";
    else if (!ctx.editions.includes(form.previous)) errors.previous = ERRORS.previous;
    else previous = form.previous;
  }

  const defaultLanguage = canonicalLanguage(form.defaultLanguage);
  if (!defaultLanguage) errors.default_language = ERRORS.defaultLanguage;

  const days = /^\d{1,4}$/.test(form.lateReportDays) ? Number(form.lateReportDays) : Number.NaN;
  if (!(days >= 0 && days <= 3650)) errors.late_report_days = ERRORS.lateReportDays;

  const known = new Set(ctx.caseIds);
  const cases: number[] = [];
  for (const value of form.cases) {
    const id = Number(value);
    if (!known.has(id)) errors.cases = ERRORS.cases;
    else if (!cases.includes(id)) cases.push(id);
  }
  if (form.carryOver && ctx.self !== null)
    errors.carry_over = "Cases are carried over when a campaign is created.";
  if (form.carryOver && previous === null && !errors.previous)
    errors.carry_over = "Choose the previous campaign to carry its cases over.";

  return {
    input: {
      slug,
      title: form.title,
      intro: form.intro,
      eventKit: form.eventKit,
      startsAt: startsAt ?? new Date(0),
      endsAt: endsAt ?? new Date(0),
      timeZone: zone,
      goal,
      previous,
      defaultLanguage: defaultLanguage ?? "en",
      lateReportDays: days,
      cases,
      carryOver: form.carryOver,
    },
    errors,
  };
}
