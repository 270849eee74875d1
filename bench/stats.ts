/** Small helpers shared by the bench processes: a clock both processes agree on, percentiles. */

/**
 * Milliseconds on CLOCK_MONOTONIC (libuv's hrtime). The clock is system-wide on Linux, so the
 * bridge process and the peer process can subtract each other's timestamps.
 */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentiles of a list of latencies (ms). */
export function summarize(values: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const rank = (p: number) =>
    n === 0 ? NaN : (sorted[Math.min(n - 1, Math.ceil((p / 100) * n) - 1)] ?? NaN);
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: n,
    p50: rank(50),
    p95: rank(95),
    p99: rank(99),
    max: n === 0 ? NaN : (sorted[n - 1] as number),
    mean: n === 0 ? NaN : sum / n,
  };
}

/** Latencies for the indices present in both lists (`end[i] - start[i]`), skipping gaps (NaN). */
export function pairLatencies(
  start: ArrayLike<number>,
  end: ArrayLike<number>,
): { values: number[]; missing: number } {
  const values: number[] = [];
  let missing = 0;
  const n = Math.min(start.length, end.length);
  for (let i = 0; i < n; i++) {
    const s = start[i] as number;
    const e = end[i] as number;
    if (Number.isNaN(s)) continue;
    if (Number.isNaN(e)) missing++;
    else values.push(e - s);
  }
  return { values, missing };
}

/** The largest number of a list, ignoring NaN (no spread: lists are long). */
export function maxOf(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max;
}

/** A growable list of timestamps indexed by event number; unset entries are NaN. */
export class TimeLog {
  private data = new Float64Array(1024).fill(NaN);
  private max = 0;

  set(i: number, t: number): void {
    if (i >= this.data.length) {
      let size = this.data.length;
      while (size <= i) size *= 2;
      const next = new Float64Array(size).fill(NaN);
      next.set(this.data);
      this.data = next;
    }
    this.data[i] = t;
    if (i + 1 > this.max) this.max = i + 1;
  }

  toArray(): number[] {
    return Array.from(this.data.subarray(0, this.max));
  }
}
