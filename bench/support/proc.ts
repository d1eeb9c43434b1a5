import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Process helpers shared by the benches: what /proc says about who used the CPU and memory.
// On a 2-core machine the server, PostgreSQL and the bench compete, so a split of CPU time
// explains a result better than the result alone. Linux only.

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const round2 = (x: number) => Math.round(x * 100) / 100;

const TICKS_PER_SECOND = (() => {
  try {
    return Number.parseInt(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }), 10) || 100;
  } catch {
    return 100;
  }
})();

export const procAvailable = () => existsSync("/proc/self/stat");

export interface ProcStat {
  pid: number;
  name: string;
  ppid: number;
  /** CPU time in clock ticks. */
  user: number;
  system: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces and parentheses; the fields after it are fixed.
    const close = text.lastIndexOf(")");
    const fields = text.slice(close + 2).split(" ");
    const name = text.slice(text.indexOf("(") + 1, close);
    return { pid, name, ppid: Number(fields[1]), user: Number(fields[11]), system: Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** VmRSS in KiB; undefined once the process is gone. */
export function rssKb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** VmRSS of a process and its direct children (a node's stream processes), in KiB. */
export function familyRssKb(root: number): number | undefined {
  const own = rssKb(root);
  if (own === undefined) return undefined;
  let sum = own;
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && readStat(pid)?.ppid === root) sum += rssKb(pid) ?? 0;
  }
  return sum;
}

// Busy time only: idle and iowait are nobody's work.
function machineTicks(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .map(Number);
  return user + nice + system + irq + softirq + steal;
}

/**
 * Which ticks of a process a party is charged with (undefined: none). Each bench decides who
 * counts as what, e.g. whether a server's children (tsx's esbuild) are part of the server.
 */
export type Charge = (p: ProcStat) => number | undefined;

export interface CpuUse<K extends string> {
  /** CPU seconds per wall second (1.0 = one core busy), per party. */
  parties: Record<K, number>;
  /** This process: the bench itself. */
  self: number;
  /** Every busy core on the machine, the parties' included. */
  machine: number;
}

interface Snapshot<K extends string> {
  at: number;
  /** Ticks per pid, per party; a pid that ends between snapshots simply drops out. */
  parties: Record<K, Map<number, number>>;
  self: NodeJS.CpuUsage;
  machine: number;
}

function snapshot<K extends string>(charges: Record<K, Charge>): Snapshot<K> {
  const names = Object.keys(charges) as K[];
  const parties = Object.fromEntries(names.map((k) => [k, new Map()])) as Record<K, Map<number, number>>;
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    for (const name of names) {
      const ticks = charges[name](stat);
      if (ticks !== undefined) parties[name].set(pid, ticks);
    }
  }
  return { at: performance.now(), parties, self: process.cpuUsage(), machine: machineTicks() };
}

/** Measures from now until end(): the CPU each party, this process and the machine used. */
export function cpuMeter<K extends string>(charges: Record<K, Charge>): { end(): CpuUse<K> } {
  const start = snapshot(charges);
  return {
    end: () => {
      const end = snapshot(charges);
      const wall = (end.at - start.at) / 1000;
      const party = (k: K) =>
        [...end.parties[k]].reduce((sum, [pid, t]) => sum + t - (start.parties[k].get(pid) ?? 0), 0) /
        TICKS_PER_SECOND /
        wall;
      const names = Object.keys(charges) as K[];
      const selfUs = end.self.user + end.self.system - start.self.user - start.self.system;
      return {
        parties: Object.fromEntries(names.map((k) => [k, party(k)])) as Record<K, number>,
        self: selfUs / 1e6 / wall,
        machine: (end.machine - start.machine) / TICKS_PER_SECOND / wall,
      };
    },
  };
}

/** A process and its direct children, all of their time. */
export const family =
  (root: number | undefined): Charge =>
  (p) =>
    root !== undefined && (p.pid === root || p.ppid === root) ? p.user + p.system : undefined;
