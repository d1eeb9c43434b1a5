import type pg from "pg";
import type { Catalog } from "./messages.js";

// The interface messages imported in the back office (see migration 016), by locale.

interface OverrideRow {
  locale: string;
  key: string;
  message: string;
}

export async function readMessageOverrides(db: pg.Pool | pg.PoolClient): Promise<Map<string, Catalog>> {
  const result = await db.query<OverrideRow>("SELECT locale, key, message FROM message_overrides");
  const byLocale = new Map<string, Catalog>();
  for (const row of result.rows) {
    let catalog = byLocale.get(row.locale);
    if (!catalog) {
      catalog = {};
      byLocale.set(row.locale, catalog);
    }
    catalog[row.key] = row.message;
  }
  return byLocale;
}
