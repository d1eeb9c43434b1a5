import { DateTime } from "luxon";
import type { CampaignInfo, Catalog } from "../../core/catalog/catalog.js";
import { reportingCampaign, reportsCloseAt, takesReports } from "../../core/catalog/current.js";
import { isCountryCode } from "../../core/ledger/intake.js";
import { ACTION_TYPES, type ActionType } from "../../core/ledger/types.js";
import { Problem } from "../../platform/http/problems.js";
import { isUuid } from "../../platform/rules.js";
import { managesEvent } from "../events/index.js";
import type { OfficeUser, SectionOf } from "../office/index.js";
import { officeMessages, ot } from "../office/index.js";
import { reportsFor } from "./policy.js";

// Offline reports: letters written on paper, counted by the people who ran the writing. A
// report is one row in `reports` and one ledger entry (idempotency key "report:<id>"), written
// in the same transaction, so the live counter moves exactly when the report exists. The same
// checks serve the form and every row of a CSV file.

export const MAX_QUANTITY = 1_000_000;
export const MAX_REASON = 500;
export const REPORT_COLUMNS = ["case", "type", "country", "date", "quantity", "event", "reason"] as const;
export type Column = (typeof REPORT_COLUMNS)[number];
export type ReportInput = Record<Column, string>;

/** not_found and forbidden are answered 404 / 403 by the form; in a CSV they are row errors. */
export interface RowProblem {
  column: Column | "row";
  message: string;
  kind: "invalid" | "forbidden" | "not_found";
}

export interface ReportEvent {
  id: string;
  campaignId: number;
  organizerId: number;
  title: string;
  country: string;
  startsAt: Date;
  timeZone: string;
  /** Places at the event, when it has a limit: how many letters are plausible. */
  capacity: number | null;
  cancelled: boolean;
}

export interface CheckedReport {
  caseId: number;
  caseSlug: string;
  type: ActionType;
  country: string;
  /** YYYY-MM-DD, the day the letters were written. */
  date: string;
  quantity: number;
  eventId: string | null;
  reason: string | null;
  occurredAt: Date;
}

export interface CheckContext {
  campaign: CampaignInfo;
  user: OfficeUser;
  sectionOf: SectionOf;
  events: Map<string, ReportEvent>;
  now: Date;
}

/** The campaign reports go to now (see core/catalog/current.ts), or a 409 when there is none. */
export function campaignToReport(catalog: Catalog, now = new Date()): CampaignInfo {
  const campaign = reportingCampaign(catalog, now);
  if (!campaign) throw new Problem(409, "no_campaign", ot("office.reports.error.noCampaign"));
  // Not started yet is the dates' business (the form says which days count); after the late
  // reports close, nothing more can be filed for it.
  if (now >= campaign.endsAt) assertTakesReports(campaign, now);
  return campaign;
}

/** A 409 once an edition's late reports are closed (the form, imports and corrections alike). */
export function assertTakesReports(campaign: CampaignInfo, now = new Date()): void {
  if (now >= campaign.startsAt && !takesReports(campaign, now)) {
    const day = reportsCloseAt(campaign).toISOString().slice(0, 10);
    throw new Problem(
      409,
      "reports_closed",
      `${campaign.title} took reports until ${day}; it is closed now.`,
    );
  }
}

/** The earliest time zone is UTC+14: until then "today" somewhere may be tomorrow in UTC. */
const AHEAD_MS = 14 * 3_600_000;
const day = (date: Date) => date.toISOString().slice(0, 10);

/** The first and last day of a campaign (UTC dates; ends_at itself is excluded). */
export function campaignDays(campaign: CampaignInfo): [string, string] {
  return [day(campaign.startsAt), day(new Date(campaign.endsAt.getTime() - 1))];
}

function validDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(t) && day(new Date(t)) === value;
}

/**
 * When the letters of a day count: noon UTC of that day, not later than now, and inside the
 * campaign (the first and last days may be partial).
 */
export function occurredAtOf(date: string, campaign: CampaignInfo, now: Date): Date {
  let t = Date.parse(`${date}T12:00:00Z`);
  t = Math.min(t, now.getTime());
  t = Math.max(t, campaign.startsAt.getTime());
  t = Math.min(t, campaign.endsAt.getTime() - 1);
  return new Date(t);
}

const fmt = (n: number) => officeMessages().number(n);

