import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queryable } from '../store/database';
import type { BridgeObserver, Direction } from './observer';

/** What the scrape-time gauges read; attached once the services exist. */
export interface MetricsSources {
  readonly db: Queryable;
  readonly networks: () => readonly string[];
  readonly ingestDepth: () => number;
  readonly outboxDepth: () => number;
}

/**
 * The bridge's Prometheus metrics (prom-client), in a registry of its own so two bridges in
 * one process (tests) do not collide. Counters are bumped by the core through
 * {@link BridgeObserver}; queue ages and login states are read from the database at scrape
 * time, so they are right even for work an earlier process left behind.
 */
export class BridgeMetrics implements BridgeObserver {
  readonly registry = new Registry();
  private sources: MetricsSources | null = null;
  private counts: { at: number; rows: Promise<{ network: string; state: string; n: string }[]> } | null =
    null;

  private readonly txReceived = this.counter(
    'transactions_received_total',
    'Appservice transactions received (retries included).',
  );
  private readonly txProcessed = this.counter(
    'transactions_processed_total',
    'Appservice transactions stored and acknowledged.',
  );
  private readonly eventsReceived = this.counter(
    'matrix_events_received_total',
    'Matrix events received in new transactions.',
  );
  private readonly eventsHandled = new Counter({
    name: 'switchboard_matrix_events_handled_total',
    help: 'Stored Matrix events handled by the router, by outcome.',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly bridgedEvents = new Counter({
    name: 'switchboard_bridged_events_total',
    help: 'Events bridged, by direction and network.',
    labelNames: ['direction', 'network'],
    registers: [this.registry],
  });
  private readonly failures = new Counter({
    name: 'switchboard_send_failures_total',
    help: 'Events that could not be bridged, by direction, network and reason.',
    labelNames: ['direction', 'network', 'reason'],
    registers: [this.registry],
  });
  private readonly hsLatency = new Histogram({
    name: 'switchboard_homeserver_request_duration_seconds',
    help: 'Duration of HTTP requests to the homeserver.',
    labelNames: ['method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_' });
    const depth: Gauge<'queue'> = new Gauge({
      name: 'switchboard_queue_depth',
      help: 'Events waiting in memory queues: matrix (Matrix → remote) and outbox (remote → Matrix).',
      labelNames: ['queue'],
      registers: [this.registry],
      collect: () => {
        if (!this.sources) return;
        depth.set({ queue: 'matrix' }, this.sources.ingestDepth());
        depth.set({ queue: 'outbox' }, this.sources.outboxDepth());
      },
    });
    const age: Gauge<'queue'> = new Gauge({
      name: 'switchboard_queue_oldest_age_seconds',
      help: 'Age of the oldest event not yet handled, per queue (0 when empty).',
      labelNames: ['queue'],
      registers: [this.registry],
      collect: async () => {
        const db = this.sources?.db;
        if (!db) return;
        const [matrix, outbox] = await Promise.all([
          oldest(db, 'SELECT min(received_at) AS t FROM as_event WHERE status = 0'),
          oldest(db, 'SELECT min(created_at) AS t FROM outbox'),
        ]);
        age.set({ queue: 'matrix' }, matrix);
        age.set({ queue: 'outbox' }, outbox);
      },
    });
    const logins: Gauge<'network' | 'state'> = new Gauge({
      name: 'switchboard_logins',
      help: 'Logins per network and bridge state (connecting, connected, transient_disconnect, ...).',
      labelNames: ['network', 'state'],
      registers: [this.registry],
      collect: async () => {
        const rows = await this.loginCounts();
        logins.reset();
        for (const row of rows) logins.set({ network: row.network, state: row.state }, Number(row.n));
      },
    });
    const connected: Gauge<'network'> = new Gauge({
      name: 'switchboard_connected_sessions',
      help: 'Logins whose session reports connected, per network.',
      labelNames: ['network'],
      registers: [this.registry],
      collect: async () => {
        const rows = await this.loginCounts();
        connected.reset();
        for (const net of this.sources?.networks() ?? []) connected.set({ network: net }, 0);
        for (const row of rows)
          if (row.state === 'connected') connected.set({ network: row.network }, Number(row.n));
      },
    });
  }

  /**
   * Logins per network and state, from the login table (so it also covers sessions another
   * worker owns, DESIGN §10). prom-client collects gauges concurrently: both login gauges of
   * one scrape share a single query.
   */
  private loginCounts(): Promise<{ network: string; state: string; n: string }[]> {
    const now = Date.now();
    if (this.counts && now - this.counts.at < 1_000) return this.counts.rows;
    const db = this.sources?.db;
    const rows = db
      ? db
          .query<{ network: string; state: string; n: string }>(
            'SELECT network, state, count(*) AS n FROM login GROUP BY network, state',
          )
          .then((r) => r.rows)
      : Promise.resolve([]);
    this.counts = { at: now, rows };
    return rows;
  }

  attach(sources: MetricsSources): void {
    this.sources = sources;
  }

  transaction(events: number, stored: boolean): void {
    this.txReceived.inc();
    if (!stored) return;
    this.txProcessed.inc();
    this.eventsReceived.inc(events);
  }

  matrixEventHandled(ok: boolean): void {
    this.eventsHandled.inc({ outcome: ok ? 'done' : 'failed' });
  }

  bridged(direction: Direction, network: string, ok: boolean, reason = 'unknown'): void {
    if (ok) this.bridgedEvents.inc({ direction, network });
    else this.failures.inc({ direction, network, reason });
  }

  homeserverRequest(method: string, status: number, ms: number): void {
    this.hsLatency.observe({ method, status: String(status) }, ms / 1000);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private counter(name: string, help: string): Counter {
    return new Counter({ name: `switchboard_${name}`, help, registers: [this.registry] });
  }
}

async function oldest(db: Queryable, sql: string): Promise<number> {
  const res = await db.query<{ t: string | number | null }>(sql);
  const t = res.rows[0]?.t;
  return t === null || t === undefined ? 0 : Math.max(0, (Date.now() - Number(t)) / 1000);
}
