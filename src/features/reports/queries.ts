import { randomUUID } from "node:crypto";
import type pg from "pg";
import { type CampaignInfo, type Catalog, countriesOfSections } from "../../core/catalog/catalog.js";
import { appendEntries } from "../../core/ledger/append.js";
import { newActionId } from "../../core/ledger/ids.js";
import type { ActionType, LedgerEntry } from "../../core/ledger/types.js";
import { isUuid } from "../../platform/rules.js";
import { managesEvent } from "../events/index.js";
import type { OfficeUser, SectionOf } from "../office/index.js";
import { assertTakesReports, type CheckedReport, type ReportEvent } from "./reports.js";

// The SQL of offline reports, each query with the row it returns. A report and its ledger entry
// are written in one transaction (recordReports), so the live counter moves exactly when the
// report exists.

type Db = pg.Pool | pg.PoolClient;

// ——— Events ———

interface EventDbRow {
  id: string;
  campaign_id: number;
  organizer_id: number;
  title: string;
  country: string;
  starts_at: Date;
  time_zone: string;
  capacity: number | null;
  cancelled_at: Date | null;
}

const EVENT_COLUMNS = `id, campaign_id, organizer_id, title, country, starts_at, time_zone, capacity, cancelled_at`;

function eventOf(row: EventDbRow): ReportEvent {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    organizerId: row.organizer_id,
    title: row.title,
    // char(2): PostgreSQL pads it.
    country: row.country.trim(),
    startsAt: row.starts_at,
    timeZone: row.time_zone,
    capacity: row.capacity,
    cancelled: row.cancelled_at !== null,
  };
}

