import type pg from "pg";
import { type Actor, audit } from "../office/index.js";
import { type Criteria, selection } from "./criteria.js";

// Invalidation jobs in PostgreSQL: the preview, creating a job, asking it to stop or to be
// reverted, and reading them for the office and the CLI. The work itself is runner.ts.

export type JobState = "queued" | "running" | "done" | "cancelled" | "reverting" | "reverted" | "failed";

export interface PreviewRow {
  caseSlug: string;
  country: string;
  actions: number;
  quantity: number;
}

export interface Preview {
  rows: PreviewRow[];
  actions: number;
  quantity: number;
}

export interface Job {
  id: number;
  criteria: Criteria;
  reason: string;
  state: JobState;
  cancelRequested: boolean;
  previewedActions: number | null;
  previewedQuantity: number | null;
  selectedActions: number | null;
  selectedQuantity: number | null;
  takenActions: number;
  takenQuantity: number;
  restoredActions: number;
  restoredQuantity: number;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  revertReason: string | null;
  revertedBy: string | null;
  revertedAt: Date | null;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  error: string | null;
}

interface JobRow {
  id: string;
  criteria: Criteria;
  reason: string;
  state: JobState;
  cancel_requested: boolean;
  previewed_actions: number | null;
  previewed_quantity: string | null;
  selected_actions: number | null;
  selected_quantity: string | null;
  taken_actions: number;
  taken_quantity: string;
  restored_actions: number;
  restored_quantity: string;
  created_by_label: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  revert_reason: string | null;
  reverted_by_label: string | null;
  reverted_at: Date | null;
  lease_owner: string | null;
  lease_until: Date | null;
  error: string | null;
}

const num = (v: string | null) => (v === null ? null : Number(v));

export function jobOf(r: JobRow): Job {
  return {
    id: Number(r.id),
    criteria: r.criteria,
    reason: r.reason,
    state: r.state,
    cancelRequested: r.cancel_requested,
    previewedActions: r.previewed_actions,
    previewedQuantity: num(r.previewed_quantity),
    selectedActions: r.selected_actions,
    selectedQuantity: num(r.selected_quantity),
    takenActions: r.taken_actions,
    takenQuantity: Number(r.taken_quantity),
    restoredActions: r.restored_actions,
    restoredQuantity: Number(r.restored_quantity),
    createdBy: r.created_by_label,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    revertReason: r.revert_reason,
    revertedBy: r.reverted_by_label,
    revertedAt: r.reverted_at,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until,
    error: r.error,
  };
}

export type { JobRow };

/** The counts the criteria would take out now, per case and country. */
export async function preview(db: pg.Pool | pg.PoolClient, criteria: Criteria): Promise<Preview> {
  const values: unknown[] = [];
  const from = selection(criteria, values);
  const result = await db.query<{ slug: string | null; country: string; actions: number; quantity: string }>(
    `SELECT k.slug, s.country, s.actions, s.quantity
       FROM (SELECT a.case_id, a.country, count(*)::int AS actions, sum(a.quantity)::bigint AS quantity
               ${from} GROUP BY 1, 2) s
       LEFT JOIN cases k ON k.id = s.case_id
      ORDER BY s.quantity DESC, k.slug, s.country`,
    values,
  );
  const rows = result.rows.map((r) => ({
    caseSlug: r.slug ?? "?",
    country: r.country.trim(),
    actions: r.actions,
    quantity: Number(r.quantity),
  }));
  return {
    rows,
    actions: rows.reduce((n, r) => n + r.actions, 0),
    quantity: rows.reduce((n, r) => n + r.quantity, 0),
  };
}

/**
 * A new job, audited in the same transaction. `claimedBy` claims it at once for the caller
 * (the CLI runs its own job; a node would take it over if the CLI died).
 */
