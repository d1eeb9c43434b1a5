import { randomUUID } from "node:crypto";
import type pg from "pg";
import { appendEntries } from "../../core/ledger/append.js";
import { newActionId } from "../../core/ledger/ids.js";
import type { LedgerEntry } from "../../core/ledger/types.js";

// Test and bench helpers: many actions from one network at once, straight through the append
// statement (so rollups and every node's counter move as for posted actions), with their
// origins in action_origins.

export interface Fill {
  campaignId: number;
  caseId: number;
  country: string;
  /** The first three octets: actions come from <prefix>.1 … <prefix>.254. */
  prefix: string;
  domain?: string;
  type?: LedgerEntry["type"];
}

export async function fillFromNetwork(
  db: pg.Pool | pg.ClientBase,
  n: number,
  f: Fill,
  chunk = 5_000,
): Promise<string[]> {
  const ids: string[] = [];
  const origin = `fill-${randomUUID()}`;
  for (let done = 0; done < n; done += chunk) {
    const entries: LedgerEntry[] = [];
    const now = Date.now();
    for (let i = done; i < Math.min(n, done + chunk); i++) {
      entries.push({
        id: newActionId(),
        campaignId: f.campaignId,
        caseId: f.caseId,
        type: f.type ?? "petition",
        quantity: 1,
        country: f.country,
        channel: "web",
        sectionId: null,
        supporterId: null,
        reporter: null,
        reason: null,
        // Spread over the last hours, so the selection crosses several rollup keys.
        occurredAt: new Date(now - (i % 180) * 60_000),
        idempotencyKey: null,
        // Where it came from, written by the append statement as an online action's is.
        address: `${f.prefix}.${1 + ((i + 1) % 254)}`,
        emailDomain: f.domain ?? null,
      });
    }
    await appendEntries(db, origin, entries);
    ids.push(...entries.map((e) => e.id));
  }
  return ids;
}

/** The ledger's sum for an edition, read from the ledger itself. */
export async function ledgerTotal(db: pg.Pool, campaignId: number): Promise<number> {
  const result = await db.query<{ n: string | null }>(
    "SELECT sum(quantity)::bigint AS n FROM actions WHERE campaign_id = $1",
    [campaignId],
  );
  return Number(result.rows[0]?.n ?? 0);
}