/** The named events (ids that are not UUIDs are left out: they name no event). */
export async function loadEvents(db: Db, ids: Iterable<string>): Promise<Map<string, ReportEvent>> {
  const wanted = [...new Set([...ids].map((id) => id.trim().toLowerCase()).filter(isUuid))];
  if (wanted.length === 0) return new Map();
  const result = await db.query<EventDbRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE id = ANY($1::uuid[])`,
    [wanted],
  );
  return new Map(result.rows.map((row) => [row.id, eventOf(row)]));
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
  const result = await db.query<EventDbRow>(
    `SELECT ${EVENT_COLUMNS} FROM events
      WHERE campaign_id = $1 AND ($2::bpchar[] IS NULL OR organizer_id = $3 OR country = ANY($2::bpchar[]))
      ORDER BY starts_at DESC LIMIT 500`,
    [campaignId, countries, user.id],
  );
  return result.rows.map(eventOf).filter((e) => managesEvent(user, e, sectionOf));
}

// ——— Writing reports ———

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
  // The one gate every report passes (form, CSV import, correction), however long it waited.
  assertTakesReports(campaign);
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

/** Who reported under a key already used, if anyone: a form sent twice, or someone else's. */
export async function reporterOf(db: Db, id: string): Promise<number | undefined> {
  const result = await db.query<{ reported_by: number }>("SELECT reported_by FROM reports WHERE id = $1", [
    id,
  ]);
  return result.rows[0]?.reported_by;
}

// ——— Reading reports ———

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
  /** What the report counts with all its corrections (a correction's own row: the same as its original's). */
  net: number;
  /** How many corrections the report has had. */
  corrections: number;
}

interface ReportDbRow {
  id: string;
  campaign_id: number;
  case_id: number;
  case_slug: string;
  type: ActionType;
  country: string;
  quantity: number;
  date: string;
  event_id: string | null;
  event_title: string | null;
  reason: string | null;
  corrects: string | null;
  import_id: string | null;
  reported_by: number;
  reporter: string;
  email: string;
  late: boolean;
  created_at: Date;
  net: number;
  corrections: number;
}

// A report's net total and corrections are its own row and those that correct it (indexed:
// reports_corrects), so every list shows what a report counts now, never what was typed first.
const REPORT_SELECT = `
  SELECT r.id, r.campaign_id, r.case_id, c.slug AS case_slug, r.type, r.country, r.quantity,
         to_char(r.occurred_on, 'YYYY-MM-DD') AS date, r.event_id, e.title AS event_title, r.reason,
         r.corrects, r.import_id, r.reported_by, coalesce(nullif(u.name, ''), u.email) AS reporter, u.email,
         r.late, r.created_at,
         (SELECT sum(x.quantity) FROM reports x
           WHERE x.id = coalesce(r.corrects, r.id) OR x.corrects = coalesce(r.corrects, r.id))::int AS net,
         (SELECT count(*) FROM reports x WHERE x.corrects = coalesce(r.corrects, r.id))::int AS corrections
    FROM reports r
    JOIN cases c ON c.id = r.case_id
    JOIN users u ON u.id = r.reported_by
    LEFT JOIN events e ON e.id = r.event_id`;

function reportOf(row: ReportDbRow): ReportRow {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    caseId: row.case_id,
    caseSlug: row.case_slug,
    type: row.type,
    country: row.country.trim(),
    quantity: row.quantity,
    date: row.date,
    eventId: row.event_id,
    eventTitle: row.event_title,
    reason: row.reason,
    corrects: row.corrects,
    importId: row.import_id,
    reportedBy: row.reported_by,
    reporter: row.reporter,
    reporterEmail: row.email,
    late: row.late,
    createdAt: row.created_at,
    net: row.net,
    corrections: row.corrections,
  };
}

export async function getReport(db: Db, id: string, lock = false): Promise<ReportRow | undefined> {
  if (!isUuid(id)) return undefined;
  const result = await db.query<ReportDbRow>(
    `${REPORT_SELECT} WHERE r.id = $1${lock ? " FOR UPDATE OF r" : ""}`,
    [id],
  );
  return result.rows[0] ? reportOf(result.rows[0]) : undefined;
}

export const REPORT_PAGE = 100;

/**
 * The newest reports a person may see (their own, and for coordinators those of their
 * countries; admins all), a page at a time, older than the report `before` when given, of one
 * edition when `campaignId` is given. The visibility is in the query, so that a page holds the
 * newest reports the person sees. Corrections are not rows of their own here: each report
 * carries its net total, and its page (reportHistory) its corrections.
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
  const result = await db.query<ReportDbRow>(
    `${REPORT_SELECT}
      WHERE r.corrects IS NULL
        AND ($1::bpchar[] IS NULL OR r.reported_by = $2 OR r.country = ANY($1::bpchar[]))
        AND ($3::uuid IS NULL OR (r.created_at, r.id) < (SELECT created_at, id FROM reports WHERE id = $3))
        AND ($4::int IS NULL OR r.campaign_id = $4)
      ORDER BY r.created_at DESC, r.id DESC LIMIT ${limit}`,
    [countries, user.id, before && isUuid(before) ? before : null, campaignId],
  );
  return result.rows.map(reportOf);
}

/** A report and its corrections, oldest first: the report's page shows them all. */
export async function reportHistory(db: Db, id: string): Promise<ReportRow[]> {
  const result = await db.query<ReportDbRow>(
    `${REPORT_SELECT} WHERE r.id = $1 OR r.corrects = $1 ORDER BY (r.corrects IS NOT NULL), r.created_at, r.id`,
    [id],
  );
  return result.rows.map(reportOf);
}

/** A report's quantity with all its corrections. */
export async function netQuantity(db: Db, id: string): Promise<number> {
  // A bigint, given as a number (platform/db/database.ts).
  const result = await db.query<{ n: number }>(
    "SELECT coalesce(sum(quantity), 0)::bigint AS n FROM reports WHERE id = $1 OR corrects = $1",
    [id],
  );
  return Number(result.rows[0]?.n ?? 0);
}

/** The time the report's letters were counted at, so that a correction lands in the same hour. */
export async function occurredAtOfReport(db: Db, report: ReportRow): Promise<Date | undefined> {
  const result = await db.query<{ occurred_at: Date }>(
    "SELECT occurred_at FROM actions WHERE campaign_id = $1 AND idempotency_key = $2",
    [report.campaignId, `report:${report.id}`],
  );
  return result.rows[0]?.occurred_at;
}

/** Case id → a readable title (English, else the case's own language, else the slug). */
export async function caseTitles(db: Db, caseIds: number[]): Promise<Map<number, string>> {
  const result = await db.query<{ id: number; title: string }>(
    `SELECT DISTINCT ON (c.id) c.id, coalesce(nullif(t.title, ''), c.slug) AS title
       FROM cases c LEFT JOIN case_texts t ON t.case_id = c.id
      WHERE c.id = ANY($1::int[])
      ORDER BY c.id, (t.language = 'en') DESC, (t.language = c.source_language) DESC, t.language`,
    [caseIds],
  );
  return new Map(result.rows.map((r) => [r.id, r.title]));
}

// ——— CSV imports ———

/** A confirmed import of this person, for the notice after it: rows and actions imported. */
export async function confirmedImport(
  db: Db,
  importId: string,
  userId: number,
): Promise<{ rows: number; quantity: number } | undefined> {
  const result = await db.query<{ row_count: number; quantity: string }>(
    "SELECT row_count, quantity FROM report_imports WHERE id = $1 AND user_id = $2 AND confirmed_at IS NOT NULL",
    [importId, userId],
  );
  const row = result.rows[0];
  return row ? { rows: row.row_count, quantity: Number(row.quantity) } : undefined;
}

/** Keeps a checked file, as its owner's, until it is confirmed or expires; nothing counts yet. */
export async function savePendingImport(
  client: pg.PoolClient,
  pending: { id: string; userId: number; campaignId: number; text: string; rows: number; quantity: number },
  hours: number,
): Promise<void> {
  // Expired previews are of no use to anyone; their files go with the next upload.
  await client.query("DELETE FROM report_imports WHERE confirmed_at IS NULL AND expires_at < now()");
  await client.query(
    `INSERT INTO report_imports (id, user_id, campaign_id, content, row_count, quantity, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() + $7 * interval '1 hour')`,
    [pending.id, pending.userId, pending.campaignId, pending.text, pending.rows, pending.quantity, hours],
  );
}

export interface PendingImport {
  campaign_id: number;
  content: string | null;
  confirmed_at: Date | null;
  expired: boolean;
}

/** This person's import, locked: a second confirm waits for the first, then finds it done. */
export async function lockImport(
  client: pg.PoolClient,
  importId: string,
  userId: number,
): Promise<PendingImport | undefined> {
  const result = await client.query<PendingImport>(
    `SELECT campaign_id, content, confirmed_at, expires_at < now() AS expired
       FROM report_imports WHERE id = $1 AND user_id = $2 FOR UPDATE`,
    [importId, userId],
  );
  return result.rows[0];
}

/** Marks an import done; its file is no longer needed (the rows are in `reports`). */
export async function confirmImport(client: pg.PoolClient, importId: string): Promise<void> {
  await client.query("UPDATE report_imports SET confirmed_at = now(), content = NULL WHERE id = $1", [
    importId,
  ]);
}
