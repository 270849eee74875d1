/**
 * Merges several `core-overhead --out` files (repeated runs) into one table of medians with
 * the range, so the spread from a shared machine is visible.
 *
 *   node dist/bench/summarize.js run-1.json run-2.json run-3.json
 */
import { readFileSync } from 'node:fs';
import type { BackendResult, PhaseResult } from './core-overhead-results';

type Pick = (p: PhaseResult) => number | undefined | null;

const COLUMNS: [string, Pick, number][] = [
  ['handled ev/s', (p) => p.handledPerSec, 0],
  ['p50 ms', (p) => p.latency?.p50, 2],
  ['p95 ms', (p) => p.latency?.p95, 2],
  ['p99 ms', (p) => p.latency?.p99, 2],
  ['in-bridge p99 ms', (p) => p.bridgeLatency?.p99, 2],
  ['ack p99 ms', (p) => p.ackLatency?.p99, 1],
  ['loop delay p99 ms', (p) => p.loopDelayP99Ms, 1],
  ['CPU µs/ev', (p) => p.cpuUsPerEvent, 0],
  ['peak RSS MB', (p) => p.rssPeakMB, 0],
];

function cell(values: number[], digits: number): string {
  if (values.length === 0) return '–';
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as number;
  const fmt = (v: number) => v.toFixed(digits);
  return sorted.length === 1
    ? fmt(median)
    : `${fmt(median)} (${fmt(sorted[0] as number)}–${fmt(sorted.at(-1) as number)})`;
}

export function summarize(runs: readonly BackendResult[][]): string {
  const lines = [
    `| back end | phase | ${COLUMNS.map((c) => c[0]).join(' | ')} |`,
    `|---|---|${COLUMNS.map(() => '---:').join('|')}|`,
  ];
  const backends = [...new Set(runs.flat().map((r) => r.backend))];
  for (const backend of backends) {
    const results = runs.flat().filter((r) => r.backend === backend);
    const phases = [...new Set(results.flatMap((r) => Object.keys(r.phases)))];
    for (const phase of phases) {
      const ps = results.map((r) => r.phases[phase]).filter((p): p is PhaseResult => !!p);
      const cells = COLUMNS.map(([, pick, digits]) =>
        cell(
          ps.map(pick).filter((v): v is number => typeof v === 'number' && Number.isFinite(v)),
          digits,
        ),
      );
      lines.push(`| ${backend} | ${phase} | ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

if (require.main === module) {
  const runs = process.argv
    .slice(2)
    .map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { results: BackendResult[] }).results);
  console.log(`${runs.length} runs; median (min–max)`);
  console.log(summarize(runs));
}
