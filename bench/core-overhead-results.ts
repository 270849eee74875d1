/**
 * The result shape of the core-overhead bench (the JSON written by `--out`, which
 * bench/summarize.ts reads) and the Markdown table the main process prints from it.
 */
import type { Metered } from './core-overhead-meter';
import type { LatencySummary } from './stats';

/** One phase's figures: its own counts and latencies plus the bridge process's meter readings. */
export interface PhaseResult extends Metered {
  /** Events offered / handled per second over the phase window. */
  offeredPerSec?: number;
  handledPerSec: number;
  events: number;
  latency?: LatencySummary;
  /** Remote → Matrix: emit → the bridge issuing the PUT /send (its own share of `latency`). */
  bridgeLatency?: LatencySummary;
  /** Matrix → remote: transaction round trip as the homeserver sees it. */
  ackLatency?: LatencySummary;
  missing?: number;
  drainMs?: number;
  /**
   * Bridge + Postgres CPU per event handled while metered: the figure least disturbed by
   * other load on the machine (for "both" phases, per event of either direction).
   */
  cpuUsPerEvent?: number;
}

export interface BackendResult {
  backend: string;
  node: string;
  setupMs: number;
  rssIdleMB: number;
  /** The machine's 1/5/15-minute load average at the end of the run (other work shows here). */
  loadAverage: number[];
  phases: Record<string, PhaseResult>;
  sinkRoutes: Record<string, number>;
}

const f = (v: number | undefined | null, digits = 1) =>
  v === undefined || v === null || Number.isNaN(v) ? '–' : v.toFixed(digits);

export function table(results: readonly BackendResult[]): string {
  const lines = [
    '| back end | phase | offered ev/s | handled ev/s | p50 ms | p95 ms | p99 ms | max ms | in-bridge p99 ms | ack p99 ms | loop delay p99 ms | bridge CPU % | PG CPU % | CPU µs/ev | peak RSS MB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    for (const [name, p] of Object.entries(r.phases)) {
      lines.push(
        `| ${r.backend} | ${name} | ${f(p.offeredPerSec, 0)} | ${f(p.handledPerSec, 0)} | ${f(p.latency?.p50, 2)} | ${f(p.latency?.p95, 2)} | ${f(p.latency?.p99, 2)} | ${f(p.latency?.max, 1)} | ${f(p.bridgeLatency?.p99, 2)} | ${f(p.ackLatency?.p99, 2)} | ${f(p.loopDelayP99Ms, 1)} | ${p.cpuPct} | ${p.dbCpuPct ?? '–'} | ${f(p.cpuUsPerEvent, 0)} | ${p.rssPeakMB} |`,
      );
    }
  }
  return lines.join('\n');
}
