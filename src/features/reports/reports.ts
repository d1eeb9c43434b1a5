import { randomUUID } from "node:crypto";
import { DateTime } from "luxon";
import type pg from "pg";
import { type CampaignInfo, type Catalog, countriesOfSections } from "../../core/catalog/catalog.js";
import { appendEntries } from "../../core/ledger/append.js";
import { newActionId } from "../../core/ledger/ids.js";
import { isCountryCode } from "../../core/ledger/intake.js";
import { ACTION_TYPES, type ActionType, type LedgerEntry } from "../../core/ledger/types.js";
import { managesEvent, reportsFor, type SectionOf } from "../office/policy.js";
import type { OfficeUser } from "../office/users.js";

// Offline reports: letters written on paper, counted by the people who ran the writing. A
// report is one row in `reports` and one ledger entry (idempotency key "report:<id>"), written
// in the same transaction, so the live counter moves exactly when the report exists. The same
// checks serve the form and every row of a CSV file.

type Db = pg.Pool | pg.PoolClient;

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

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

const fmt = (n: number) => n.toLocaleString("en-US");

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
  if (!caseSlug) invalid("case", "Choose a case.");
  else if (caseId === undefined)
    invalid("case", `"${input.case.trim()}" is not a case of ${campaign.title}.`);

  const type = (input.type.trim().toLowerCase() || "letter") as ActionType;
  if (!ACTION_TYPES.includes(type)) {
    invalid("type", `"${input.type.trim()}" is not a type; use one of ${ACTION_TYPES.join(", ")}.`);
  }

  const country = input.country.trim().toUpperCase();
  const countryOk = isCountryCode(country);
  if (!country) invalid("country", "Choose a country.");
  else if (!countryOk) {
    invalid("country", `"${input.country.trim()}" is not a country code (ISO 3166-1 alpha-2, like FR).`);
  }

  const date = input.date.trim();
  const [first, last] = campaignDays(campaign);
  if (!date) invalid("date", "Enter the date the letters were written.");
  else if (!validDate(date)) invalid("date", `"${date}" is not a date; write it as YYYY-MM-DD.`);
  else if (date < first || date > last) {
    invalid("date", `The date is outside the campaign (${first} to ${last}).`);
  } else if (date > day(new Date(ctx.now.getTime() + AHEAD_MS))) {
    invalid("date", "The date is in the future.");
  }

  const quantityText = input.quantity.trim();
  const quantity = /^\d{1,7}$/.test(quantityText) ? Number(quantityText) : Number.NaN;
  if (!(quantity >= 1 && quantity <= MAX_QUANTITY)) {
    invalid(
      "quantity",
      `${quantityText ? `"${quantityText}"` : "The quantity"} must be a whole number from 1 to ${fmt(MAX_QUANTITY)}.`,
    );
  }

  const reason = input.reason.trim();
  if (reason.length > MAX_REASON) invalid("reason", `The reason is longer than ${MAX_REASON} characters.`);

  const eventText = input.event.trim();
  let event: ReportEvent | undefined;
  if (eventText) {
    event = isUuid(eventText) ? ctx.events.get(eventText.toLowerCase()) : undefined;
    // An event that is not theirs is answered like one that does not exist.
    if (!event || !managesEvent(ctx.user, event, ctx.sectionOf)) {
      problems.push({
        column: "event",
        message: `There is no event ${eventText} that you manage.`,
        kind: "not_found",
      });
      event = undefined;
    } else if (event.campaignId !== campaign.id) {
      invalid("event", `The event "${event.title}" belongs to another campaign.`);
    } else if (countryOk && event.country !== country) {
      invalid(
        "country",
        `The event "${event.title}" takes place in ${event.country}; report its letters for ${event.country}.`,
      );
    }
  }
  if (countryOk && !eventText && !reportsFor(ctx.user, { country }, ctx.sectionOf)) {
    problems.push({
      column: "country",
      message: `You may not report letters for ${country}.`,
      kind: "forbidden",
    });
  }

  if (problems.length > 0 || caseId === undefined) return { problems };
  // The policy has the last word, whatever the checks above made of the event.
  if (!reportsFor(ctx.user, { country, event }, ctx.sectionOf)) {
    return {
      problems: [
        { column: "country", message: `You may not report letters for ${country}.`, kind: "forbidden" },
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

const EVENT_COLUMNS = `id, campaign_id, organizer_id, title, country, starts_at, time_zone, cancelled_at`;

function eventOf(row: Record<string, unknown>): ReportEvent {
  return {
    id: row.id as string,
    campaignId: row.campaign_id as number,
    organizerId: row.organizer_id as number,
    title: row.title as string,
    country: (row.country as string).trim(),
    startsAt: row.starts_at as Date,
    timeZone: row.time_zone as string,
    cancelled: row.cancelled_at !== null,
  };
}

/** The named events (ids that are not UUIDs are left out: they name no event). */
export async function loadEvents(db: Db, ids: Iterable<string>): Promise<Map<string, ReportEvent>> {
  const wanted = [...new Set([...ids].map((id) => id.trim().toLowerCase()).filter(isUuid))];
  if (wanted.length === 0) return new Map();
  const result = await db.query(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ANY($1::uuid[])`, [wanted]);
  return new Map(result.rows.map((row) => [row.id as string, eventOf(row)]));
}

/** The events of a campaign that a person may report for, for the form's select. */
export async function eventsToReport(
  db: Db,
  user: OfficeUser,
  campaignId: number,
  catalog: Catalog,
  sectionOf: SectionOf,
): Promise<ReportEvent[]> {
  const countries = user.role === "admin" ? null : countriesOfSections(catalog, user.sectionIds);
  const result = await db.query(
    `SELECT ${EVENT_COLUMNS} FROM events
      WHERE campaign_id = $1 AND ($2::bpchar[] IS NULL OR organizer_id = $3 OR country = ANY($2::bpchar[]))
      ORDER BY starts_at DESC LIMIT 500`,
    [campaignId, countries, user.id],
  );
  return result.rows.map(eventOf).filter((e) => managesEvent(user, e, sectionOf));
}

/** The day of an event as its organizer sees it, to prefill a report. */
export function eventDay(event: ReportEvent): string {
  const local = DateTime.fromJSDate(event.startsAt, { zone: event.timeZone });
  return (local.isValid ? local : DateTime.fromJSDate(event.startsAt, { zone: "utc" })).toISODate() ?? "";
}

export interface NewReport extends CheckedReport {
  id: string;
  corrects: string | null;
}

/**
 * Writes reports and their ledger entries; call inside a transaction. A report id already
 * stored inserts nothing and counts nothing (a form sent twice). Returns the ids inserted.
 */
export async function recordReports(
  client: pg.PoolClient,
  campaign: CampaignInfo,
  user: OfficeUser,
  sectionOf: SectionOf,
  reports: NewReport[],
  importId: string | null = null,
): Promise<{ ids: string[]; late: boolean }> {
  const rows = reports.map((r) => ({
    id: r.id,
    case_id: r.caseId,
    type: r.type,
    country: r.country,
    quantity: r.quantity,
    occurred_on: r.date,
    event_id: r.eventId,
    reason: r.reason,
    corrects: r.corrects,
  }));
  const inserted = await client.query<{ id: string; late: boolean }>(
    `INSERT INTO reports (id, campaign_id, case_id, type, country, quantity, occurred_on, event_id, reason,
                          corrects, import_id, reported_by, late)
     SELECT r.id, c.id, r.case_id, r.type, r.country, r.quantity, r.occurred_on, r.event_id, r.reason,
            r.corrects, $3, $4, now() > c.ends_at
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, case_id integer, type text, country text, quantity integer,
            occurred_on date, event_id uuid, reason text, corrects uuid)
       JOIN campaigns c ON c.id = $2
     ON CONFLICT (id) DO NOTHING
     RETURNING id, late`,
    [JSON.stringify(rows), campaign.id, importId, user.id],
  );
  const ids = new Set(inserted.rows.map((r) => r.id));
  const entries: LedgerEntry[] = reports
    .filter((r) => ids.has(r.id))
    .map((r) => ({
      id: newActionId(),
      campaignId: campaign.id,
      caseId: r.caseId,
      type: r.type,
      quantity: r.quantity,
      country: r.country,
      channel: "offline",
      sectionId: sectionOf(r.country) ?? null,
      supporterId: null,
      reporter: `user:${user.id}`,
      reason: r.reason,
      occurredAt: r.occurredAt,
      idempotencyKey: `report:${r.id}`,
    }));
  if (entries.length > 0) {
    // A writer of its own: the node's batcher numbers its batches in one sequence, which a
    // transaction of ours must not hold or skip. Every node (this one too) hears the NOTIFY,
    // which PostgreSQL delivers when this transaction commits.
    const appended = await appendEntries(client, `report-${randomUUID()}`, entries);
    if (appended.inserted.size !== entries.length) {
      throw new Error("A report's ledger entry already existed without its report");
    }
  }
  return { ids: [...ids], late: inserted.rows.some((r) => r.late) };
}

export interface ReportRow {
  id: string;
  campaignId: number;
  caseId: number;
  caseSlug: string;
  type: ActionType;
  country: string;
  quantity: number;
  date: string;
  eventId: string | null;
  eventTitle: string | null;
  reason: string | null;
  corrects: string | null;
  importId: string | null;
  reportedBy: number;
  /** The reporter's name, or their email when they gave no name. */
  reporter: string;
  reporterEmail: string;
  late: boolean;
  createdAt: Date;
}

const REPORT_SELECT = `
  SELECT r.id, r.campaign_id, r.case_id, c.slug AS case_slug, r.type, r.country, r.quantity,
         to_char(r.occurred_on, 'YYYY-MM-DD') AS date, r.event_id, e.title AS event_title, r.reason,
         r.corrects, r.import_id, r.reported_by, coalesce(nullif(u.name, ''), u.email) AS reporter, u.email,
         r.late, r.created_at
    FROM reports r
    JOIN cases c ON c.id = r.case_id
    JOIN users u ON u.id = r.reported_by
    LEFT JOIN events e ON e.id = r.event_id`;

function reportOf(row: Record<string, unknown>): ReportRow {
  return {
    id: row.id as string,
    campaignId: row.campaign_id as number,
    caseId: row.case_id as number,
    caseSlug: row.case_slug as string,
    type: row.type as ActionType,
    country: (row.country as string).trim(),
    quantity: row.quantity as number,
    date: row.date as string,
    eventId: row.event_id as string | null,
    eventTitle: row.event_title as string | null,
    reason: row.reason as string | null,
    corrects: row.corrects as string | null,
    importId: row.import_id as string | null,
    reportedBy: row.reported_by as number,
    reporter: row.reporter as string,
    reporterEmail: row.email as string,
    late: row.late as boolean,
    createdAt: row.created_at as Date,
  };
}

export async function getReport(db: Db, id: string, lock = false): Promise<ReportRow | undefined> {
  if (!isUuid(id)) return undefined;
  const result = await db.query(`${REPORT_SELECT} WHERE r.id = $1${lock ? " FOR UPDATE OF r" : ""}`, [id]);
  return result.rows[0] ? reportOf(result.rows[0]) : undefined;
}

export const REPORT_PAGE = 100;

/**
 * The newest reports a person may see (their own, and for coordinators those of their
 * countries; admins all), a page at a time, older than the report `before` when given, of one
 * edition when `campaignId` is given. The visibility is in the query, so that a page holds the
 * newest reports the person sees.
 */
export async function listReports(
  db: Db,
  user: OfficeUser,
  catalog: Catalog,
  options: { before?: string; campaignId?: number; limit?: number } = {},
): Promise<ReportRow[]> {
  const { before, campaignId = null, limit = REPORT_PAGE } = options;
  const countries =
    user.role === "admin"
      ? null
      : user.role === "coordinator"
        ? countriesOfSections(catalog, user.sectionIds)
        : [];
  const result = await db.query(
    `${REPORT_SELECT}
      WHERE ($1::bpchar[] IS NULL OR r.reported_by = $2 OR r.country = ANY($1::bpchar[]))
        AND ($3::uuid IS NULL OR (r.created_at, r.id) < (SELECT created_at, id FROM reports WHERE id = $3))
        AND ($4::int IS NULL OR r.campaign_id = $4)
      ORDER BY r.created_at DESC, r.id DESC LIMIT ${limit}`,
    [countries, user.id, before && isUuid(before) ? before : null, campaignId],
  );
  return result.rows.map(reportOf);
}

/** A report's quantity with all its corrections. */
export async function netQuantity(db: Db, id: string): Promise<number> {
  const result = await db.query(
    "SELECT coalesce(sum(quantity), 0)::bigint AS n FROM reports WHERE id = $1 OR corrects = $1",
    [id],
  );
  return Number(result.rows[0].n);
}

/** The time the report's letters were counted at, so that a correction lands in the same hour. */
export async function occurredAtOfReport(db: Db, report: ReportRow): Promise<Date | undefined> {
  const result = await db.query(
    "SELECT occurred_at FROM actions WHERE campaign_id = $1 AND idempotency_key = $2",
    [report.campaignId, `report:${report.id}`],
  );
  return result.rows[0]?.occurred_at;
}

/** Case slug → a readable title (English, else the case's own language, else the slug). */
export async function caseTitles(db: Db, caseIds: number[]): Promise<Map<number, string>> {
  const result = await db.query(
    `SELECT DISTINCT ON (c.id) c.id, coalesce(nullif(t.title, ''), c.slug) AS title
       FROM cases c LEFT JOIN case_texts t ON t.case_id = c.id
      WHERE c.id = ANY($1::int[])
      ORDER BY c.id, (t.language = 'en') DESC, (t.language = c.source_language) DESC, t.language`,
    [caseIds],
  );
  return new Map(result.rows.map((r) => [r.id as number, r.title as string]));
}
