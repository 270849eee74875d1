import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate } from '../../src/store/migrate';
import { openDatabase } from '../../src/store/open';
import { PgliteWorkerDatabase } from '../../src/store/pglite-worker';

describe('PGlite in a worker thread', () => {
  let db: PgliteWorkerDatabase;
  beforeAll(async () => {
    db = await PgliteWorkerDatabase.open();
    await migrate(db);
  });
  afterAll(() => db.close());

  it('returns rows with bigint as number, bytea as bytes and jsonb as objects', async () => {
    await db.query('INSERT INTO kv (network, key, value) VALUES ($1, $2, $3)', [
      'n',
      'k',
      Buffer.from([1, 2]),
    ]);
    const kv = await db.query<{ value: Uint8Array }>('SELECT value FROM kv WHERE key = $1', ['k']);
    expect([...(kv.rows[0]?.value ?? [])]).toEqual([1, 2]);
    const res = await db.query<{ seq: number; body: unknown }>(
      'INSERT INTO outbox (network, chat_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING seq, body',
      ['n', 'c', JSON.stringify({ a: [1] }), Date.now()],
    );
    expect(typeof res.rows[0]?.seq).toBe('number');
    expect(res.rows[0]?.body).toEqual({ a: [1] });
    expect((await db.query('DELETE FROM outbox')).rowCount).toBe(1);
  });

  it('reports SQL errors with their Postgres fields', async () => {
    await db.query("INSERT INTO as_txn (txn_id, received_at) VALUES ('t', 1)");
    const err = await db
      .query("INSERT INTO as_txn (txn_id, received_at) VALUES ('t', 1)")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: '23505', table: 'as_txn' });
  });

  it('keeps statements from outside out of an open transaction, and rolls back on error', async () => {
    let inside!: () => void;
    const held = new Promise<void>((r) => (inside = r));
    const tx = db.transaction(async (t) => {
      await t.query("INSERT INTO as_txn (txn_id, received_at) VALUES ('in-tx', 1)");
      inside();
      await new Promise((r) => setTimeout(r, 50));
      throw new Error('changed my mind');
    });
    await held;
    // Issued while the transaction is open: it must run after the rollback, not inside it.
    const outside = db.query("INSERT INTO as_txn (txn_id, received_at) VALUES ('outside', 1)");
    await expect(tx).rejects.toThrow('changed my mind');
    await outside;
    const ids = (await db.query<{ txn_id: string }>('SELECT txn_id FROM as_txn ORDER BY txn_id')).rows;
    expect(ids.map((r) => r.txn_id)).toEqual(['outside', 't']);
  });

  it('commits a transaction and answers statements in the order they were issued', async () => {
    const got = await db.transaction(async (t) => {
      await t.query("INSERT INTO as_txn (txn_id, received_at) VALUES ('committed', 2)");
      return (await t.query<{ n: number }>('SELECT count(*)::int AS n FROM as_txn')).rows[0]?.n;
    });
    expect(got).toBe(3);
    const order = await Promise.all(
      Array.from({ length: 20 }, (_, i) => db.query<{ i: number }>('SELECT $1::int AS i', [i])),
    );
    expect(order.map((r) => r.rows[0]?.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
  it('runs a statement prepared once with fresh parameters, and survives a change of its table', async () => {
    const sql = 'SELECT * FROM kv WHERE network = $1 ORDER BY key';
    await db.query('INSERT INTO kv (network, key, value) VALUES ($1, $2, $3)', ['p', 'a', Buffer.from([1])]);
    expect((await db.query<{ key: string }>(sql, ['p'])).rows.map((r) => r.key)).toEqual(['a']);
    expect((await db.query(sql, ['none'])).rows).toEqual([]);
    // A bad value fails its own call only.
    await expect(db.query('SELECT $1::int AS i', ['x'])).rejects.toMatchObject({ code: '22P02' });
    expect((await db.query<{ i: number }>('SELECT $1::int AS i', [7])).rows).toEqual([{ i: 7 }]);
    // SELECT * over a table that gained a column: prepared again, not "cached plan must not change".
    await db.query('ALTER TABLE kv ADD COLUMN extra text');
    const after = await db.query<{ key: string; extra: string | null }>(sql, ['p']);
    expect(after.rows.map((r) => [r.key, r.extra])).toEqual([['a', null]]);
    await db.query('ALTER TABLE kv DROP COLUMN extra');
  });
});

describe('openDatabase with a PGlite directory', () => {
  it('uses the worker, and the data survives a reopen', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-pglite-worker-'));
    try {
      const first = await openDatabase({ path: dir });
      expect(first).toBeInstanceOf(PgliteWorkerDatabase);
      await first.query("INSERT INTO as_txn (txn_id, received_at) VALUES ('kept', 1)");
      await first.close();
      const second = await openDatabase({ path: dir });
      expect((await second.query('SELECT * FROM as_txn')).rows).toHaveLength(1);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails to open a data directory that is not a database', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-pglite-bad-'));
    try {
      writeFileSync(path.join(dir, 'PG_VERSION'), 'not a version');
      await expect(PgliteWorkerDatabase.open(dir)).rejects.toThrow(/PGlite failed to start/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
