import { Worker } from 'node:worker_threads';
import type { Database, Queryable, QueryResult } from './database';

/**
 * The worker's code. PGlite runs Postgres compiled to WebAssembly synchronously on the
 * thread that calls it; in a worker thread it no longer competes with the bridge's own work
 * (HTTP, JSON, routing) for the main thread. Plain JavaScript, evaluated, so it runs the same
 * from `dist/` and under the test runner.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite, types, protocol, parse } = require(workerData.pglite);
const fields = ['code', 'detail', 'hint', 'severity', 'schema', 'table', 'column', 'constraint', 'dataType', 'position'];
const S = protocol.serialize;
const MAX_PREPARED = 200;
const concat = (parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
(async () => {
  let db;
  try {
    db = new PGlite(workerData.dataDir, { parsers: { [types.INT8]: (v) => Number(v) } });
    await db.waitReady;
    // Prepared statements below: planned for their parameters each time, as db.query() does
    // (a generic plan for an unnest() join can be far worse), but parsed only once.
    await db.exec('SET plan_cache_mode = force_custom_plan');
  } catch (err) {
    parentPort.postMessage({ fatal: String(err && err.stack || err) });
    return;
  }
  // SQL text -> { name, oids }: statements with parameters are prepared once (named) and then
  // run as bind/describe/execute/sync in one call into PGlite, instead of db.query()'s six
  // (parse, describe, bind, describe, execute, sync) with a fresh parse every time.
  const prepared = new Map();
  let nextName = 0;
  const prepare = async (sql) => {
    let st = prepared.get(sql);
    if (st) { prepared.delete(sql); prepared.set(sql, st); return st; }
    const name = 'sb' + nextName++;
    const res = await db.execProtocol(concat([S.parse({ name, text: sql }), S.describe({ type: 'S', name }), S.sync()]), { syncToFs: false });
    st = { name, oids: res.messages.find((m) => m.name === 'parameterDescription').dataTypeIDs };
    prepared.set(sql, st);
    if (prepared.size > MAX_PREPARED) await forget(prepared.keys().next().value);
    return st;
  };
  const forget = async (sql) => {
    const st = prepared.get(sql);
    if (!st) return;
    prepared.delete(sql);
    await db.execProtocol(concat([S.close({ type: 'S', name: st.name }), S.sync()]), { syncToFs: false }).catch(() => undefined);
  };
  const runPrepared = async (sql, params, retry = true) => {
    const st = await prepare(sql);
    // The same serialisation as db.query(): by the parameter's type, else toString().
    const values = params.map((p, i) => {
      if (p === null || p === undefined) return null;
      const ser = db.serializers[st.oids[i]];
      return ser ? ser(p) : p.toString();
    });
    try {
      const res = await db.execProtocol(concat([S.bind({ statement: st.name, values }), S.describe({ type: 'P' }), S.execute({}), S.sync()]));
      return parse.parseResults(res.messages, db.parsers)[0];
    } catch (err) {
      // "cached plan must not change result type": the table changed under a SELECT *.
      if (!retry || !err || err.code !== '0A000') throw err;
      await forget(sql);
      return runPrepared(sql, params, false);
    }
  };
  const handle = async (m) => {
    if (m.close) {
      try { await db.close(); } finally { parentPort.postMessage({ id: m.id, rows: [], rowCount: 0 }); }
      return;
    }
    try {
      const res = m.params.length > 0 ? await runPrepared(m.sql, m.params) : await db.query(m.sql);
      parentPort.postMessage({ id: m.id, rows: res.rows, rowCount: res.affectedRows ?? res.rows.length });
    } catch (err) {
      const e = { message: String(err && err.message || err) };
      for (const f of fields) if (err && err[f] !== undefined) e[f] = err[f];
      parentPort.postMessage({ id: m.id, error: e });
    }
  };
  // One statement at a time, in arrival order (prepare and run must not interleave).
  let chain = Promise.resolve();
  parentPort.on('message', (m) => { chain = chain.then(() => handle(m)); });
  parentPort.postMessage({ ready: true });
})();
`;

/**
 * The worker's young generation. Left to V8 it grows under load (the ceiling phases of the
 * bench) and each scavenge then stops the worker for 5–7 ms, with every statement queued
 * behind it; capped, scavenges are more frequent but short (docs/performance.md).
 */
const YOUNG_GENERATION_MB = 16;

type Reply =
  { id: number; rows: object[]; rowCount: number } | { id: number; error: Record<string, unknown> };

/**
 * PGlite in a worker thread: the same SQL and the same embedded data directory as
 * `PgliteDatabase`, with statements handed over by message. The worker runs them one at a
 * time in arrival order; a transaction holds later statements back until it ends, so nothing
 * from outside can slip between its BEGIN and COMMIT.
 */
export class PgliteWorkerDatabase implements Database {
  readonly kind = 'pglite' as const;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  /** Set while a transaction is open: statements from outside it wait for it. */
  private gate: Promise<void> | null = null;
  private dead: Error | null = null;
  private closed = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      p.resolve(m);
    });
    const die = (err: Error) => {
      this.dead ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', die);
    worker.on('exit', (code) => die(new Error(`the PGlite worker exited (code ${code})`)));
  }

  /** `dataDir` undefined keeps the database in memory (tests). */
  static async open(dataDir?: string): Promise<PgliteWorkerDatabase> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { dataDir, pglite: require.resolve('@electric-sql/pglite') },
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (m: { ready?: boolean; fatal?: string }) =>
        m.ready ? resolve() : reject(new Error(`PGlite failed to start: ${m.fatal}`)),
      );
      worker.once('error', reject);
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    // Idle, the worker must not keep the process alive; it is referenced while a statement runs.
    worker.unref();
    return new PgliteWorkerDatabase(worker);
  }

  private send(sql: string, params: readonly unknown[], close = false): Promise<Reply> {
    if (this.dead) return Promise.reject(this.dead);
    const id = ++this.nextId;
    return new Promise<Reply>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(close ? { id, close: true } : { id, sql, params });
    });
  }

  private async run<T>(sql: string, params: readonly unknown[]): Promise<QueryResult<T>> {
    const reply = await this.send(sql, params);
    if ('error' in reply) {
      throw Object.assign(new Error(String(reply.error.message)), reply.error, { name: 'DatabaseError' });
    }
    return { rows: reply.rows as T[], rowCount: reply.rowCount };
  }

  async query<T extends object>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
    while (this.gate) await this.gate;
    return this.run<T>(sql, params);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    while (this.gate) await this.gate;
    let open!: () => void;
    // Taken synchronously after the wait: no other statement can start in between.
    this.gate = new Promise<void>((r) => (open = r));
    try {
      await this.run('BEGIN', []);
      const tx: Queryable = {
        query: <R extends object>(sql: string, params: readonly unknown[] = []) => this.run<R>(sql, params),
      };
      try {
        const result = await fn(tx);
        await this.run('COMMIT', []);
        return result;
      } catch (err) {
        await this.run('ROLLBACK', []).catch(() => undefined);
        throw err;
      }
    } finally {
      this.gate = null;
      open();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.gate) await this.gate;
    try {
      if (!this.dead) await this.send('', [], true);
    } finally {
      await this.worker.terminate();
    }
  }
}
