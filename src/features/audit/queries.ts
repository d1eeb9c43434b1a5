import type pg from "pg";

// Reading the audit log (written by office/audit.ts, in the transaction of each change).

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

interface AuditDbRow {
  // A bigint, given as a number (platform/db/database.ts).
  id: number;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
}

export const AUDIT_PAGE = 50;

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
  const result = await db.query<AuditDbRow>(
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

/** The kinds of thing the log has entries for, for the filter's select. */
export async function auditedEntities(db: pg.Pool): Promise<string[]> {
  const result = await db.query<{ entity: string }>("SELECT DISTINCT entity FROM audit_log ORDER BY entity");
  return result.rows.map((r) => r.entity);
}
