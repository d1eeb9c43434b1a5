import type pg from "pg";
import type { ActionLimits } from "../../config.js";

// Budgets per client address, in PostgreSQL so that every node counts against the same ones
// (migration 020, action_budgets). An address has four: per minute (the burst) and per hour (the
// sustained rate), for each case and for all cases together, each counted in actions — a batch
// of 20 letters uses 20 of each.
//
// One round trip per check, and checks are grouped like the ledger's batches: while one
// statement is in flight, new requests wait and go together in the next one (no timer; under
// light load a group is one request). The statement adds every request's quantity to its
// windows at once, in key order (two nodes lock shared rows in the same order), and returns what
// each window held before. In the common case — every window stays within its limit — that was
// the whole check. Otherwise the requests are decided one by one in arrival order here, and what
// the refused ones added is given back with a second statement. Until it is, another node may see
// the address's window a little fuller than it is: it can refuse a request at the very edge of
// the limit, never accept one over it.

export interface BudgetRequest {
  /** The client's key: an IPv4 address, an IPv6 /64 (platform/http/connections.ts's addressKey). */
  address: string;
  caseId: number;
  quantity: number;
  /** Counted without being checked: a solved proof-of-work challenge pays for it. */
  force?: boolean;
}

export type BudgetVerdict =
  | { allowed: true }
  | {
      allowed: false;
      /** Seconds until every window it went over has started again. */
      retryAfter: number;
      /** How far over: the fullest window with this request in it, as a multiple of its limit (≥ 1). */
      load: number;
    };

const SPANS = { minute: 60, hour: 3600 } as const;

/** [address, case id (0: all cases), span in seconds, quantity added] */
type WindowKey = [string, number, number, number];

interface WindowRow {
  k: number;
  used: number;
  ends_in: number;
}

const TAKE_SQL = `
WITH r AS (
  SELECT (e.v->>0)::inet AS address, (e.v->>1)::int AS case_id, (e.v->>2)::int AS span,
         (e.v->>3)::int AS added, (e.n - 1)::int AS k
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n)
), up AS (
  INSERT INTO action_budgets AS b (address, case_id, span, window_start, used)
  SELECT address, case_id, span, to_timestamp(floor(extract(epoch FROM now()) / span) * span), added
    FROM r ORDER BY address, case_id, span
  ON CONFLICT (address, case_id, span) DO UPDATE
    SET used = CASE WHEN b.window_start = EXCLUDED.window_start THEN b.used + EXCLUDED.used ELSE EXCLUDED.used END,
        window_start = EXCLUDED.window_start
  RETURNING address, case_id, span, used, window_start
)
SELECT r.k, up.used, ceil(extract(epoch FROM up.window_start + make_interval(secs => up.span) - now()))::int AS ends_in
  FROM r JOIN up USING (address, case_id, span)`;

// Given back only within the window it was taken in: a window that started again owes nothing.
const GIVE_BACK_SQL = `
UPDATE action_budgets AS b SET used = greatest(b.used - g.back, 0)
  FROM (SELECT (e->>0)::inet AS address, (e->>1)::int AS case_id, (e->>2)::int AS span, (e->>3)::int AS back
          FROM jsonb_array_elements($1::jsonb) AS e ORDER BY 1, 2, 3) AS g
 WHERE b.address = g.address AND b.case_id = g.case_id AND b.span = g.span
   AND b.window_start = to_timestamp(floor(extract(epoch FROM now()) / g.span) * g.span)`;

const PURGE_SQL = "DELETE FROM action_budgets WHERE window_start < now() - interval '2 hours'";

interface Pending {
  request: BudgetRequest;
  resolve(verdict: BudgetVerdict): void;
  reject(error: unknown): void;
}

/** One limit that applies to a request: its window's key and its size. */
interface Applied {
  key: string;
  limit: number;
}

