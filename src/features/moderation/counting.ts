import type pg from "pg";
import {
  COMPENSATED_COLUMNS,
  type CompensatedRow,
  compensatedOf,
  compensation,
} from "../../core/ledger/compensate.js";
import type { LedgerEntry } from "../../core/ledger/types.js";
import { heldByJob, takeHanded } from "../invalidation/index.js";

// A rejected solidarity message stops counting; approving it again makes it count again. Each
// change is a compensating ledger entry written by the append statement (core/ledger/append.ts)
// inside the decision's own transaction, so the message's status and its count change together
// or not at all, and the announcement reaches every node's counter when it commits. The n-th
// rejection that took the message out is keyed reject:<message>:<n>, the approval that put it
// back approve:<message>:<n>. The message row holds how many of each were written
// (rejections − restorations is 0 or 1), read and moved under its row lock, so repeated and
// concurrent decisions stay exact.
//
// Why not the batcher: a decision holds its transaction (and a pooled connection) while it
// writes, and a dozen decisions waiting on one message's row lock would hold every connection
// the batcher needs. In the transaction there is nothing to wait for and nothing to repair.
//
// An action an invalidation job holds is already out: rejecting its message writes nothing (the
// job's entry keeps it out), and approving it does not bring it back. A job reverted while the
// message is rejected hands its actions to moderation (invalidated_actions.state 'handed'):
// approving the message restores them.

/** Writes one entry in the decision's transaction. */
export type Append = (entry: LedgerEntry) => Promise<void>;

export interface CountedMessage {
  id: string;
  campaign_id: number;
  idempotency_key: string;
  rejections: number;
  restorations: number;
}

async function byKey(
  client: pg.PoolClient,
  campaignId: number,
  key: string,
): Promise<CompensatedRow | undefined> {
  const result = await client.query<CompensatedRow>(
    `SELECT ${COMPENSATED_COLUMNS} FROM actions WHERE campaign_id = $1 AND idempotency_key = $2`,
    [campaignId, key],
  );
  return result.rows[0];
}

async function byId(client: pg.PoolClient, id: string): Promise<CompensatedRow | undefined> {
  const result = await client.query<CompensatedRow>(
    `SELECT ${COMPENSATED_COLUMNS} FROM actions WHERE id = $1`,
    [id],
  );
  return result.rows[0];
}

/**
 * Writes the entry a decision needs, if any, and returns the message's new counts; the caller
 * stores them with the status in the same transaction.
 */
export async function countDecision(
  client: pg.PoolClient,
  m: CountedMessage,
  decision: "approve" | "reject",
  append: Append,
): Promise<{ rejections: number; restorations: number }> {
  let { rejections, restorations } = m;
  const action = await byKey(client, m.campaign_id, m.idempotency_key);
  if (decision === "reject") {
    // Nothing counted (the action never arrived) or a job holds it out already: nothing to write.
    if (rejections > restorations || !action || action.quantity <= 0 || (await heldByJob(client, action.id)))
      return { rejections, restorations };
    await append(
      compensation(
        compensatedOf(action),
        "solidarity message rejected in moderation",
        `reject:${m.id}:${rejections + 1}`,
      ),
    );
    rejections++;
    return { rejections, restorations };
  }
  if (rejections > restorations) {
    const rejection = await byKey(client, m.campaign_id, `reject:${m.id}:${rejections}`);
    if (rejection)
      await append(
        compensation(
          compensatedOf(rejection),
          "solidarity message approved again",
          `approve:${m.id}:${rejections}`,
        ),
      );
    restorations++;
  }
  if (action) {
    for (const handed of await takeHanded(client, action.id)) {
      const entry = await byId(client, handed.compensationId);
      if (entry)
        await append(
          compensation(
            compensatedOf(entry),
            "solidarity message approved again",
            `approve:${m.id}:job${handed.jobId}`,
          ),
        );
    }
  }
  return { rejections, restorations };
}
