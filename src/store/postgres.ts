import { Pool, types } from 'pg';
import type { Database, Queryable, QueryResult } from './database';

// bigint columns hold millisecond timestamps and sequence numbers, all far below 2^53.
types.setTypeParser(20, (v) => Number(v));

/** Postgres through `pg`: a pool, parameterised queries only. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;

  constructor(connectionString: string, maxConnections = 10) {
    this.pool = new Pool({ connectionString, max: maxConnections });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  async query<T extends object>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
    const res = await this.pool.query<T>(sql, params as unknown[]);
    return { rows: res.rows, rowCount: res.rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const tx: Queryable = {
        query: async <R extends object>(sql: string, params: readonly unknown[] = []) => {
          const res = await client.query<R>(sql, params as unknown[]);
          return { rows: res.rows, rowCount: res.rowCount ?? 0 };
        },
      };
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private closed = false;

  /** Idempotent: shutdown paths may race to close the pool. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
