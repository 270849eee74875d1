import { mkdirSync } from 'node:fs';
import type { Database } from './database';
import { migrate } from './migrate';
import { PgliteDatabase } from './pglite';
import { PgliteWorkerDatabase } from './pglite-worker';
import { PostgresDatabase } from './postgres';

export interface DatabaseConfig {
  /** `postgres://...` for Postgres; absent for the embedded PGlite database. */
  readonly url?: string;
  /** PGlite data directory; absent keeps it in memory (tests only). */
  readonly path?: string;
  readonly maxConnections?: number;
  /** Runs PGlite in a worker thread (default), off the bridge's main thread. */
  readonly pgliteWorker?: boolean;
}

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(cfg: DatabaseConfig, opts: { migrate?: boolean } = {}): Promise<Database> {
  let db: Database;
  if (cfg.url) {
    db = new PostgresDatabase(cfg.url, cfg.maxConnections);
  } else {
    if (cfg.path) mkdirSync(cfg.path, { recursive: true });
    db =
      cfg.pgliteWorker === false
        ? await PgliteDatabase.open(cfg.path)
        : await PgliteWorkerDatabase.open(cfg.path);
  }
  if (opts.migrate !== false) {
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
  }
  return db;
}
