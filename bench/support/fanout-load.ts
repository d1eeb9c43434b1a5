import { Pool } from "undici";
import { sleep } from "./proc.js";

// The write load and the responsiveness probe, both on the main thread; the viewers have a
// thread of their own. Times are performance.timeOrigin + performance.now(), like the viewers'.

export const now = () => performance.timeOrigin + performance.now();

export interface PostOptions {
  url: string;
  campaign: string;
  caseSlug: string;
  rate: number;
  seconds: number;
  connections: number;
}

export interface PostResult {
  /** ackTimes[k - 1]: when the k-th 201 arrived, in arrival order. */
  ackTimes: number[];
  /** When each request was sent, in order: the k-th commit cannot come before the k-th send. */
  sendTimes: number[];
  sent: number;
  failed: Record<string, number>;
  /** Time from send to 201, ms. */
  latencies: number[];
  seconds: number;
  /** Sends skipped because a second's worth was outstanding: the server could not keep up. */
  skipped: number;
}

const COUNTRIES = ["DE", "FR", "US", "BR", "KE", "JP", "IN", "NG", "MX", "PL", "ZA", "AU"];

export async function postActions(options: PostOptions): Promise<PostResult> {
  // Bounded waits: a stuck server must end the run with failures, not hang it.
  const pool = new Pool(options.url, {
    connections: options.connections,
    pipelining: 1,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const run = `fanout-${process.pid}-${Date.now().toString(36)}`;
  const result: PostResult = {
    ackTimes: [],
    sendTimes: [],
    sent: 0,
    failed: {},
    latencies: [],
    seconds: 0,
    skipped: 0,
  };
  const outstanding = new Set<Promise<void>>();
  const fail = (reason: string) => {
    result.failed[reason] = (result.failed[reason] ?? 0) + 1;
  };
  const post = async (n: number) => {
    const t0 = now();
    result.sendTimes.push(t0);
    try {
      const response = await pool.request({
        method: "POST",
        path: "/api/v1/actions",
        headers: { "content-type": "application/json", "idempotency-key": `${run}-${n}` },
        body: JSON.stringify({
          campaign: options.campaign,
          case: options.caseSlug,
          type: "letter",
          country: COUNTRIES[n % COUNTRIES.length],
        }),
      });
      // The answer counts from its status line: that is when a client learns it was committed.
      if (response.statusCode === 201) {
        const t = now();
        result.ackTimes.push(t);
        result.latencies.push(t - t0);
      } else fail(String(response.statusCode));
      await response.body.dump();
    } catch (error) {
      fail((error as { code?: string }).code ?? "network");
    }
  };
  try {
    const started = now();
    const end = started + options.seconds * 1000;
    // Open loop: sends follow the clock, not the answers, so a slow server shows up as
    // latency (and as a lower achieved rate) instead of silently lowering the load.
    // More than a second's worth waiting cannot meet the goal anyway, and a bounded queue
    // bounds the time the run takes to drain it when the server falls behind.
    const maxOutstanding = Math.max(options.rate, options.connections * 2);
    let due = 0;
    while (now() < end) {
      const target = Math.floor(((now() - started) / 1000) * options.rate);
      while (due < target) {
        due++;
        if (outstanding.size >= maxOutstanding) {
          result.skipped++;
          continue;
        }
        const p = post(result.sent++).finally(() => outstanding.delete(p));
        outstanding.add(p);
      }
      await sleep(2);
    }
    await Promise.all(outstanding);
    result.seconds = (now() - started) / 1000;
    return result;
  } finally {
    await pool.close();
  }
}

export interface ProbeResult {
  counter: number[];
  health: number[];
  /** The home page, what a crowd's visitors load. */
  home: number[];
  errors: number;
  /** Ticks when the previous probe of that kind had not been answered yet. */
  skipped: number;
}

/**
 * Reads what a visitor and a load balancer read, every intervalMs, on connections of its own.
 * One request of each kind at a time, so a latency is the server's, not a queue of our own.
 */
export function startProbe(url: string, counterPath: string, intervalMs = 100) {
  const pool = new Pool(url, { connections: 3, pipelining: 1, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const result: ProbeResult = { counter: [], health: [], home: [], errors: 0, skipped: 0 };
  const outstanding = new Map<string, Promise<void>>();
  const probe = (path: string, into: number[]) => {
    if (outstanding.has(path)) {
      result.skipped++;
      return;
    }
    const t0 = now();
    const p = pool
      .request({ method: "GET", path })
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode === 200) into.push(now() - t0);
        else result.errors++;
      })
      .catch(() => {
        result.errors++;
      })
      .finally(() => outstanding.delete(path));
    outstanding.set(path, p);
  };
  const timer = setInterval(() => {
    probe(counterPath, result.counter);
    probe("/healthz", result.health);
    probe("/en/", result.home);
  }, intervalMs);
  return {
    stop: async (): Promise<ProbeResult> => {
      clearInterval(timer);
      await Promise.all(outstanding.values());
      await pool.close();
      return result;
    },
  };
}
