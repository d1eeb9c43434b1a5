// The colour scale: which bucket (1..5, 0 = no actions) a country's count falls in.
//
// Logarithmic with "nice" bounds, not quantiles. Action counts are heavy-tailed: one section
// can report 50,000 while most countries have about 100. A linear scale would paint everyone but
// the leader in the lightest colour; quantiles would put 2,000 and 50,000 in the same top bucket,
// hide orders of magnitude, and label the legend with odd numbers ("117–342") that change every
// time the live counter moves. Equal steps in log space between the smallest and the largest
// count, rounded to 1-2-5 numbers, keep a readable legend ("100–499, 500–999, …") that adapts
// to this year's spread. The class only grows with the count, so colouring is monotonic.

export const BUCKETS = 5;

export interface Scale {
  /** Lower bounds of buckets 2..n, increasing; bucket 1 starts at `min`. */
  thresholds: number[];
  min: number;
  max: number;
}

/** Counts that can be coloured: finite and positive. */
export function isCount(n: unknown): n is number {
  return typeof n === "number" && Number.isFinite(n) && n > 0;
}

function nice(x: number): number {
  const power = 10 ** Math.floor(Math.log10(x));
  let best = power;
  for (const step of [1, 2, 5, 10]) {
    if (Math.abs(Math.log10(step * power) - Math.log10(x)) < Math.abs(Math.log10(best) - Math.log10(x))) {
      best = step * power;
    }
  }
  return best;
}

export function makeScale(values: Iterable<number>): Scale | null {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const v of values) {
    if (!isCount(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max === 0) return null;
  const thresholds: number[] = [];
  const ratio = max / min;
  for (let i = 1; i < BUCKETS; i++) {
    const t = nice(min * ratio ** (i / BUCKETS));
    // Rounding can collapse neighbours or step outside the data: fewer buckets then, never empty ones.
    if (t > min && t <= max && t > (thresholds.at(-1) ?? 0)) thresholds.push(t);
  }
  return { thresholds, min, max };
}

/** 0 for no actions, else 1..thresholds.length + 1. */
export function bucketOf(scale: Scale | null, n: unknown): number {
  if (scale === null || !isCount(n)) return 0;
  let bucket = 1;
  for (const t of scale.thresholds) if (n >= t) bucket++;
  return bucket;
}

/** Inclusive [from, to] of each bucket, for the legend (counts are whole actions). */
export function bucketRanges(scale: Scale): Array<[number, number]> {
  const starts = [scale.min, ...scale.thresholds];
  return starts.map((from, i) => {
    const next = starts[i + 1];
    return [from, next === undefined ? scale.max : Math.max(from, Math.ceil(next) - 1)];
  });
}
