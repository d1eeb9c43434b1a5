import { newActionId } from "./ids.js";
import type { ActionType, LedgerEntry } from "./types.js";

// The ledger is append-only: an action that should no longer count (a withdrawn signature, a
// rejected solidarity message, an invalidated fraud) is taken out by a new entry with the
// opposite quantity. It keeps the original's rollup key — edition, country, case, type and the
// hour it happened — so every total, per country, per case and per hour, goes down exactly, and
// it travels the same append path (the batcher), so every node's live counter follows.
//
// The idempotency key names what is compensated and why ("withdraw:<action id>",
// "invalidate:<job>:<action id>"): a retry, a second click or a job resumed after a crash finds
// the key already in the ledger and counts nothing twice. Restoring a compensated action is a
// compensation of the compensation, under its own key.

/** What a compensation needs to know of the action it cancels. */
export interface CompensatedAction {
  id: string;
  campaignId: number;
  caseId: number;
  type: ActionType;
  quantity: number;
  country: string;
  channel: string;
  sectionId: number | null;
  occurredAt: Date;
}

/** The ledger's columns a compensation reads, for `SELECT ${COMPENSATED_COLUMNS} FROM actions`. */
export const COMPENSATED_COLUMNS =
  "id, campaign_id, case_id, type, quantity, country, channel, section_id, occurred_at";

/** A row of those columns, as pg returns it. */
export interface CompensatedRow {
  id: string;
  campaign_id: number;
  case_id: number;
  type: ActionType;
  quantity: number;
  country: string;
  channel: string;
  section_id: number | null;
  occurred_at: Date;
}

export const compensatedOf = (r: CompensatedRow): CompensatedAction => ({
  id: r.id,
  campaignId: r.campaign_id,
  caseId: r.case_id,
  type: r.type,
  quantity: r.quantity,
  country: r.country.trim(),
  channel: r.channel,
  sectionId: r.section_id,
  occurredAt: r.occurred_at,
});

/** The entry that cancels `original`: same rollup key, opposite quantity. */
export function compensation(
  original: CompensatedAction,
  reason: string,
  idempotencyKey: string,
): LedgerEntry {
  if (!reason.trim()) throw new Error("A compensating entry needs a reason");
  return {
    id: newActionId(),
    campaignId: original.campaignId,
    caseId: original.caseId,
    type: original.type,
    quantity: -original.quantity,
    country: original.country,
    channel: original.channel,
    sectionId: original.sectionId,
    supporterId: null,
    reporter: null,
    reason,
    occurredAt: original.occurredAt,
    idempotencyKey,
  };
}
