import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

// Pieces the fault tests share: a load of posters, timed requests, waiting for readiness, and
// finding the processes of the PostgreSQL cluster a test server started.

export const ACTION = { campaign: "w4r-2012", case: "coastei-street", type: "petition", country: "RO" };

export interface Timed {
  status: number;
  ms: number;
}

/** A request with a hard client-side limit, timed; status 0 when it did not answer in limitMs. */
export async function timed(url: string, init: RequestInit = {}, limitMs = 10_000): Promise<Timed> {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(limitMs) });
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - started };
  } catch {
    return { status: 0, ms: performance.now() - started };
  }
}

export function postAction(base: string, key = randomUUID(), limitMs = 10_000): Promise<Timed> {
  return timed(
    `${base}/api/v1/actions`,
    {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify(ACTION),
    },
    limitMs,
  );
}

export interface Load {
  /** Idempotency key → action id, for every action the node acknowledged. */
  acknowledged: Map<string, string>;
  failed: number;
  /** The slowest answer seen, in ms. */
  slowestMs: number;
  stop(): Promise<void>;
}

/** `workers` clients posting actions, each with a fresh Idempotency-Key, until stopped. */
export function startLoad(base: string, workers: number, pauseAfterFailureMs = 20): Load {
  const load: Load = { acknowledged: new Map(), failed: 0, slowestMs: 0, stop: async () => {} };
  let stopping = false;
  const worker = async () => {
    while (!stopping) {
      const key = randomUUID();
      const started = performance.now();
      try {
        const response = await fetch(`${base}/api/v1/actions`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": key },
          body: JSON.stringify(ACTION),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await response.json()) as { id?: string };
        // 200 is a replay of an action stored before; both are acknowledgements.
        if ((response.status === 201 || response.status === 200) && body.id)
          load.acknowledged.set(key, body.id);
        else load.failed++;
      } catch {
        load.failed++;
      }
      load.slowestMs = Math.max(load.slowestMs, performance.now() - started);
      if (!load.acknowledged.has(key)) await new Promise((r) => setTimeout(r, pauseAfterFailureMs));
    }
  };
  const running = Array.from({ length: workers }, worker);
  load.stop = async () => {
    stopping = true;
    await Promise.all(running);
  };
  return load;
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

export const isReady = async (base: string) => (await timed(`${base}/readyz`, {}, 3000)).status === 200;

/** The postmaster of the cluster in DATA_DIR/pg, from its lock file. */
export function postmasterPid(dataDir: string): number {
  const file = path.join(dataDir, "pg", "postmaster.pid");
  const pid = Number.parseInt(readFileSync(file, "utf8").split("\n")[0] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no postmaster pid in ${file}`);
  return pid;
}

/** The direct children of a process (a postmaster's backends and helpers), from /proc. */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid …; comm may hold spaces and parentheses, so read after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {}
  }
  return children;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {}
  }
}

/** Actions whose idempotency key and id are not both in the ledger of the cluster in dataDir. */
export async function missingFromLedger(
  dataDir: string,
  port: number,
  acknowledged: Map<string, string>,
): Promise<number> {
  const credentials = JSON.parse(readFileSync(path.join(dataDir, "credentials.json"), "utf8"));
  return missingAt(
    { host: "127.0.0.1", port, user: credentials.user, password: credentials.password, database: "inkwell" },
    acknowledged,
  );
}

export async function missingAt(
  connection: pg.ClientConfig,
  acknowledged: Map<string, string>,
): Promise<number> {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    const found = await client.query<{ idempotency_key: string; id: string }>(
      "SELECT idempotency_key, id FROM actions WHERE idempotency_key = ANY($1)",
      [[...acknowledged.keys()]],
    );
    const stored = new Map(found.rows.map((r) => [r.idempotency_key, r.id]));
    return [...acknowledged].filter(([key, id]) => stored.get(key) !== id).length;
  } finally {
    await client.end();
  }
}

export function linesMatching(output: string, pattern: RegExp): string[] {
  return output.split("\n").filter((line) => pattern.test(line));
}

export const hasProc = existsSync("/proc/self/stat");
