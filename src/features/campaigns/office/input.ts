import { type Static, Type } from "typebox";
import { messages } from "../../../platform/http/forms.js";
import { canonicalLanguage, isSlug, LanguageTag, SLUG_PATTERN } from "../../../platform/rules.js";
import { isTimeZone, localToInstant } from "../../events/index.js";
import { type Errors, officeKey, ot } from "../../office/index.js";

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
  /** Signatures count only once confirmed by email (features/signatures). */
  confirmSignatures: boolean;
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
  confirmSignatures: boolean;
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

// Message keys (office.campaigns.error.…), shown in the reader's language by the form parts.
const ERRORS = {
  slug: "office.campaigns.error.slug",
  title: officeKey("office.campaigns.error.title", { max: MAX_TITLE }),
  intro: officeKey("office.campaigns.error.intro", { max: MAX_INTRO }),
  eventKit: officeKey("office.campaigns.error.eventKit", { max: MAX_EVENT_KIT }),
  startsAt: "office.campaigns.error.startsAt",
  endsAt: "office.campaigns.error.endsAt",
  timeZone: "office.campaigns.error.timeZone",
  goal: "office.campaigns.error.goal",
  previous: "office.campaigns.error.previous",
  defaultLanguage: "office.campaigns.error.defaultLanguage",
  lateReportDays: "office.campaigns.error.lateDays",
  cases: "office.campaigns.error.cases",
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
  confirm_signatures: Type.Optional(Type.String({ maxLength: 10 })),
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
    // A checkbox: sent when ticked, absent when not (a form without scripts says no other way).
    confirmSignatures: body.confirm_signatures !== undefined,
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
      ? ot("office.campaigns.error.gap", { time: local.replace("T", " "), zone })
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
    else if (ctx.editions.includes(slug)) errors.slug = ot("office.campaigns.error.taken", { slug });
  }
  if (form.title === "" || form.title.length > MAX_TITLE) errors.title = ERRORS.title;
  if (form.intro.length > MAX_INTRO) errors.intro = ERRORS.intro;
  if (form.eventKit.length > MAX_EVENT_KIT) errors.event_kit = ERRORS.eventKit;

  const zone = form.timeZone;
  if (!isTimeZone(zone)) errors.time_zone = ERRORS.timeZone;
  const startsAt = instant(form.startsAt, zone, "starts_at", errors);
  const endsAt = instant(form.endsAt, zone, "ends_at", errors);
  if (startsAt && endsAt && endsAt <= startsAt) errors.ends_at = "office.campaigns.error.order";

  const goal = /^\d{1,13}$/.test(form.goal) ? Number(form.goal) : Number.NaN;
  if (!(goal >= 0 && goal <= MAX_GOAL)) errors.goal = ERRORS.goal;

  let previous: string | null = null;
  if (form.previous !== "") {
    if (form.previous === ctx.self) errors.previous = "office.campaigns.error.self";
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
  if (form.carryOver && ctx.self !== null) errors.carry_over = "office.campaigns.error.carryLater";
  if (form.carryOver && previous === null && !errors.previous)
    errors.carry_over = "office.campaigns.error.carryNoPrevious";

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
      confirmSignatures: form.confirmSignatures,
      cases,
      carryOver: form.carryOver,
    },
    errors,
  };
}