/** Checks one report (a form or a CSV row) against the campaign, the ledger's rules and the policy. */
export function checkReport(
  input: ReportInput,
  ctx: CheckContext,
): { report?: CheckedReport; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const invalid = (column: Column | "row", message: string) =>
    problems.push({ column, message, kind: "invalid" });
  const { campaign } = ctx;

  const caseSlug = input.case.trim().toLowerCase();
  const caseId = campaign.cases.get(caseSlug);
  if (!caseSlug) invalid("case", ot("office.reports.error.case"));
  else if (caseId === undefined)
    invalid(
      "case",
      ot("office.reports.error.unknownCase", { value: input.case.trim(), title: campaign.title }),
    );

  const type = (input.type.trim().toLowerCase() || "letter") as ActionType;
  if (!ACTION_TYPES.includes(type)) {
    invalid(
      "type",
      ot("office.reports.error.type", { value: input.type.trim(), types: ACTION_TYPES.join(", ") }),
    );
  }

  const country = input.country.trim().toUpperCase();
  const countryOk = isCountryCode(country);
  if (!country) invalid("country", ot("office.reports.error.country"));
  else if (!countryOk) {
    invalid("country", ot("office.reports.error.notCountry", { value: input.country.trim() }));
  }

  const date = input.date.trim();
  const [first, last] = campaignDays(campaign);
  if (!date) invalid("date", ot("office.reports.error.date"));
  else if (!validDate(date)) invalid("date", ot("office.reports.error.notDate", { value: date }));
  else if (date < first || date > last) {
    invalid("date", ot("office.reports.error.outside", { first, last }));
  } else if (date > day(new Date(ctx.now.getTime() + AHEAD_MS))) {
    invalid("date", ot("office.reports.error.future"));
  }

  const quantityText = input.quantity.trim();
  const quantity = /^\d{1,7}$/.test(quantityText) ? Number(quantityText) : Number.NaN;
  if (!(quantity >= 1 && quantity <= MAX_QUANTITY)) {
    invalid(
      "quantity",
      quantityText
        ? ot("office.reports.error.quantityValue", { value: quantityText, max: fmt(MAX_QUANTITY) })
        : ot("office.reports.error.quantity", { max: fmt(MAX_QUANTITY) }),
    );
  }

  const reason = input.reason.trim();
  if (reason.length > MAX_REASON)
    invalid("reason", ot("office.reports.error.reasonLong", { max: MAX_REASON }));

  const eventText = input.event.trim();
  let event: ReportEvent | undefined;
  if (eventText) {
    event = isUuid(eventText) ? ctx.events.get(eventText.toLowerCase()) : undefined;
    // An event that is not theirs is answered like one that does not exist.
    if (!event || !managesEvent(ctx.user, event, ctx.sectionOf)) {
      problems.push({
        column: "event",
        message: ot("office.reports.error.noEvent", { value: eventText }),
        kind: "not_found",
      });
      event = undefined;
    } else if (event.campaignId !== campaign.id) {
      invalid("event", ot("office.reports.error.eventCampaign", { title: event.title }));
    } else if (countryOk && event.country !== country) {
      invalid(
        "country",
        ot("office.reports.error.eventCountry", { title: event.title, country: event.country }),
      );
    }
  }
  if (countryOk && !eventText && !reportsFor(ctx.user, { country }, ctx.sectionOf)) {
    problems.push({
      column: "country",
      message: ot("office.reports.error.notYours", { country }),
      kind: "forbidden",
    });
  }

  if (problems.length > 0 || caseId === undefined) return { problems };
  // The policy has the last word, whatever the checks above made of the event.
  if (!reportsFor(ctx.user, { country, event }, ctx.sectionOf)) {
    return {
      problems: [
        { column: "country", message: ot("office.reports.error.notYours", { country }), kind: "forbidden" },
      ],
    };
  }
  return {
    problems,
    report: {
      caseId,
      caseSlug,
      type,
      country,
      date,
      quantity,
      eventId: event?.id ?? null,
      reason: reason || null,
      occurredAt: occurredAtOf(date, campaign, ctx.now),
    },
  };
}

/**
 * Above this many letters per place of the event's capacity, a report (or a correction's new
 * total) asks "are you sure?" first: 2,000 letters from a 60-place event is more likely a typo
 * than a record.
 */
export const PLAUSIBLE_PER_PLACE = 20;

/** Whether `quantity` for `event` needs a second "yes": an event with a capacity, and above 20 a place. */
export function needsConfirmation(quantity: number, event: ReportEvent | undefined | null): boolean {
  return event?.capacity != null && quantity > PLAUSIBLE_PER_PLACE * event.capacity;
}

/** The day of an event as its organizer sees it, to prefill a report. */
export function eventDay(event: ReportEvent): string {
  const local = DateTime.fromJSDate(event.startsAt, { zone: event.timeZone });
  return (local.isValid ? local : DateTime.fromJSDate(event.startsAt, { zone: "utc" })).toISODate() ?? "";
}
