import type { Stored } from "./ingest-db.js";
import type { LoadResult } from "./ingest-load.js";
import { round2 } from "./proc.js";

/** `limited`: the app with every action limit on (high enough to refuse nothing). */
export type ServerName = "app" | "limited" | "bare" | "naive";

export interface CpuSplit {
  /** CPU seconds per second of wall time (1.0 = one core busy). */
  client: number;
  server: number;
  postgres: number;
  /** Everything else on the machine: other users' work competes with the benchmark. */
  other: number;
}

export interface Run {
  name: ServerName;
  load: LoadResult;
  cpu: CpuSplit | undefined;
  /** What the measured load added to the store (absent for bare, which stores nothing). */
  stored: Stored | undefined;
  durability: Durability | undefined;
}

export interface Durability {
  ok: boolean;
  detail: string;
}

export interface Target {
  name: string;
  value: number;
  goal: string;
  pass: boolean;
}

/**
 * Acknowledged must mean stored, and the counters must agree with the ledger. Strict equality
 * of stored and 2xx is not observable: autocannon stops by closing its connections, and the
 * requests in flight then may be stored without their 201 reaching the client. So: every 2xx
 * is stored, at most the unanswered requests are stored on top, and the counters match exactly.
 */
export function checkDurability(load: LoadResult, stored: Stored): Durability {
  const extra = stored.actions - load.ok;
  const problems: string[] = [];
  if (extra < 0) problems.push(`${-extra} acknowledged actions are missing`);
  if (extra > load.unanswered) problems.push(`${extra - load.unanswered} more actions stored than were sent`);
  if (stored.counted !== stored.actions) problems.push(`counters say ${stored.counted}`);
  const batches = stored.batches
    ? `, ${stored.batches} batches (mean ${(stored.actions / stored.batches).toFixed(1)})`
    : "";
  const detail =
    `2xx ${fmt(load.ok)}, stored ${fmt(stored.actions)} (+${extra} of ${load.unanswered} in flight at stop), ` +
    `counted ${fmt(stored.counted)}${batches}`;
  return {
    ok: problems.length === 0,
    detail: problems.length ? `${detail}: ${problems.join("; ")}` : detail,
  };
}

export function targets(runs: Record<ServerName, Run>): Target[] {
  const app = runs.app.load;
  const ratio = (other: LoadResult) => (other.rps > 0 ? app.rps / other.rps : 0);
  return [
    { name: "durable actions/s (app)", value: app.rps, goal: ">= 25000", pass: app.rps >= 25_000 },
    { name: "p99 latency ms (app)", value: app.p99, goal: "<= 20", pass: app.p99 <= 20 && app.ok > 0 },
    {
      name: "app/bare",
      value: round2(ratio(runs.bare.load)),
      goal: ">= 0.5",
      pass: ratio(runs.bare.load) >= 0.5,
    },
    {
      name: "app/naive",
      value: round2(ratio(runs.naive.load)),
      goal: ">= 6",
      pass: ratio(runs.naive.load) >= 6,
    },
    {
      // What checking every action against its address's budgets in PostgreSQL costs.
      name: "limited/app",
      value: round2(app.rps > 0 ? runs.limited.load.rps / app.rps : 0),
      goal: ">= 0.8",
      pass: app.rps > 0 && runs.limited.load.rps / app.rps >= 0.8,
    },
  ];
}

const fmt = (n: number) => n.toLocaleString("en-US");

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function renderReport(runs: Record<ServerName, Run>, list: Target[]): string {
  const order: ServerName[] = ["app", "limited", "bare", "naive"];
  const loadRows = order.map((name) => {
    const { load, cpu } = runs[name];
    const codes = Object.entries(load.statusCodes)
      .filter(([code]) => !code.startsWith("2"))
      .map(([code, n]) => `${code}:${n}`)
      .join(" ");
    return [
      name,
      fmt(load.rps),
      String(load.p50),
      String(load.p90),
      String(load.p99),
      String(load.max),
      fmt(load.non2xx) + (codes ? ` (${codes})` : ""),
      fmt(load.errors),
      cpu ? `${cpu.client} / ${cpu.server} / ${cpu.postgres} / ${cpu.other}` : "n/a",
    ];
  });
  const loads = table(
    [
      "server",
      "2xx/s",
      "p50 ms",
      "p90 ms",
      "p99 ms",
      "max ms",
      "non-2xx",
      "errors",
      "cores: client / server / pg / other",
    ],
    loadRows,
  );
  const durability = order
    .filter((name) => runs[name].durability)
    .map((name) => {
      const d = runs[name].durability as Durability;
      return `  ${name.padEnd(7)} ${d.ok ? "OK  " : "FAIL"} ${d.detail}`;
    })
    .join("\n");
  const goals = table(
    ["target", "value", "goal", ""],
    list.map((t) => [t.name, String(t.value), t.goal, t.pass ? "PASS" : "MISS"]),
  );
  return `${loads}\n\nDurability (acknowledged = stored, counters exact):\n${durability}\n\n${goals}`;
}
