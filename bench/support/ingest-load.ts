import autocannon from "autocannon";

// One load definition for every server, so the three runs differ only in the server.

const COUNTRIES = ["FR", "DE", "GB", "US", "BR", "KE", "IN", "JP"];

/** A few countries so the app's batches carry several rollup keys, as real traffic does. */
export function actionRequests(): autocannon.Request[] {
  return COUNTRIES.map((country) => ({
    method: "POST",
    path: "/api/v1/actions",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ campaign: "w4r-2012", case: "gao-zhisheng", type: "letter", country }),
  }));
}

export interface LoadOptions {
  connections: number;
  seconds: number;
}

export interface LoadResult {
  seconds: number;
  /** 2xx responses per second: the only ones that count as actions. */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  ok: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  sent: number;
  /**
   * Requests still in flight when autocannon stopped: it closes its connections without
   * waiting, so the server may have stored these without the client ever seeing the 201.
   */
  unanswered: number;
}

export async function runLoad(url: string, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    pipelining: 1,
    requests: actionRequests(),
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = stat.count ?? 0;
  const answered = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const ok = result["2xx"];
  return {
    seconds: result.duration,
    rps: Math.round(ok / result.duration),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    ok,
    non2xx: result.non2xx,
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    sent: result.requests.sent,
    unanswered: Math.max(0, result.requests.sent - answered - result.errors),
  };
}
