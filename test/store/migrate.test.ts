import { loadMigrations, migrate, schemaVersion, SchemaTooNewError } from '../../src/store/migrate';
import { BACKENDS, freshDatabase } from '../support/databases';

describe.each(BACKENDS)('migrations on %s', (backend) => {
  it('creates the core tables, is idempotent and refuses a newer schema', async () => {
    const { db, drop } = await freshDatabase(backend, { migrate: false });
    try {
      const first = await migrate(db);
      expect(first.from).toBe(0);
      expect(first.to).toBe(loadMigrations().at(-1)?.version);
      const again = await migrate(db);
      expect(again.from).toBe(again.to);
      for (const table of [
        'portal',
        'ghost',
        'login',
        'message',
        'reaction',
        'as_txn',
        'as_event',
        'outbox',
        'kv',
      ]) {
        const res = await db.query(`SELECT count(*) AS n FROM ${table}`);
        expect(res.rows).toHaveLength(1);
      }
      await db.query('INSERT INTO schema_version (version, name, applied_at) VALUES (9999, $1, 0)', [
        'future',
      ]);
      expect(await schemaVersion(db)).toBe(9999);
      await expect(migrate(db)).rejects.toBeInstanceOf(SchemaTooNewError);
    } finally {
      await drop();
    }
  });

  it('rolls a failed migration back entirely', async () => {
    const { db, drop } = await freshDatabase(backend, { migrate: false });
    try {
      const bad = [
        { version: 1, name: '001_bad.sql', sql: 'CREATE TABLE t1 (a int); CREATE TABLE t1 (a int);' },
      ];
      await expect(migrate(db, bad)).rejects.toThrow();
      expect(await schemaVersion(db)).toBe(0);
      const res = await db.query(
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 't1'",
      );
      expect(res.rows[0]).toEqual({ n: 0 });
    } finally {
      await drop();
    }
  });
});
