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

interface Stat {
  name: string;
  ppid: number;
  user: number;
  system: number;
}

function stat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces; the fields after its closing parenthesis are fixed.
    const close = text.lastIndexOf(")");
    const fields = text.slice(close + 2).split(" ");
    const name = text.slice(text.indexOf("(") + 1, close);
    return { name, ppid: Number(fields[1]), user: Number(fields[11]), system: Number(fields[12]) };
  } catch {
    return undefined;
  }
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
  /** The part of the server's time spent in the kernel (socket writes, mostly). */
  serverSystem: number;
  postgres: number;
  bench: number;
  /** Kernel threads that finish network work deferred by everyone's syscalls (loopback traffic). */
  softirqThreads: number;
  /** Everything else on the machine: other people's work competing with the bench. */
  other: number;
}

interface Snapshot {
  at: number;
  /** Ticks per pid, per party; a pid that ends between snapshots simply drops out. */
  parties: Record<"server" | "serverSystem" | "postgres" | "softirq", Map<number, number>>;
  bench: NodeJS.CpuUsage;
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

function snapshot(serverPid: number, pgPid: number | undefined): Snapshot {
  const parties: Snapshot["parties"] = {
    server: new Map(),
    serverSystem: new Map(),
    postgres: new Map(),
    softirq: new Map(),
  };
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const s = stat(pid);
    if (!s) continue;
    if (pid === serverPid) {
      parties.server.set(pid, s.user + s.system);
      parties.serverSystem.set(pid, s.system);
    } else if (pgPid !== undefined && (pid === pgPid || s.ppid === pgPid)) {
      parties.postgres.set(pid, s.user + s.system);
    } else if (s.name.startsWith("ksoftirqd")) parties.softirq.set(pid, s.user + s.system);
  }
  return { at: performance.now(), parties, bench: process.cpuUsage(), machine: machineTicks() };
}

/** On a 2-core machine the parties compete; the split says who had the CPU. */
export function cpuMeter(serverPid: number, pgPid: number | undefined): { end(): CpuSplit } {
  const start = snapshot(serverPid, pgPid);
  return {
    end: () => {
      const end = snapshot(serverPid, pgPid);
      const seconds = (end.at - start.at) / 1000;
      const used = (party: keyof Snapshot["parties"]) =>
        [...end.parties[party]].reduce((sum, [pid, t]) => sum + t - (start.parties[party].get(pid) ?? 0), 0) /
        TICKS_PER_SECOND;
      const bench = (end.bench.user + end.bench.system - start.bench.user - start.bench.system) / 1e6;
      const machine = (end.machine - start.machine) / TICKS_PER_SECOND;
      const [server, postgres, softirq] = [used("server"), used("postgres"), used("softirq")];
      const round = (x: number) => Math.round((x / seconds) * 100) / 100;
      return {
        server: round(server),
        serverSystem: round(used("serverSystem")),
        postgres: round(postgres),
        bench: round(bench),
        softirqThreads: round(softirq),
        other: round(Math.max(0, machine - server - postgres - bench - softirq)),
      };
    },
  };
}
