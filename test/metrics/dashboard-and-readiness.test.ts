import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BridgeMetrics } from '../../src/metrics/bridge-metrics';
import { Readiness } from '../../src/metrics/readiness';
import type { Queryable } from '../../src/store/database';

const okDb: Queryable = { query: async () => ({ rows: [], rowCount: 0 }) };

describe('contrib/grafana-dashboard.json', () => {
  it('only charts metrics the bridge exports', async () => {
    const metrics = new BridgeMetrics();
    // Labelled series appear only once observed: take the names from the registry itself.
    const exported = new Set(
      metrics.registry
        .getMetricsAsArray()
        .flatMap((m) =>
          (m.constructor.name === 'Histogram' ? ['_bucket', '_sum', '_count'] : ['']).map((x) => m.name + x),
        ),
    );
    const dashboard = readFileSync(
      path.join(__dirname, '..', '..', 'contrib', 'grafana-dashboard.json'),
      'utf8',
    );
    const charted = new Set(
      [...dashboard.matchAll(/\b(switchboard_[a-z0-9_]+)/g)].map((m) => m[1] as string),
    );
    expect(charted.size).toBeGreaterThan(10);
    expect([...charted].filter((n) => !exported.has(n))).toEqual([]);
  });
});

describe('Readiness', () => {
  it('is ready when the database and the homeserver answer', async () => {
    const r = new Readiness(okDb, async () => ({}));
    expect(await r.check()).toEqual({ ready: true, checks: { database: 'ok', homeserver: 'ok' } });
  });

  it('says which dependency is down, and reuses a result for a few seconds', async () => {
    let pings = 0;
    const db: Queryable = {
      query: async () => {
        throw new Error('connection refused');
      },
    };
    const r = new Readiness(db, async () => {
      pings++;
      throw new Error('homeserver unreachable: ECONNREFUSED');
    });
    const first = await r.check();
    expect(first).toEqual({
      ready: false,
      checks: { database: 'connection refused', homeserver: 'homeserver unreachable: ECONNREFUSED' },
    });
    await r.check();
    expect(pings).toBe(1);
  });
});
