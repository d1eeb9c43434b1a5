import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

// Where the CPU goes during a load: the load generator (this process), the server under test,
// and PostgreSQL (postmaster and all its backends). On a 2-core machine they compete, so the
// split explains a throughput number better than the number alone. Linux /proc only; elsewhere
// the split is simply not reported.

const TICK_HZ = (() => {
  try {
    return Number.parseInt(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }), 10) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  ppid: number;
  ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces and parentheses; the fields after it are fixed.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

function withChildren(roots: number[]): Map<number, number> {
  const ticks = new Map<number, number>();
  const rootSet = new Set(roots);
  for (const pid of roots) {
    const stat = readStat(pid);
    if (stat) ticks.set(pid, stat.ticks);
  }
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || rootSet.has(pid)) continue;
    const stat = readStat(pid);
    if (stat && rootSet.has(stat.ppid)) ticks.set(pid, stat.ticks);
  }
  return ticks;
}

export interface CpuSplit {
  /** CPU seconds per second of wall time (1.0 = one core busy). */
  client: number;
  server: number;
  postgres: number;
  /** Everything else on the machine: other users' work competes with the benchmark. */
  other: number;
}

interface Snapshot {
  at: number;
  client: NodeJS.CpuUsage;
  server: Map<number, number>;
  postgres: Map<number, number>;
  machine: number;
}

function machineTicks(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .map(Number);
  return user + nice + system + irq + softirq + steal;
}

export class CpuMeter {
  private start: Snapshot | undefined;

  constructor(
    private readonly serverPid: number,
    private readonly postmasterPid: number | undefined,
  ) {}

  static available(): boolean {
    return existsSync("/proc/self/stat");
  }

  private snapshot(): Snapshot {
    return {
      at: performance.now(),
      client: process.cpuUsage(),
      server: withChildren([this.serverPid]),
      postgres: this.postmasterPid === undefined ? new Map() : withChildren([this.postmasterPid]),
      machine: machineTicks(),
    };
  }

  begin(): void {
    if (CpuMeter.available()) this.start = this.snapshot();
  }

  end(): CpuSplit | undefined {
    if (!this.start) return undefined;
    const start = this.start;
    const end = this.snapshot();
    const wall = (end.at - start.at) / 1000;
    const delta = (a: Map<number, number>, b: Map<number, number>) =>
      [...b].reduce((sum, [pid, t]) => sum + t - (a.get(pid) ?? 0), 0) / TICK_HZ;
    const clientUs = end.client.user + end.client.system - start.client.user - start.client.system;
    const client = clientUs / 1e6;
    const server = delta(start.server, end.server);
    const postgres = delta(start.postgres, end.postgres);
    const machine = (end.machine - start.machine) / TICK_HZ;
    const round = (x: number) => Math.round((x / wall) * 100) / 100;
    return {
      client: round(client),
      server: round(server),
      postgres: round(postgres),
      other: round(Math.max(0, machine - client - server - postgres)),
    };
  }
}

export function postmasterPid(pgDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(`${pgDir}/postmaster.pid`, "utf8").split("\n")[0] ?? "", 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}
