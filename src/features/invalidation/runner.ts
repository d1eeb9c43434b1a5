import type pg from "pg";
import type { Outcome } from "../../core/ledger/batcher.js";
import {
  COMPENSATED_COLUMNS,
  type CompensatedRow,
  compensatedOf,
  compensation,
} from "../../core/ledger/compensate.js";
import type { LedgerEntry } from "../../core/ledger/types.js";
import { withTransaction } from "../../platform/db/transaction.js";
import { type Actor, audit } from "../office/index.js";
import { selection } from "./criteria.js";
import { getJob, type Job, type JobRow, jobOf, lockSelections } from "./store.js";

// The background work of invalidation jobs, on any node (and in `inkwell invalidate --yes`).
//
// A job is claimed with a lease (lease_owner, lease_until) that its node renews after every
// batch and on a timer (the heartbeat); a job whose lease ran out — its node died — is taken
// over by the next node that looks. Every step is idempotent, so two nodes working on one job
// (one stalled past its lease, then back) count nothing twice:
//   1. the selection is fixed once, in one transaction: rows in invalidated_actions, under a
//      unique index that lets one job at a time hold an action;
//   2. per batch of pending rows, one compensation per action through the batcher (the append
//      path every action takes), keyed invalidate:<job>:<action>: a resubmitted key answers
//      with the entry already written; then the rows become `out` and the job's counts move
//      by exactly the rows that changed;
//   3. the job is finished by a conditional update that only the lease holder's first attempt
//      can make, with its audit row in the same transaction: it finishes exactly once.
// A revert does the same with revert:<job>:<action>, compensating the compensations.

export type Submit = (entry: LedgerEntry) => Promise<Outcome>;

export interface RunnerOptions {
  pool: pg.Pool;
  submit: Submit;
  /** This worker's name in lease_owner. */
  owner: string;
  batchSize: number;
  leaseMs: number;
  /** How often an idle node looks for work. */
  pollMs: number;
  log: (message: string, error?: unknown) => void;
  /** Told after every batch (tests and the CLI's progress). */
  onProgress?: (job: Job) => void;
}

export const SYSTEM_ACTOR: Actor = { id: null, label: "system" };

class LeaseLost extends Error {}

export class InvalidationRunner {
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private working: Promise<void> | undefined;

  constructor(private readonly o: RunnerOptions) {}

