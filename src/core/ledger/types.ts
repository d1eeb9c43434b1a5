export const ACTION_TYPES = ["letter", "solidarity", "petition", "email", "sms", "social"] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** One ledger row as the write path hands it to the database. */
export interface LedgerEntry {
  id: string;
  campaignId: number;
  caseId: number;
  type: ActionType;
  quantity: number;
  country: string;
  channel: string;
  /** The share link that brought it (features/sharing's list), when one did. */
  source?: string | null;
  /**
   * Where an online action came from, kept in action_origins: the client address (as
   * `request.ip` resolves it) and the email's domain in lower case. Neither for reports,
   * imports and compensations.
   */
  address?: string | null;
  emailDomain?: string | null;
  sectionId: number | null;
  supporterId: string | null;
  reporter: string | null;
  reason: string | null;
  occurredAt: Date;
  idempotencyKey: string | null;
}

/**
 * What a petition signature does in the same statement as its ledger entry (the signatures
 * table, migration 019), so that a signature is counted exactly when its row says so:
 * - `sign`: a new signature, counted at once; the entry is inserted only if the row is, i.e. if
 *   this person had not signed this case of this edition yet (the table's unique key decides);
 * - `confirm`: a pending signature becomes counted; the entry is inserted only if it was pending;
 * - `withdraw`: a counted signature is withdrawn and its person erased; the entry (its
 *   compensation) is inserted only if it was counted.
 */
export type SignatureStep =
  | { op: "sign"; id: string; personKey: string; language: string }
  | { op: "confirm"; id: string }
  | { op: "withdraw"; id: string };

/** [campaignId, country, caseId, type, hour (epoch ms), count]: one rollup key's change. */
export type DeltaRow = [number, string, number, string, number, number];

export const HOUR_MS = 3_600_000;

export function hourOf(date: Date): number {
  return Math.floor(date.getTime() / HOUR_MS) * HOUR_MS;
}

/** Sums entries into one delta row per rollup key, the same grouping the rollup upsert uses. */
export function deltaOf(entries: Iterable<LedgerEntry>): DeltaRow[] {
  const sums = new Map<string, DeltaRow>();
  for (const e of entries) {
    const hour = hourOf(e.occurredAt);
    const key = `${e.campaignId}|${e.country}|${e.caseId}|${e.type}|${hour}`;
    const row = sums.get(key);
    if (row) row[5] += e.quantity;
    else sums.set(key, [e.campaignId, e.country, e.caseId, e.type, hour, e.quantity]);
  }
  return [...sums.values()];
}
