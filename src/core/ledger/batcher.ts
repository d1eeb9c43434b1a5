import type pg from "pg";
import { connectionLost } from "../../platform/db/connection-lost.js";
import { databaseUnavailable } from "../../platform/db/errors.js";
import { isDataError, isRetryable } from "../../platform/db/transaction.js";
import type { Privacy } from "../../platform/privacy/privacy.js";
import { personalEmail } from "../../platform/rules.js";
import { appendEntries, type Supporter } from "./append.js";
import type { DeltaRow, LedgerEntry, SignatureStep } from "./types.js";

// Group commit: requests that arrive while a batch is being written wait together and are
// written as the next batch, in one transaction. There is no timer: under light load a batch
// is one action, under heavy load batches grow by themselves. A request is answered only after
// its batch committed, so an acknowledged action is durable.
//
// A batch that has not committed within timeoutMs is answered 503 (LedgerUnavailableError),
// with everything queued behind it: a client is never kept waiting on a database that does not
// answer. Such a batch may still commit later; a client that retries with its Idempotency-Key
// then gets the stored action back instead of a second one.

export interface SupporterInput {
  name?: string;
  email?: string;
}

export interface StoredRef {
  id: string;
  campaignId: number;
  caseId: number;
  type: string;
  quantity: number;
  country: string;
  channel: string;
  occurredAt: Date;
  recordedAt: Date;
}

/** An action found by its idempotency key, as PostgreSQL returns it. */
interface ExistingRow {
  id: string;
  campaign_id: number;
  case_id: number;
  type: string;
  quantity: number;
  country: string;
  channel: string;
  occurred_at: Date;
  recorded_at: Date;
  idempotency_key: string;
}

export type Outcome =
  | { created: true; action: StoredRef }
  | { created: false; action: StoredRef }
  /**
   * A signature step found its signature otherwise (signed already by this person, no longer
   * pending, not counted): nothing was written. The caller reads the signature to say why.
   */
  | { created: false; action: null };

interface Pending {
  entry: LedgerEntry;
  supporter: SupporterInput | undefined;
  signature: SignatureStep | undefined;
  resolve(outcome: Outcome): void;
  reject(error: Error): void;
}

export class LedgerUnavailableError extends Error {
  override name = "LedgerUnavailableError";
}

/**
 * Whether a request failed because the ledger refused to store (`ledger`) or the database
 * cannot be reached (`outage`); undefined for any other error. The error pages answer both 503.
 */
export function unavailability(error: unknown): { ledger: boolean; outage: boolean } | undefined {
  if (error instanceof LedgerUnavailableError)
    return { ledger: true, outage: databaseUnavailable(error.cause) };
  return databaseUnavailable(error) ? { ledger: false, outage: true } : undefined;
}

export interface BatcherOptions {
  pool: pg.Pool;
  /** Seals supporters' names and emails before they go into the statement. */
  privacy: Privacy;
  origin: string;
  maxBatch: number;
  /** How long a batch may take to commit, retries included. */
  timeoutMs: number;
  /** Told about every batch: undefined when it committed, the error when the database failed it. */
  onWrite?(error?: unknown): void;
  /** Called after each commit that inserted something, in commit order. */
  onCommitted(seq: number, delta: DeltaRow[]): void;
  log?: (message: string, error?: unknown) => void;
}

const MAX_RETRIES = 3;

function stored(entry: LedgerEntry, recordedAt: Date): StoredRef {
  return {
    id: entry.id,
    campaignId: entry.campaignId,
    caseId: entry.caseId,
    type: entry.type,
    quantity: entry.quantity,
    country: entry.country,
    channel: entry.channel,
    occurredAt: entry.occurredAt,
    recordedAt,
  };
}

/**
 * One supporter row per person (the keyed hash of their email is the unique key) or, without an
 * email, per action (its id is the action's); entries with an email are linked to their
 * supporter by the hash inside the statement. Only entries that carry a name or an email cost
 * any sealing: a letter costs nothing here.
 */
function supportersOf(
  batch: Pending[],
  privacy: Privacy,
): { supporters: Supporter[]; keys: (Buffer | null)[] } {
  const byPerson = new Map<string, Supporter>();
  const keys: (Buffer | null)[] = [];
  for (const p of batch) {
    const email = p.supporter?.email ?? null;
    const name = p.supporter?.name ?? null;
    // Without a supporter to write, the entry keeps the one its caller named (a confirmed
    // signature's); with one, it is linked below (a retry starts again from null).
    if (email === null && name === null) {
      keys.push(null);
      continue;
    }
    p.entry.supporterId = null;
    if (email === null) {
      keys.push(null);
      p.entry.supporterId = p.entry.id;
      byPerson.set(`action:${p.entry.id}`, {
        id: p.entry.id,
        emailKey: null,
        email: null,
        name: privacy.seal(name as string, "name"),
      });
      continue;
    }
    const person = personalEmail(email);
    const previous = byPerson.get(person);
    const emailKey = previous?.emailKey ?? privacy.emailKey(email);
    keys.push(emailKey);
    byPerson.set(person, {
      id: previous?.id ?? p.entry.id,
      emailKey,
      email: previous?.email ?? privacy.seal(email, "email"),
      name: name === null ? (previous?.name ?? null) : privacy.seal(name, "name"),
    });
  }
  return { supporters: [...byPerson.values()], keys };
}

export class Batcher {
  private queue: Pending[] = [];
  private running = false;
  private closed = false;
  private idle: (() => void)[] = [];
  /** A commit outlived its bound and is still running: refuse at once rather than queue. */
  private stalled = false;
  /** Largest batch written so far; exposed for benchmarks and operations. */
  stats = { batches: 0, actions: 0, largestBatch: 0 };

  constructor(private readonly options: BatcherOptions) {}

