import type { Database } from "../../src/platform/db/database.js";
import type { SealKind } from "../../src/platform/privacy/privacy.js";

// Names and emails are stored sealed: tests read them through the node's own privacy. Every
// column named `<x>_sealed` in a row comes back opened as `<x>` too.

const KINDS: Record<string, SealKind> = {
  email: "email",
  recipient: "email",
  name: "name",
  author: "name",
  subject: "mail",
  body: "mail",
};

export type OpenedRow = Record<string, unknown>;

export async function opened(db: Database, sql: string, params: unknown[] = []): Promise<OpenedRow[]> {
  const result = await db.pool.query(sql, params);
  return result.rows.map((row: OpenedRow) => {
    const out: OpenedRow = { ...row };
    for (const [column, value] of Object.entries(row)) {
      if (!column.endsWith("_sealed")) continue;
      const name = column.slice(0, -"_sealed".length);
      out[name] = db.privacy.openOrNull(value as Buffer | null, KINDS[name] ?? "mail");
    }
    return out;
  });
}

/** The keyed hash rows are found by, for a query parameter. */
export const emailKey = (db: Database, email: string): Buffer => db.privacy.emailKey(email);