  /** Looks for work every pollMs until stop(). */
  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.kick();
      this.timer = setTimeout(tick, this.o.pollMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Looks for work now (after a job was created or asked to revert on this node). */
  kick(): void {
    if (this.working || this.stopped) return;
    this.working = this.workAvailable()
      .catch((error) => this.o.log("invalidation: a job failed", error))
      .finally(() => {
        this.working = undefined;
      });
  }

  /** Stops after the current batch; a job left unfinished is resumed by the next lease holder. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.working;
  }

  private async workAvailable(): Promise<void> {
    while (!this.stopped) {
      const job = await this.claim();
      if (!job) return;
      await this.run(job);
    }
  }

  /** Claims the oldest open job whose lease is free or ran out, or `id` when given. */
  async claim(id?: number): Promise<Job | undefined> {
    const result = await this.o.pool.query<JobRow>(
      `UPDATE invalidation_jobs SET lease_owner = $1, lease_until = now() + $2 * interval '1 ms'
        WHERE id = (SELECT id FROM invalidation_jobs
                     WHERE state IN ('queued', 'running', 'reverting') AND ($3::bigint IS NULL OR id = $3)
                       AND (lease_owner IS NULL OR lease_owner = $1 OR lease_until < now())
                     ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [this.o.owner, this.o.leaseMs, id ?? null],
    );
    return result.rows[0] ? jobOf(result.rows[0]) : undefined;
  }

  /** Works on a claimed job until it is finished, cancelled, reverted or the lease is lost. */
  async run(claimed: Job): Promise<void> {
    const heartbeat = setInterval(
      () => void this.renew(claimed.id).catch(() => {}),
      Math.max(100, Math.floor(this.o.leaseMs / 3)),
    );
    try {
      let job: Job = claimed;
      if (job.state === "queued") job = await this.select(job);
      while (!this.stopped) {
        if (job.state === "running") {
          if (job.cancelRequested) {
            await this.release(job);
            if (!(await this.takeBatch(job))) {
              await this.finish(job, "cancelled");
              return;
            }
          } else if (!(await this.takeBatch(job))) {
            await this.finish(job, "done");
            return;
          }
        } else if (job.state === "reverting") {
          if (!(await this.revertBatch(job))) {
            await this.finish(job, "reverted");
            return;
          }
        } else return;
        job = await this.renew(job.id);
        this.o.onProgress?.(job);
      }
    } catch (error) {
      if (error instanceof LeaseLost) return;
      throw error;
    } finally {
      clearInterval(heartbeat);
      // A node stopping lets go at once, so another takes the job over without waiting the lease out.
      if (this.stopped)
        await this.o.pool
          .query(
            "UPDATE invalidation_jobs SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2",
            [claimed.id, this.o.owner],
          )
          .catch(() => {});
    }
  }

  /** Renews the lease (the heartbeat) and reads the job; throws LeaseLost if another node has it. */
  private async renew(id: number): Promise<Job> {
    const result = await this.o.pool.query<JobRow>(
      `UPDATE invalidation_jobs SET lease_until = now() + $3 * interval '1 ms'
        WHERE id = $1 AND lease_owner = $2 RETURNING *`,
      [id, this.o.owner, this.o.leaseMs],
    );
    if (!result.rows[0]) throw new LeaseLost();
    return jobOf(result.rows[0]);
  }

  /**
   * Fixes the selection: every action matching the criteria recorded up to the job's creation
   * (so the preview's count, when nothing new matching arrived, is what the job takes), minus
   * those another job holds.
   */
  private async select(job: Job): Promise<Job> {
    return withTransaction(this.o.pool, async (client) => {
      await lockSelections(client, "exclusive");
      const values: unknown[] = [job.id];
      const from = selection(job.criteria, values, job.createdAt);
      await client.query(
        `INSERT INTO invalidated_actions (job_id, action_id, campaign_id, quantity)
         SELECT $1, a.id, a.campaign_id, a.quantity ${from}
         ON CONFLICT DO NOTHING`,
        values,
      );
      const result = await client.query<JobRow>(
        `UPDATE invalidation_jobs j
            SET state = 'running', started_at = now(),
                selected_actions = s.n, selected_quantity = s.q
           FROM (SELECT count(*)::int AS n, coalesce(sum(quantity), 0)::bigint AS q
                   FROM invalidated_actions WHERE job_id = $1) s
          WHERE j.id = $1 AND j.state = 'queued' AND j.lease_owner = $2
          RETURNING j.*`,
        [job.id, this.o.owner],
      );
      // Another node fixed it first (this one had lost its lease): roll back, that one goes on.
      if (!result.rows[0]) throw new LeaseLost();
      return jobOf(result.rows[0]);
    });
  }

  /** One batch of pending rows taken out; false when none is left. */
  private async takeBatch(job: Job): Promise<boolean> {
    const rows = await this.o.pool.query<CompensatedRow>(
      `SELECT a.id, a.campaign_id, a.case_id, a.type, a.quantity, a.country, a.channel, a.section_id, a.occurred_at
         FROM invalidated_actions i JOIN actions a ON a.id = i.action_id
        WHERE i.job_id = $1 AND i.state = 'pending'
        ORDER BY i.action_id LIMIT $2`,
      [job.id, this.o.batchSize],
    );
    if (rows.rows.length === 0) return false;
    const outcomes = await this.submitAll(
      rows.rows.map((r) => compensation(compensatedOf(r), job.reason, `invalidate:${job.id}:${r.id}`)),
    );
    await this.o.pool.query(
      `WITH changed AS (
         UPDATE invalidated_actions i SET state = 'out', compensation_id = u.compensation
           FROM unnest($2::uuid[], $3::uuid[]) AS u(action, compensation)
          WHERE i.job_id = $1 AND i.action_id = u.action AND i.state = 'pending'
          RETURNING i.quantity
       )
       UPDATE invalidation_jobs SET taken_actions = taken_actions + (SELECT count(*) FROM changed),
                                   taken_quantity = taken_quantity + (SELECT coalesce(sum(quantity), 0) FROM changed)
        WHERE id = $1`,
      // A compensation carries no signature step, so each outcome names its entry.
      [job.id, rows.rows.map((r) => r.id), outcomes.map((o) => o.action?.id ?? null)],
    );
    return true;
  }

  /**
   * A cancelled job lets go of what it has not taken out yet. Rows whose compensation reached
   * the ledger anyway (a batch cut short by a crash) are settled as out first. A pending row of
   * a solidarity message rejected meanwhile stays: the rejection left it to this job (it was
   * held), so it is still taken out.
   */
  private async release(job: Job): Promise<void> {
    await withTransaction(this.o.pool, async (client) => {
      await lockSelections(client, "exclusive");
      await client.query(
        `WITH settled AS (
           UPDATE invalidated_actions i SET state = 'out', compensation_id = w.id
             FROM actions w
            WHERE i.job_id = $1 AND i.state = 'pending'
              AND w.campaign_id = i.campaign_id AND w.idempotency_key = 'invalidate:' || $1 || ':' || i.action_id
            RETURNING i.quantity
         )
         UPDATE invalidation_jobs SET taken_actions = taken_actions + (SELECT count(*) FROM settled),
                                     taken_quantity = taken_quantity + (SELECT coalesce(sum(quantity), 0) FROM settled)
          WHERE id = $1`,
        [job.id],
      );
      await client.query(
        `DELETE FROM invalidated_actions i
          WHERE i.job_id = $1 AND i.state = 'pending'
            AND NOT EXISTS (SELECT 1 FROM actions a JOIN solidarity_messages m
                              ON m.campaign_id = a.campaign_id AND m.idempotency_key = a.idempotency_key
                             WHERE a.id = i.action_id AND m.status = 'rejected')`,
        [job.id],
      );
    });
  }

  /** One batch of a revert; false when nothing is left to restore. */
  private async revertBatch(job: Job): Promise<boolean> {
    const reason = job.revertReason || `revert of invalidation ${job.id}`;
    // Rows marked restoring by an attempt that did not finish come first, then new ones. A row
    // whose solidarity message is rejected is handed to moderation instead of restored; a row
    // whose signature was withdrawn while the job held it out stays out (handed to the
    // withdrawal, which wrote no compensation of its own: signatures/confirm.ts). The exclusive
    // lock orders this against such a withdrawal, which takes it shared.
    const marked = await withTransaction(this.o.pool, async (client) => {
      const again = await client.query<{ compensation_id: string; action_id: string }>(
        `SELECT action_id, compensation_id FROM invalidated_actions
          WHERE job_id = $1 AND state = 'restoring' ORDER BY action_id LIMIT $2`,
        [job.id, this.o.batchSize],
      );
      if (again.rows.length > 0) return again.rows;
      await lockSelections(client, "exclusive");
      const next = await client.query<{ action_id: string; compensation_id: string; rejected: boolean }>(
        `SELECT i.action_id, i.compensation_id, (EXISTS (
                  SELECT 1 FROM actions a JOIN solidarity_messages m
                    ON m.campaign_id = a.campaign_id AND m.idempotency_key = a.idempotency_key
                   WHERE a.id = i.action_id AND m.status = 'rejected')
                OR EXISTS (
                  SELECT 1 FROM signatures s WHERE s.action_id = i.action_id AND s.status = 'withdrawn')) AS rejected
           FROM invalidated_actions i WHERE i.job_id = $1 AND i.state = 'out'
          ORDER BY i.action_id LIMIT $2 FOR UPDATE`,
        [job.id, this.o.batchSize],
      );
      const handed = next.rows.filter((r) => r.rejected).map((r) => r.action_id);
      const restoring = next.rows.filter((r) => !r.rejected);
      await client.query(
        `UPDATE invalidated_actions SET state = CASE WHEN action_id = ANY($2::uuid[]) THEN 'handed' ELSE 'restoring' END
          WHERE job_id = $1 AND action_id = ANY($3::uuid[])`,
        [job.id, handed, next.rows.map((r) => r.action_id)],
      );
      return next.rows.length === 0 ? undefined : restoring;
    });
    if (marked === undefined) return false;
    if (marked.length === 0) return true;
    const entries = await this.o.pool.query<CompensatedRow>(
      `SELECT ${COMPENSATED_COLUMNS} FROM actions WHERE id = ANY($1::uuid[])`,
      [marked.map((m) => m.compensation_id)],
    );
    const actionOf = new Map(marked.map((m) => [m.compensation_id, m.action_id]));
    const outcomes = await this.submitAll(
      entries.rows.map((r) =>
        compensation(compensatedOf(r), reason, `revert:${job.id}:${actionOf.get(r.id)}`),
      ),
    );
    await this.o.pool.query(
      `WITH changed AS (
         UPDATE invalidated_actions i SET state = 'restored', revert_id = u.revert
           FROM unnest($2::uuid[], $3::uuid[]) AS u(action, revert)
          WHERE i.job_id = $1 AND i.action_id = u.action AND i.state = 'restoring'
          RETURNING i.quantity
       )
       UPDATE invalidation_jobs SET restored_actions = restored_actions + (SELECT count(*) FROM changed),
                                   restored_quantity = restored_quantity + (SELECT coalesce(sum(quantity), 0) FROM changed)
        WHERE id = $1`,
      [job.id, entries.rows.map((r) => actionOf.get(r.id)), outcomes.map((o) => o.action?.id ?? null)],
    );
    return true;
  }

  /**
   * Submits every entry through the batcher at once (it groups them with the live traffic into
   * its batches). An entry the ledger refused (an outage) is retried while the lease holds.
   */
  private async submitAll(entries: LedgerEntry[]): Promise<Outcome[]> {
    for (let attempt = 1; ; attempt++) {
      const settled = await Promise.allSettled(entries.map((e) => this.o.submit(e)));
      const failed = settled.find((s) => s.status === "rejected");
      if (!failed) return settled.map((s) => (s as PromiseFulfilledResult<Outcome>).value);
      if (this.stopped || attempt >= 20) throw (failed as PromiseRejectedResult).reason;
      this.o.log(
        "invalidation: the ledger refused a batch; retrying",
        (failed as PromiseRejectedResult).reason,
      );
      await new Promise((r) => setTimeout(r, Math.min(5_000, 200 * attempt)));
    }
  }

  /** The one transition to a final state, with its audit row; only the lease holder makes it. */
  private async finish(job: Job, state: "done" | "cancelled" | "reverted"): Promise<void> {
    await withTransaction(this.o.pool, async (client) => {
      const from = state === "reverted" ? "reverting" : "running";
      const result = await client.query<JobRow>(
        `UPDATE invalidation_jobs
            SET state = $3, lease_owner = NULL, lease_until = NULL,
                finished_at = CASE WHEN $3 = 'reverted' THEN finished_at ELSE now() END,
                reverted_at = CASE WHEN $3 = 'reverted' THEN now() ELSE reverted_at END
          WHERE id = $1 AND lease_owner = $2 AND state = $4
          RETURNING *`,
        [job.id, this.o.owner, state, from],
      );
      const row = result.rows[0];
      if (!row) throw new LeaseLost();
      const done = jobOf(row);
      await audit(
        client,
        SYSTEM_ACTOR,
        state === "reverted" ? "reverted" : "finish",
        "invalidation",
        job.id,
        null,
        {
          state,
          selected: done.selectedActions,
          taken: { actions: done.takenActions, quantity: done.takenQuantity },
          restored: { actions: done.restoredActions, quantity: done.restoredQuantity },
        },
      );
      this.o.onProgress?.(done);
    });
  }
}

/** Runs one job to its end on this process (the CLI): claims it, or waits for the node that has it. */
export async function runToEnd(runner: InvalidationRunner, pool: pg.Pool, id: number): Promise<Job> {
  for (;;) {
    const job = await runner.claim(id);
    if (job) await runner.run(job);
    const now = await getJob(pool, id);
    if (!now) throw new Error(`invalidation ${id} does not exist`);
    if (!["queued", "running", "reverting"].includes(now.state)) return now;
    await new Promise((r) => setTimeout(r, 500));
  }
}
