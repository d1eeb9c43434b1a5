import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { StartupError } from "./embedded.js";

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
// Any fixed number works; it only has to be the same for every node.
const MIGRATION_LOCK = 746_2012;

export interface MigrationResult {
  applied: string[];
  /** Applied files that had no checksum yet (databases made before checksums were kept). */
  backfilled: string[];
}

export interface MigrateOptions {
  /** Where the numbered SQL files are; tests point this elsewhere. */
  dir?: string;
}

/** A migration that already ran on this database no longer has the content it ran with. */
export class MigrationChangedError extends StartupError {
  constructor(readonly file: string) {
    super(
      `Migration ${file} was changed after it was applied to this database. Applied migrations never change: ` +
        `restore ${file} to its shipped content and put the change in a new migration.`,
    );
  }
}

/**
 * The checksum of a migration's content: sha256 of its text, with CRLF line ends read as LF so
 * that a checkout with Windows line ends is not taken for an edit.
 */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
}

/**
 * Applies the numbered SQL files that have not run yet, each in its own transaction, while
 * holding an advisory lock, so nodes that start together apply each file exactly once. Each
 * applied file's checksum is recorded; a file that changed after it was applied stops the
 * start, naming the file, before anything else runs.
 */
export async function migrate(pool: pg.Pool, options: MigrateOptions = {}): Promise<MigrationResult> {
  const dir = options.dir ?? MIGRATIONS_DIR;
  const files = readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort();
  const contents = new Map(files.map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));
  const checksums = new Map([...contents].map(([f, sql]) => [f, migrationChecksum(sql)]));
  const client = await pool.connect();
  const applied: string[] = [];
  const backfilled: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    // Databases made before checksums were kept have the table without the column.
    await client.query("ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text");
    const rows = (
      await client.query<{ name: string; checksum: string | null }>(
        "SELECT name, checksum FROM schema_migrations",
      )
    ).rows;
    const done = new Set(rows.map((r) => r.name));
    // A recorded migration without its file (a newer release's, after a rollback) is left alone.
    const changed = rows.find(
      (r) => r.checksum !== null && checksums.has(r.name) && r.checksum !== checksums.get(r.name),
    );
    if (changed) throw new MigrationChangedError(changed.name);
    for (const row of rows) {
      const current = checksums.get(row.name);
      if (row.checksum !== null || current === undefined) continue;
      // Backfill: a row applied before checksums were kept gets the current file's checksum, as
      // there is nothing to compare it with. Deliberately so for 001_foundation.sql: databases
      // made before checksums were kept ran an edited 001 (its actions table without the foreign
      // keys); 001 is now back to its first shipped content, whose checksum differs from the
      // edited one, and 008 carries the edit (a no-op on those databases). Such a database thus
      // records the restored 001's checksum, and from here on any change to an applied file is
      // refused.
      await client.query("UPDATE schema_migrations SET checksum = $2 WHERE name = $1 AND checksum IS NULL", [
        row.name,
        current,
      ]);
      backfilled.push(row.name);
    }
    for (const file of files) {
      if (done.has(file)) continue;
      try {
        await client.query("BEGIN");
        await client.query(contents.get(file) as string);
        await client.query("INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", [
          file,
          checksums.get(file),
        ]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${file} failed: ${(error as Error).message}`);
      }
      applied.push(file);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
  return { applied, backfilled };
}