export async function createJob(
  client: pg.PoolClient,
  actor: Actor,
  criteria: Criteria,
  reason: string,
  previewed: Preview,
  claimedBy?: { owner: string; leaseMs: number },
): Promise<Job> {
  const result = await client.query<JobRow>(
    `INSERT INTO invalidation_jobs (criteria, reason, previewed_actions, previewed_quantity, created_by,
                                    created_by_label, lease_owner, lease_until)
     VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $7::text IS NULL THEN NULL ELSE now() + $8 * interval '1 ms' END)
     RETURNING *`,
    [
      JSON.stringify(criteria),
      reason,
      previewed.actions,
      previewed.quantity,
      actor.id,
      actor.label,
      claimedBy?.owner ?? null,
      claimedBy?.leaseMs ?? 0,
    ],
  );
  const job = jobOf(result.rows[0] as JobRow);
  await audit(client, actor, "create", "invalidation", job.id, null, {
    criteria,
    reason,
    preview: { actions: previewed.actions, quantity: previewed.quantity },
  });
  return job;
}

export async function getJob(db: pg.Pool | pg.PoolClient, id: number): Promise<Job | undefined> {
  const result = await db.query<JobRow>("SELECT * FROM invalidation_jobs WHERE id = $1", [id]);
  return result.rows[0] ? jobOf(result.rows[0]) : undefined;
}

export async function listJobs(db: pg.Pool, limit = 100): Promise<Job[]> {
  const result = await db.query<JobRow>("SELECT * FROM invalidation_jobs ORDER BY id DESC LIMIT $1", [limit]);
  return result.rows.map(jobOf);
}

export type Request = "ok" | "missing" | "state";

/** Asks a queued or running job to stop; the node working on it stops after its batch. */
export async function requestCancel(client: pg.PoolClient, actor: Actor, id: number): Promise<Request> {
  const before = await getJob(client, id);
  if (!before) return "missing";
  const result = await client.query(
    `UPDATE invalidation_jobs SET cancel_requested = true
      WHERE id = $1 AND state IN ('queued', 'running') AND NOT cancel_requested`,
    [id],
  );
  if (result.rowCount === 0) return "state";
  await audit(
    client,
    actor,
    "cancel",
    "invalidation",
    id,
    { state: before.state },
    { cancelRequested: true },
  );
  return "ok";
}

/** Asks for a finished or cancelled job's actions to count again. */
export async function requestRevert(
  client: pg.PoolClient,
  actor: Actor,
  id: number,
  reason: string,
): Promise<Request> {
  const before = await getJob(client, id);
  if (!before) return "missing";
  const result = await client.query(
    `UPDATE invalidation_jobs
        SET state = 'reverting', revert_reason = $2, reverted_by_label = $3, revert_requested_at = now(),
            lease_owner = NULL, lease_until = NULL
      WHERE id = $1 AND state IN ('done', 'cancelled')`,
    [id, reason, actor.label],
  );
  if (result.rowCount === 0) return "state";
  await audit(
    client,
    actor,
    "revert",
    "invalidation",
    id,
    { state: before.state },
    { state: "reverting", reason },
  );
  return "ok";
}

// Moderation and a job's selection must not both take a solidarity message's action out: a job
// fixes its selection under this lock (exclusive), and a moderation decision looks at the
// holds under it (shared), so each sees the other's committed outcome.
const SELECTION_LOCK = 0x1dea_0021;

export async function lockSelections(client: pg.PoolClient, mode: "exclusive" | "shared"): Promise<void> {
  await client.query(
    mode === "exclusive" ? "SELECT pg_advisory_xact_lock($1)" : "SELECT pg_advisory_xact_lock_shared($1)",
    [SELECTION_LOCK],
  );
}

/** Whether a job holds the action out (selected or taken out, not restored). */
export async function heldByJob(client: pg.Pool | pg.PoolClient, actionId: string): Promise<boolean> {
  const result = await client.query(
    "SELECT 1 FROM invalidated_actions WHERE action_id = $1 AND state IN ('pending', 'out') LIMIT 1",
    [actionId],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * The job rows a revert left out because the action's message was rejected: approving the
 * message restores them (under the caller's key) and marks them restored.
 */
export async function takeHanded(
  client: pg.PoolClient,
  actionId: string,
): Promise<{ jobId: number; compensationId: string }[]> {
  const result = await client.query<{ job_id: string; compensation_id: string }>(
    `UPDATE invalidated_actions SET state = 'restored'
      WHERE action_id = $1 AND state = 'handed' RETURNING job_id, compensation_id`,
    [actionId],
  );
  return result.rows.map((r) => ({ jobId: Number(r.job_id), compensationId: r.compensation_id }));
}
