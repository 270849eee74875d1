import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../util/package-root';
import type { Database } from './database';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Thrown when the database was migrated by a newer Switchboard than this one. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
}

export function migrationsDir(): string {
  return path.join(packageRoot(), 'src', 'store', 'migrations');
}

/** Plain SQL files named `NNN_name.sql`, applied in order. */
export function loadMigrations(dir = migrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.split('_')[0]),
      name: f,
      sql: readFileSync(path.join(dir, f), 'utf8'),
    }));
}

/**
 * Brings the schema up to date, each migration in its own transaction together with its
 * version row. Refuses to run when the database is newer than this binary: an old binary
 * writing to a new schema corrupts data silently.
 */
export async function migrate(
  db: Database,
  migrations = loadMigrations(),
): Promise<{ from: number; to: number }> {
  await db.query(
    'CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)',
  );
  const current = await schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new SchemaTooNewError(
      `the database schema is version ${current}, but this Switchboard only knows up to ${latest}; upgrade Switchboard (never downgrade against a migrated database)`,
    );
  }
  for (const m of migrations.filter((m) => m.version > current)) {
    await db.transaction(async (tx) => {
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ]);
    });
  }
  return { from: current, to: Math.max(current, latest) };
}

export async function schemaVersion(db: Database): Promise<number> {
  const res = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_version');
  return res.rows[0]?.v ?? 0;
}

/** Extended-protocol queries take one statement each; migrations hold no `;` inside literals. */
function splitStatements(sql: string): string[] {
  return sql
    .replace(/--.*$/gm, '')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
