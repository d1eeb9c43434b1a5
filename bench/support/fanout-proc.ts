import { readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Small process helpers for the fan-out bench, kept apart from the other benches' helpers so
// each bench can change on its own.

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// Linux reports CPU time in clock ticks of 1/100 s on every common configuration.
const TICKS_PER_SECOND = 100;

function stat(pid: number): { ppid: number; ticks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces; the fields after its closing parenthesis are fixed.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** CPU ticks of a process and its direct children (PostgreSQL's backends are children). */
function treeTicks(root: number | undefined): Map<number, number> {
  const ticks = new Map<number, number>();
  if (root === undefined) return ticks;
  const own = stat(root);
  if (own) ticks.set(root, own.ticks);
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === root) continue;
    const s = stat(pid);
    if (s?.ppid === root) ticks.set(pid, s.ticks);
  }
  return ticks;
}

export function postmasterPid(pgDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path.join(pgDir, "postmaster.pid"), "utf8"), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export interface CpuSplit {
  /** Cores kept busy on average (1.0 = one core), per party. */
  server: number;
  postgres: number;
  bench: number;
  /** Everything else on the machine: other people's work competing with the bench. */
  other: number;
}

function machineTicks(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .map(Number);
  return user + nice + system + irq + softirq + steal;
}

/** On a 2-core machine the parties compete; the split says who had the CPU. */
export function cpuMeter(serverPid: number, pgPid: number | undefined): { end(): CpuSplit } {
  const t0 = performance.now();
  const bench0 = process.cpuUsage();
  const server0 = treeTicks(serverPid);
  const pg0 = treeTicks(pgPid);
  const machine0 = machineTicks();
  return {
    end: () => {
      const seconds = (performance.now() - t0) / 1000;
      const delta = (a: Map<number, number>, b: Map<number, number>) =>
        [...b].reduce((sum, [pid, t]) => sum + t - (a.get(pid) ?? 0), 0) / TICKS_PER_SECOND;
      const bench = process.cpuUsage(bench0);
      const round = (x: number) => Math.round((x / seconds) * 100) / 100;
      const server = delta(server0, treeTicks(serverPid));
      const postgres = delta(pg0, treeTicks(pgPid));
      const own = (bench.user + bench.system) / 1e6;
      const machine = (machineTicks() - machine0) / TICKS_PER_SECOND;
      return {
        server: round(server),
        postgres: round(postgres),
        bench: round(own),
        other: round(Math.max(0, machine - server - postgres - own)),
      };
    },
  };
}
