import { PGlite, types } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './database';

const parsers = { [types.INT8]: (v: string) => Number(v) };

/**
 * The embedded default: Postgres compiled to WASM, in-process, stored in a directory.
 * One connection, so PGlite serialises queries itself; the same SQL as on real Postgres.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  private constructor(private readonly db: PGlite) {}

  /** `dataDir` undefined keeps the database in memory (tests). */
  static async open(dataDir?: string): Promise<PgliteDatabase> {
    const db = new PGlite(dataDir, { parsers });
    await db.waitReady;
    return new PgliteDatabase(db);
  }

  async query<T extends object>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
    const res = await this.db.query<T>(sql, params as unknown[]);
    return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (t) =>
      fn({
        query: async <R extends object>(sql: string, params: readonly unknown[] = []) => {
          const res = await t.query<R>(sql, params as unknown[]);
          return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
        },
      }),
    );
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
