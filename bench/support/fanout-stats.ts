import { cpuMeter, family, round2 } from "./proc.js";

// Exact percentiles from sorted copies: a run yields at most a few million samples, which sort
// in well under a second, so there is no need to trade exactness for a histogram.

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

const round = (x: number) => Math.round(x * 10) / 10;

export function summarize(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1] ?? 0),
  };
}

/**
 * One sample per viewer event: the delay of the oldest acknowledged action the event newly
 * shows. The k-th 201 (in arrival order) proves the total reached base + k by then, so an event
 * showing totals from `from` on made the viewer wait since ack number from - base. An event
 * can show an action whose 201 is still on its way (commit comes before the answer): that is
 * no delay at all, hence the clamp to 0.
 */
export function changeLatencies(
  from: Float64Array,
  at: Float64Array,
  base: number,
  ackTimes: number[],
): Float64Array {
  const out = new Float64Array(from.length);
  for (let i = 0; i < from.length; i++) {
    const ack = ackTimes[(from[i] as number) - base - 1];
    out[i] = ack === undefined ? 0 : Math.max(0, (at[i] as number) - ack);
  }
  return out;
}

/**
 * An upper bound seen from the server: the oldest change an event newly shows was committed
 * after the state the viewer was shown before (whose asOf is the server's clock at that
 * commit) and after its own request was sent. With the bound from the 201 it brackets the
 * true delay; the two part when answers queue behind the server's other work.
 */
export function sinceCommitBound(
  from: Float64Array,
  at: Float64Array,
  base: number,
  sendTimes: number[],
  asOf: Map<number, number>,
): Float64Array {
  const out = new Float64Array(from.length);
  let n = 0;
  for (let i = 0; i < from.length; i++) {
    const f = from[i] as number;
    const after = Math.max(asOf.get(f - 1) ?? Number.NaN, sendTimes[f - base - 1] ?? Number.NaN);
    if (!Number.isNaN(after)) out[n++] = Math.max(0, (at[i] as number) - after);
  }
  return out.subarray(0, n);
}

/** On a 2-core machine the parties compete; the split says who had the CPU (cores busy). */
export function meterCpu(serverPid: number, pgPid: number | undefined, viewerPids: number[] = []) {
  const viewers = new Set(viewerPids);
  const meter = cpuMeter({
    viewers: (p) => (viewers.has(p.pid) ? p.user + p.system : undefined),
    // The node and its stream processes, which write the viewers' sockets.
    server: family(serverPid),
    // The server's kernel time is mostly socket writes: the cost of fanning out.
    serverSystem: (p) => (p.pid === serverPid || p.ppid === serverPid ? p.system : undefined),
    postgres: family(pgPid),
    // Kernel threads that finish network work deferred by everyone's syscalls (loopback traffic).
    softirqThreads: (p) => (p.name.startsWith("ksoftirqd") ? p.user + p.system : undefined),
  });
  return {
    end: () => {
      const { parties: c, self, machine } = meter.end();
      return {
        server: round2(c.server),
        serverSystem: round2(c.serverSystem),
        postgres: round2(c.postgres),
        bench: round2(self),
        viewers: round2(c.viewers),
        softirqThreads: round2(c.softirqThreads),
        // Everything else on the machine: other people's work competing with the bench.
        other: round2(Math.max(0, machine - c.server - c.postgres - self - c.viewers - c.softirqThreads)),
      };
    },
  };
}
