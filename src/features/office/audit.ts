import type pg from "pg";
import type { OfficeUser } from "./users.js";

// The audit log: every change made in the back office or on the command line, with the row
// before and after. Call it with the transaction's client, so the change and its record commit
// together or not at all.

export interface Actor {
  id: number | null;
  /** The account's email, or "cli" / "system" for changes made without an account. */
  label: string;
}

export const actorOf = (user: OfficeUser): Actor => ({ id: user.id, label: user.email });
export const CLI_ACTOR: Actor = { id: null, label: "cli" };

export async function audit(
  client: pg.PoolClient | pg.Pool,
  actor: Actor,
  action: string,
  entity: string,
  entityId: string | number | null,
  before: unknown,
  after: unknown,
): Promise<void> {
  await client.query(
    `INSERT INTO audit_log (user_id, actor, action, entity, entity_id, before, after)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      actor.id,
      actor.label,
      action,
      entity,
      entityId === null ? null : String(entityId),
      before === undefined || before === null ? null : JSON.stringify(before),
      after === undefined || after === null ? null : JSON.stringify(after),
    ],
  );
}

export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditFilter {
  actor?: string;
  entity?: string;
  entityId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  /** Entries older than this id (the next page). */
  beforeId?: number;
}

export const AUDIT_PAGE = 50;

interface AuditRow {
  /** bigint: node-postgres returns it as text. */
  id: string;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
}

/** The newest entries matching a filter, one page at a time (keyset paging on the id). */
export async function browseAudit(db: pg.Pool, filter: AuditFilter): Promise<AuditEntry[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    values.push(value);
    where.push(sql.replace("?", `$${values.length}`));
  };
  if (filter.actor) add("actor = ?", filter.actor.toLowerCase());
  if (filter.entity) add("entity = ?", filter.entity);
  if (filter.entityId) add("entity_id = ?", filter.entityId);
  if (filter.action) add("action = ?", filter.action);
  if (filter.from) add("at >= ?", filter.from);
  if (filter.to) add("at < ?", filter.to);
  if (filter.beforeId) add("id < ?", filter.beforeId);
  const result = await db.query<AuditRow>(
    `SELECT id, at, actor, action, entity, entity_id, before, after FROM audit_log
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ${AUDIT_PAGE}`,
    values,
  );
  return result.rows.map((row) => ({
    id: Number(row.id),
    at: row.at,
    actor: row.actor,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    before: row.before,
    after: row.after,
  }));
}
