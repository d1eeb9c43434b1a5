import type pg from "pg";
import { applyRetention, type RetentionCount, type RetentionRule, retentionPlan } from "./holdings.js";

// Retention keeps the promises the forms make: supporters' names and emails go RETENTION_MONTHS
// after the last edition they acted in ended, solidarity authors' names likewise (the message
// stays, signed "a supporter"), RSVPs 30 days after their event, mail 30 days after it went.
// Every node runs it hourly; a session lock lets one node at a time do it, and the others skip.

const LOCK = "hashtext('inkwell-retention')";

export interface RetentionRun {
  /** False when another node was running it: nothing was done here. */
  ran: boolean;
  counts: RetentionCount[];
}

export async function runRetention(pool: pg.Pool, rule: RetentionRule): Promise<RetentionRun> {
  const client = await pool.connect();
  try {
    const lock = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${LOCK}) AS ok`);
    if (!lock.rows[0]?.ok) return { ran: false, counts: [] };
    try {
      return { ran: true, counts: await applyRetention(client, rule) };
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${LOCK})`);
    }
  } finally {
    client.release();
  }
}

export { retentionPlan };

/** The dry run's and the run's report, one line per kind and edition. */
export function formatRetention(counts: RetentionCount[], rule: RetentionRule, dryRun: boolean): string {
  const head = `${dryRun ? "Would erase" : "Erased"} (RETENTION_MONTHS=${rule.months}, as of ${rule.now.toISOString()}):`;
  if (counts.length === 0) return `${head}\n  nothing\n`;
  const lines = counts.map(
    (c) => `  ${c.kind.padEnd(10)} ${(c.campaign || "-").padEnd(16)} ${String(c.count).padStart(8)}`,
  );
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  return `${head}\n${lines.join("\n")}\n  ${"total".padEnd(27)} ${String(total).padStart(8)}\n`;
}