  /** `signature`: what the entry does to a petition signature (see SignatureStep), if anything. */
  submit(entry: LedgerEntry, supporter?: SupporterInput, signature?: SignatureStep): Promise<Outcome> {
    if (this.closed) return Promise.reject(new LedgerUnavailableError("The ledger is shutting down"));
    if (this.stalled) return Promise.reject(new LedgerUnavailableError("The database is not answering"));
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, supporter, signature, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Refuses new work and resolves once everything queued has been written or refused. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.running && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      await this.write(batch);
    }
    this.running = false;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private async write(batch: Pending[]): Promise<void> {
    // Two requests with one idempotency key in the same batch: the first is written, the
    // others answer with its result.
    const leaders: Pending[] = [];
    const followers = new Map<Pending, Pending[]>();
    const byKey = new Map<string, Pending>();
    for (const p of batch) {
      const key = p.entry.idempotencyKey === null ? null : `${p.entry.campaignId}|${p.entry.idempotencyKey}`;
      const leader = key === null ? undefined : byKey.get(key);
      if (leader) {
        const list = followers.get(leader) ?? [];
        list.push(p);
        followers.set(leader, list);
      } else {
        if (key !== null) byKey.set(key, p);
        leaders.push(p);
      }
    }
    const deadline = Date.now() + this.options.timeoutMs;
    const commit = this.commitWithRetry(leaders, deadline);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), this.options.timeoutMs);
    });
    try {
      const outcomes = await Promise.race([commit, late]);
      if (outcomes === "late") {
        this.stalled = true;
        const failure = new LedgerUnavailableError("The database did not answer in time");
        this.options.onWrite?.(failure);
        for (const p of [...batch, ...this.queue.splice(0)]) p.reject(failure);
        // The next batch waits for this one: batch numbers must reach the counters in order.
        await commit.catch(() => {});
        this.stalled = false;
        return;
      }
      this.options.onWrite?.();
      for (const [i, p] of leaders.entries()) {
        const outcome = outcomes[i] as Outcome;
        p.resolve(outcome);
        for (const f of followers.get(p) ?? []) f.resolve({ created: false, action: outcome.action });
      }
    } catch (error) {
      if (leaders.length > 1 && isDataError(error)) {
        // One bad row must not fail its neighbours: write each on its own to find it.
        for (const p of leaders) await this.write([p, ...(followers.get(p) ?? [])]);
        return;
      }
      const unavailable = databaseUnavailable(error);
      // An outage is logged once, as a change of the database's state, not once per batch.
      if (unavailable) this.options.onWrite?.(error);
      else this.options.log?.("ledger batch failed", error);
      const failure =
        error instanceof LedgerUnavailableError
          ? error
          : new LedgerUnavailableError("The ledger could not store the action", { cause: error });
      // What waited behind a failed database would fail the same way, later.
      for (const p of unavailable ? [...batch, ...this.queue.splice(0)] : batch) p.reject(failure);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Retries what may succeed at once: a serialization failure, or a connection that died while
   * idle (a restarted server). A batch whose commit was lost on the way back is not stored
   * twice: its actions' ids are unique, and an action with an Idempotency-Key is answered with
   * its stored self.
   */
  private async commitWithRetry(batch: Pending[], deadline: number): Promise<Outcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.commit(batch);
      } catch (error) {
        const pause = 5 * attempt;
        const retryable = isRetryable(error) || connectionLost(error);
        if (!retryable || attempt >= MAX_RETRIES || Date.now() + pause >= deadline) throw error;
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  private async commit(batch: Pending[]): Promise<Outcome[]> {
    const entries = batch.map((p) => p.entry);
    const { supporters, keys } = supportersOf(batch, this.options.privacy);
    const steps = batch.map((p) => p.signature);
    const result = await appendEntries(
      this.options.pool,
      this.options.origin,
      entries,
      supporters,
      keys,
      steps,
    );
    this.stats.batches++;
    this.stats.actions += result.inserted.size;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    if (result.seq > 0) this.options.onCommitted(result.seq, result.delta);
    const missing = entries.filter((e) => !result.inserted.has(e.id) && e.idempotencyKey !== null);
    const existing = missing.length > 0 ? await this.findExisting(missing) : new Map<string, StoredRef>();
    return entries.map((e, i) => {
      const recordedAt = result.inserted.get(e.id);
      if (recordedAt) return { created: true, action: stored(e, recordedAt) };
      const previous = existing.get(`${e.campaignId}|${e.idempotencyKey}`);
      if (previous) return { created: false, action: previous };
      if (steps[i]) return { created: false, action: null };
      throw new LedgerUnavailableError("A repeated action could not be found");
    });
  }

  private async findExisting(entries: LedgerEntry[]): Promise<Map<string, StoredRef>> {
    const result = await this.options.pool.query<ExistingRow>(
      `SELECT a.id, a.campaign_id, a.case_id, a.type, a.quantity, a.country, a.channel, a.occurred_at,
              a.recorded_at, a.idempotency_key
         FROM actions a
         JOIN unnest($1::int[], $2::text[]) AS k(campaign_id, idempotency_key)
           ON a.campaign_id = k.campaign_id AND a.idempotency_key = k.idempotency_key`,
      [entries.map((e) => e.campaignId), entries.map((e) => e.idempotencyKey)],
    );
    return new Map(
      result.rows.map((r) => [
        `${r.campaign_id}|${r.idempotency_key}`,
        {
          id: r.id,
          campaignId: r.campaign_id,
          caseId: r.case_id,
          type: r.type,
          quantity: r.quantity,
          country: r.country,
          channel: r.channel,
          occurredAt: r.occurred_at,
          recordedAt: r.recorded_at,
        },
      ]),
    );
  }
}
