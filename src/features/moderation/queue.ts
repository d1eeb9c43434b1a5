import type pg from "pg";
import { type Catalog, countriesOfSections } from "../../core/catalog/catalog.js";
import { appendEntries } from "../../core/ledger/append.js";
import type { Privacy } from "../../platform/privacy/privacy.js";
import { isUuid } from "../../platform/rules.js";
import { lockSelections } from "../invalidation/index.js";
import type { Actor, OfficeUser } from "../office/index.js";
import { audit, ot, type SectionOf } from "../office/index.js";
import { countDecision } from "./counting.js";
import { moderatesMessage } from "./policy.js";

// The moderation queue of solidarity messages. A coordinator sees and decides only about the
// messages sent from their sections' countries; an admin about all of them.

export const STATUSES = ["pending", "approved", "rejected"] as const;
export type Status = (typeof STATUSES)[number];
export type Decision = "approve" | "reject";

export const PAGE_SIZE = 100;

export interface QueueMessage {
  id: string;
  caseId: number;
  author: string;
  country: string;
  language: string;
  body: string;
  status: Status;
  createdAt: Date;
  moderatedAt: Date | null;
  moderatedBy: string | null;
}

/** A row of the queue, as PostgreSQL returns it (country codes are char(2)). */
interface QueueRow {
  id: string;
  case_id: number;
  /** Null once retention erased the name. */
  author: string | null;
  author_sealed: Buffer | null;
  country: string;
  language: string;
  body: string;
  status: Status;
  created_at: Date;
  moderated_at: Date | null;
  moderated_by: string | null;
}

/** A message about to be decided, with its state before, for the audit log. */
interface DecidedRow {
  id: string;
  case_id: number;
  country: string;
  status: Status;
  moderated_at: Date | null;
  moderated_by: number | null;
  campaign_id: number;
  idempotency_key: string;
  rejections: number;
  restorations: number;
}

type DecidedState = Pick<DecidedRow, "status" | "moderated_at" | "moderated_by">;

/** The countries whose messages this person moderates; null for every country. */
export function countriesOf(user: OfficeUser, catalog: Catalog): string[] | null {
  if (user.role === "admin") return null;
  if (user.role !== "coordinator") return [];
  return countriesOfSections(catalog, user.sectionIds);
}

/**
 * One page of the queue: pending messages oldest first (the order they wait in), decided ones
 * newest decision first. Also how many match in all.
 */
export async function queue(
  db: pg.Pool,
  privacy: Privacy,
  filter: { status: Status; caseId: number | null; countries: string[] | null },
): Promise<{ messages: QueueMessage[]; total: number }> {
  const where = `m.status = $1 AND ($2::int IS NULL OR m.case_id = $2)
                 AND ($3::text[] IS NULL OR m.country = ANY($3))`;
  const values = [filter.status, filter.caseId, filter.countries];
  const order = filter.status === "pending" ? "m.created_at, m.id" : "m.moderated_at DESC NULLS LAST, m.id";
  const [rows, count] = await Promise.all([
    db.query<QueueRow>(
      `SELECT m.id, m.case_id, m.author, m.author_sealed, m.country, m.language, m.body, m.status, m.created_at,
              m.moderated_at, u.email AS moderated_by
         FROM solidarity_messages m LEFT JOIN users u ON u.id = m.moderated_by
        WHERE ${where} ORDER BY ${order} LIMIT ${PAGE_SIZE}`,
      values,
    ),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM solidarity_messages m WHERE ${where}`, values),
  ]);
  return {
    messages: rows.rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      author: privacy.read(r.author_sealed, r.author, "name") ?? ot("office.privacy.anonymous"),
      country: r.country.trim(),
      language: r.language,
      body: r.body,
      status: r.status,
      createdAt: r.created_at,
      moderatedAt: r.moderated_at,
      moderatedBy: r.moderated_by,
    })),
    total: count.rows[0]?.n ?? 0,
  };
}

export class OutOfReach extends Error {}

/**
 * Decides about every message or none: a message that does not exist or is outside this
 * person's reach throws OutOfReach before anything is written (the caller's transaction rolls
 * back). Returns how many messages changed; a message already in that state is left as is.
 * A rejection takes the message's action out of the counter and an approval puts it back
 * (counting.ts), written in this transaction under the writer name `origin`.
 */
export async function decide(
  client: pg.PoolClient,
  user: OfficeUser,
  actor: Actor,
  ids: string[],
  decision: Decision,
  sectionOf: SectionOf,
  origin: string,
): Promise<number> {
  const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
  if (!unique.every(isUuid)) throw new OutOfReach();
  // An invalidation job fixing its selection and this decision see each other's outcome.
  await lockSelections(client, "shared");
  const found = await client.query<DecidedRow>(
    `SELECT id, case_id, country, status, moderated_at, moderated_by, campaign_id, idempotency_key,
            rejections, restorations FROM solidarity_messages
      WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [unique],
  );
  if (found.rows.length !== unique.length) throw new OutOfReach();
  const messages = found.rows.map((r) => ({ ...r, country: r.country.trim() }));
  if (!messages.every((m) => moderatesMessage(user, m, sectionOf))) throw new OutOfReach();
  const status: Status = decision === "approve" ? "approved" : "rejected";
  let changed = 0;
  for (const m of messages) {
    if (m.status === status) continue;
    const counts = await countDecision(client, m, decision, async (entry) => {
      await appendEntries(client, origin, [entry]);
    });
    const after = await client.query<DecidedState>(
      `UPDATE solidarity_messages SET status = $2, moderated_at = now(), moderated_by = $3,
              rejections = $4, restorations = $5
        WHERE id = $1 RETURNING status, moderated_at, moderated_by`,
      [m.id, status, actor.id, counts.rejections, counts.restorations],
    );
    const row = after.rows[0] as DecidedState;
    await audit(
      client,
      actor,
      decision,
      "solidarity_message",
      m.id,
      { status: m.status, moderatedAt: m.moderated_at, moderatedBy: m.moderated_by },
      { status: row.status, moderatedAt: row.moderated_at, moderatedBy: row.moderated_by },
    );
    changed++;
  }
  return changed;
}
