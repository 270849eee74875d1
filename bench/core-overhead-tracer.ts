/**
 * `--trace` of the core-overhead bench: per-phase counts and times of every database query and
 * homeserver call the bridge makes, to see where an event's cost goes. Wrapping each call slows
 * the bridge a little, hence off by default.
 */
import type { Bridge } from '../src/bridge';
import { nowMs, summarize } from './stats';

/** Per-statement counts and time, installed on the bridge's database and HTTP objects. */
export class Tracer {
  private stats = new Map<string, number[]>();

  wrap<T extends object>(obj: T, method: keyof T & string, label: (args: unknown[]) => string): void {
    const original = (obj[method] as (...a: unknown[]) => Promise<unknown>).bind(obj);
    (obj as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const t = nowMs();
      try {
        return await original(...args);
      } finally {
        const key = label(args);
        let list = this.stats.get(key);
        if (!list) this.stats.set(key, (list = []));
        list.push(nowMs() - t);
      }
    };
  }

  take(events: number): string[] {
    const rows = [...this.stats.entries()]
      .map(([k, v]) => ({ k, s: summarize(v), total: v.reduce((a, b) => a + b, 0) }))
      .sort((a, b) => b.total - a.total);
    this.stats = new Map();
    return rows.map(
      (r) =>
        `${(r.s.count / Math.max(1, events)).toFixed(2)}/ev n=${r.s.count} mean=${r.s.mean.toFixed(2)} p99=${r.s.p99.toFixed(2)} ms  ${r.k}`,
    );
  }
}

/** A tracer on the bridge's queries, transactions and homeserver requests (ids elided). */
export function traceBridge(bridge: Bridge): Tracer {
  const tracer = new Tracer();
  const sql = (a: unknown[]) => String(a[0]).replace(/\s+/g, ' ').slice(0, 90);
  tracer.wrap(bridge.db, 'query', sql);
  tracer.wrap(bridge.db, 'transaction', () => 'TRANSACTION (whole)');
  tracer.wrap(
    bridge.services.client.http,
    'request',
    (a) =>
      `HTTP ${String(a[0])} ${String(a[1])
        .replace(/\/(rooms|profile|join|send)\/[^/]+/g, '/$1/…')
        .replace(/\/[^/]*$/, '/…')}`,
  );
  return tracer;
}
