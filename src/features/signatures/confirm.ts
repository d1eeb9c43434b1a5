import {
  COMPENSATED_COLUMNS,
  type CompensatedAction,
  type CompensatedRow,
  compensatedOf,
  compensation,
} from "../../core/ledger/compensate.js";
import { newActionId } from "../../core/ledger/ids.js";
import type { LedgerEntry } from "../../core/ledger/types.js";
import type { Runtime } from "../../core/runtime.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { heldByJob, lockSelections } from "../invalidation/index.js";
import { newLink } from "./links.js";
import { erasePerson, type Signature, signatureOfLink, storeLinks, withdrawPending } from "./store.js";

// Following a link: confirming a pending signature appends its ledger entry, withdrawing one
// ("it wasn't me") appends the compensating entry if it was counted. Both go through the
// batcher with a SignatureStep, so the row's move and the entry are one statement: a second
// click, or the same click on two nodes, finds the row moved already and writes nothing (the
// entries' idempotency keys, confirm:<signature> and withdraw:<action>, say the same again).

export type ConfirmResult =
  | { status: "invalid" }
  | { status: "expired"; signature: Signature }
  | { status: "confirmed"; signature: Signature; withdrawToken: string }
  | { status: "counted-already"; signature: Signature }
  | { status: "withdrawn"; signature: Signature };

export type WithdrawResult =
  | { status: "invalid" }
  /** Withdrawn now or before; the person is erased; `compensated` when it had been counted. */
  | { status: "withdrawn"; signature: Signature; compensated: boolean };

/** Why a withdrawal's compensating entry exists, as the ledger keeps it. */
export const WITHDRAW_REASON = "signature withdrawn by the owner of its email address (it wasn't me)";

async function reread(runtime: Runtime, signature: Signature): Promise<Signature> {
  const found = await runtime.db.pool.query<{ status: Signature["status"]; action_id: string | null }>(
    "SELECT status, action_id FROM signatures WHERE id = $1",
    [signature.id],
  );
  const row = found.rows[0];
  return row ? { ...signature, status: row.status, actionId: row.action_id } : signature;
}

/** The ledger entry a pending signature is counted by. */
function entryOf(signature: Signature): LedgerEntry {
  return {
    id: newActionId(),
    campaignId: signature.campaignId,
    caseId: signature.caseId,
    type: "petition",
    quantity: 1,
    country: signature.country,
    channel: signature.channel,
    source: signature.source,
    sectionId: signature.sectionId,
    supporterId: signature.supporterId,
    reporter: null,
    reason: null,
    occurredAt: signature.occurredAt,
    idempotencyKey: `confirm:${signature.id}`,
  };
}

export async function confirmSignature(
  runtime: Runtime,
  token: string,
  now = new Date(),
): Promise<ConfirmResult> {
  const found = await signatureOfLink(runtime.db.pool, token, "confirm", now);
  if (!found) return { status: "invalid" };
  const { signature } = found;
  if (signature.status === "counted") return { status: "counted-already", signature };
  if (signature.status === "withdrawn") return { status: "withdrawn", signature };
  if (found.expired) return { status: "expired", signature };
  const outcome = await runtime.batcher.submit(entryOf(signature), undefined, {
    op: "confirm",
    id: signature.id,
  });
  if (outcome.created) {
    // The page thanking the signer carries its own "it wasn't me" link.
    const link = newLink("withdraw", now);
    await storeLinks(runtime.db.pool, signature.id, [link]);
    return { status: "confirmed", signature: { ...signature, status: "counted" }, withdrawToken: link.token };
  }
  const current = await reread(runtime, signature);
  return current.status === "withdrawn"
    ? { status: "withdrawn", signature: current }
    : { status: "counted-already", signature: current };
}

async function countedAction(runtime: Runtime, actionId: string): Promise<CompensatedAction | undefined> {
  const result = await runtime.db.pool.query<CompensatedRow>(
    `SELECT ${COMPENSATED_COLUMNS} FROM actions WHERE id = $1`,
    [actionId],
  );
  const row = result.rows[0];
  return row ? compensatedOf(row) : undefined;
}

/**
 * Withdraws a counted signature: its compensation and the row's move in one statement; true
 * if this call compensated it, false if it was not counted any more when the statement ran.
 */
async function withdrawCounted(runtime: Runtime, signature: Signature): Promise<boolean> {
  if (signature.actionId === null) return false;
  // An invalidation holding the entry has taken it out (or is about to): a second compensation
  // would count the signature out twice, so the row alone moves, and a later revert of that
  // job leaves the entry out (invalidation/runner.ts). The shared selection lock orders this
  // against a revert: either the revert sees the withdrawal, or it has marked the entry for
  // restoring first, and then the job no longer holds it and the withdrawal compensates.
  const movedWhileHeld = await withTransaction(runtime.db.pool, async (client) => {
    await lockSelections(client, "shared");
    if (!(await heldByJob(client, signature.actionId as string))) return undefined;
    const moved = await client.query(
      `UPDATE signatures SET status = 'withdrawn', person_key = NULL, withdrawn_at = now()
        WHERE id = $1 AND status = 'counted'`,
      [signature.id],
    );
    return (moved.rowCount ?? 0) > 0;
  });
  if (movedWhileHeld !== undefined) return movedWhileHeld;
  const original = await countedAction(runtime, signature.actionId);
  if (!original) throw new Error(`The ledger entry of signature ${signature.id} is missing`);
  const entry = compensation(original, WITHDRAW_REASON, `withdraw:${original.id}`);
  const outcome = await runtime.batcher.submit(entry, undefined, { op: "withdraw", id: signature.id });
  return outcome.created;
}

export async function withdrawSignature(runtime: Runtime, token: string): Promise<WithdrawResult> {
  const found = await signatureOfLink(runtime.db.pool, token, "withdraw");
  if (!found) return { status: "invalid" };
  let signature = found.signature;
  if (signature.status === "pending" && !(await withdrawPending(runtime.db.pool, signature.id))) {
    // Confirmed meanwhile: then it is a counted one to take back out.
    signature = await reread(runtime, signature);
  }
  // False when another click withdrew it first: that one wrote the compensation.
  if (signature.status === "counted") await withdrawCounted(runtime, signature);
  // Erased whichever way it went, and again on a second click (after a failure halfway).
  await erasePerson(runtime.db.pool, signature);
  // A signature that was ever counted has its compensation now: the row and the entry moved together.
  return {
    status: "withdrawn",
    signature: { ...signature, status: "withdrawn" },
    compensated: signature.actionId !== null,
  };
}
