import type pg from "pg";
import type { OfficeUser } from "./users.js";

// The audit log: every change made in the back office or on the command line, with the row
// before and after. Call it with the transaction's client, so the change and its record commit
// together or not at all. The log is read in features/audit/queries.ts.

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
