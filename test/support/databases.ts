import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Database } from '../../src/store/database';
import { migrate } from '../../src/store/migrate';
import { PgliteDatabase } from '../../src/store/pglite';
import { PostgresDatabase } from '../../src/store/postgres';

export type BackendName = 'pglite' | 'postgres';
export const BACKENDS: BackendName[] = ['pglite', 'postgres'];

function adminUrl(): string {
  const url = process.env.SWITCHBOARD_TEST_PG_URL;
  if (!url) throw new Error('SWITCHBOARD_TEST_PG_URL is not set: run the tests through `npm test`');
  return url;
}

/** A fresh, migrated database on the chosen back end; `drop()` removes it. */
export async function freshDatabase(
  backend: BackendName,
  opts: { migrate?: boolean } = {},
): Promise<{ db: Database; url?: string; drop(): Promise<void> }> {
  if (backend === 'pglite') {
    const db = await PgliteDatabase.open();
    if (opts.migrate !== false) await migrate(db);
    return { db, drop: () => db.close() };
  }
  const name = 'sb_test_' + randomBytes(6).toString('hex');
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = adminUrl().replace(/\/[^/]*$/, '/' + name);
  const db = new PostgresDatabase(url, 5);
  if (opts.migrate !== false) await migrate(db);
  return {
    db,
    url,
    async drop() {
      await db.close();
      const c = new Client({ connectionString: adminUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** An empty database URL for a child process test (Postgres only). */
export async function freshDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  const { db, url, drop } = await freshDatabase('postgres', { migrate: false });
  await db.close();
  return { url: url as string, drop };
}