export class ActionLimiter {
  private queue: Pending[] = [];
  private running = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly limits: ActionLimits,
    private readonly maxGroup = 500,
  ) {}

  /** Whether any limit is on (ACTION_RATE_LIMIT=0 turns them all off). */
  get enabled(): boolean {
    return this.limits.minute > 0;
  }

  take(request: BudgetRequest): Promise<BudgetVerdict> {
    if (!this.enabled) return Promise.resolve({ allowed: true });
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Deletes the windows nobody used for two hours (hourly). */
  async purge(): Promise<void> {
    await this.pool.query(PURGE_SQL);
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxGroup);
      try {
        const verdicts = await this.decide(group.map((p) => p.request));
        for (const [i, p] of group.entries()) p.resolve(verdicts[i] as BudgetVerdict);
      } catch (error) {
        for (const p of group) p.reject(error);
      }
    }
    this.running = false;
  }

  private applied(request: BudgetRequest): Applied[] {
    const { address, caseId } = request;
    const all: [number, number, number][] = [
      [0, SPANS.minute, this.limits.minute],
      [0, SPANS.hour, this.limits.hour],
      [caseId, SPANS.minute, this.limits.caseMinute],
      [caseId, SPANS.hour, this.limits.caseHour],
    ];
    return all
      .filter(([, , limit]) => limit > 0)
      .map(([c, span, limit]) => ({ key: `${address}|${c}|${span}`, limit }));
  }

  private async decide(requests: BudgetRequest[]): Promise<BudgetVerdict[]> {
    const applied = requests.map((r) => this.applied(r));
    const added = new Map<string, number>();
    const limits = new Map<string, number>();
    requests.forEach((r, i) => {
      for (const a of applied[i] ?? []) {
        added.set(a.key, (added.get(a.key) ?? 0) + r.quantity);
        limits.set(a.key, a.limit);
      }
    });
    const keys = [...added.keys()];
    const rows: WindowKey[] = keys.map((key) => {
      const [address, caseId, span] = key.split("|") as [string, string, string];
      return [address, Number(caseId), Number(span), added.get(key) ?? 0];
    });
    const result = await this.pool.query<WindowRow>({
      name: "inkwell_budget_take",
      text: TAKE_SQL,
      values: [JSON.stringify(rows)],
    });
    const after = new Map<string, number>();
    const endsIn = new Map<string, number>();
    for (const row of result.rows) {
      const key = keys[row.k] as string;
      after.set(key, row.used);
      endsIn.set(key, Math.max(1, row.ends_in));
    }
    // The common case: every window stays within its limit with the whole group in it.
    if (keys.every((key) => (after.get(key) ?? 0) <= (limits.get(key) ?? 0))) {
      return requests.map(() => ({ allowed: true }));
    }
    // Else in arrival order, from what each window held before this group.
    const used = new Map(keys.map((key) => [key, (after.get(key) ?? 0) - (added.get(key) ?? 0)]));
    const back = new Map<string, number>();
    const verdicts = requests.map((r, i): BudgetVerdict => {
      const mine = applied[i] ?? [];
      const over = mine.filter((a) => (used.get(a.key) ?? 0) + r.quantity > a.limit);
      if (r.force || over.length === 0) {
        for (const a of mine) used.set(a.key, (used.get(a.key) ?? 0) + r.quantity);
        return { allowed: true };
      }
      for (const a of mine) back.set(a.key, (back.get(a.key) ?? 0) + r.quantity);
      const load = Math.max(...over.map((a) => ((used.get(a.key) ?? 0) + r.quantity) / a.limit));
      return {
        allowed: false,
        retryAfter: Math.max(...over.map((a) => endsIn.get(a.key) ?? SPANS.hour)),
        load,
      };
    });
    const giveBack = [...back].map(([key, n]) => {
      const [address, caseId, span] = key.split("|") as [string, string, string];
      return [address, Number(caseId), Number(span), n];
    });
    if (giveBack.length > 0) {
      await this.pool.query({
        name: "inkwell_budget_back",
        text: GIVE_BACK_SQL,
        values: [JSON.stringify(giveBack)],
      });
    }
    return verdicts;
  }
}
