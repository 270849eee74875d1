import type { Queryable } from '../store/database';

export interface ReadinessReport {
  readonly ready: boolean;
  /** `ok`, or what is wrong, per dependency. */
  readonly checks: { readonly database: string; readonly homeserver: string };
}

const TIMEOUT_MS = 5_000;

async function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function probe(p: () => Promise<unknown>, what: string): Promise<string> {
  try {
    await within(p(), what);
    return 'ok';
  } catch (err) {
    return (err as Error).message || String(err);
  }
}

/**
 * `/ready`: the database answers and the homeserver answers our appservice ping (which also
 * proves it can reach us back; on a homeserver without the ping, accepts our token). A result
 * is reused for a few seconds so that frequent probes (Kubernetes, Docker health checks) do not
 * turn into homeserver load.
 */
export class Readiness {
  private last: { at: number; report: Promise<ReadinessReport> } | null = null;

  constructor(
    private readonly db: Queryable,
    private readonly pingHomeserver: () => Promise<unknown>,
    private readonly cacheMs = 5_000,
  ) {}

  check(): Promise<ReadinessReport> {
    const now = Date.now();
    if (this.last && now - this.last.at < this.cacheMs) return this.last.report;
    const report = (async () => {
      const [database, homeserver] = await Promise.all([
        probe(() => this.db.query('SELECT 1'), 'the database'),
        probe(this.pingHomeserver, 'the homeserver'),
      ]);
      return { ready: database === 'ok' && homeserver === 'ok', checks: { database, homeserver } };
    })();
    this.last = { at: now, report };
    return report;
  }
}
