import autocannon from "autocannon";

// One load definition for every server, so the three runs differ only in the server.

const COUNTRIES = ["FR", "DE", "GB", "US", "BR", "KE", "IN", "JP"];

/** Supporters made up by this process so far: each personal action names a new person. */
let people = 0;

/**
 * A few countries so the app's batches carry several rollup keys, as real traffic does. With
 * `personal`, every action is a signature carrying a new supporter's name and email (what the
 * sign form and CRMs send), so the run measures the supporter upsert and its encryption too.
 */
export function actionRequests(personal = false): autocannon.Request[] {
  return COUNTRIES.map((country) => {
    const action = {
      campaign: "w4r-2012",
      case: "gao-zhisheng",
      type: personal ? "petition" : "letter",
      country,
    };
    const request: autocannon.Request = {
      method: "POST",
      path: "/api/v1/actions",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(action),
    };
    if (!personal) return request;
    return {
      ...request,
      setupRequest: (req) => {
        const n = ++people;
        const supporter = {
          name: `Bench Person ${n}`,
          email: `person.${process.pid}.${n}@bench.example.org`,
        };
        return { ...req, body: JSON.stringify({ ...action, supporter }) };
      },
    };
  });
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  /** Every action carries a new supporter (see actionRequests). */
  personal?: boolean;
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
    requests: actionRequests(options.personal),
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
