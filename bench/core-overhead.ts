/**
 * Core-overhead benchmark (docs/performance.md): the real `Bridge` with a null network module,
 * against a null homeserver (bench/null-homeserver.ts) in another process, all on 127.0.0.1.
 *
 *   npm run build && npm run bench -- [--backends pglite,postgres] [--pg-url postgres://…]
 *     [--rate 1000] [--seconds 10] [--ceiling-seconds 6] [--rooms 50] [--users 20] [--out file.json]
 *     [--trace] [--only mceil,rceil,mrate,rrate,both] [--profile dir]
 *
 * `--trace` prints per-phase query and homeserver-call counts and times (it slows the bridge a
 * little); `--profile dir` writes a CPU profile of the bridge process per phase
 * (dir/<back end>/<phase>.cpuprofile, for Chrome DevTools or speedscope).
 * Postgres needs an admin URL (a fresh database is created and dropped) from `--pg-url`,
 * `SWITCHBOARD_BENCH_PG_URL` or `SWITCHBOARD_TEST_PG_URL`; without one only PGlite runs.
 * Each back end runs in its own process, so RSS figures do not mix.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createServer } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { stringify } from 'yaml';
import { Bridge } from '../src/bridge';
import { parseConfig } from '../src/config/load';
import { SecretBox } from '../src/crypto/secret-box';
import { DOMAIN, type PeerRequest, roomId, runPeer, type SendReport } from './null-homeserver';
import { chatId, NETWORK, NullNetwork } from './null-module';
import { type LatencySummary, nowMs, pairLatencies, summarize, TimeLog } from './stats';

interface Options {
  backends: string[];
  pgUrl: string | undefined;
  rate: number;
  seconds: number;
  ceilingSeconds: number;
  rooms: number;
  users: number;
  remoteUsers: number;
  out: string | undefined;
  /** Counts and times every query and homeserver call per phase (slows the bridge a little). */
  trace: boolean;
  /** Phases to run (mceil, rceil, mrate, rrate, both); all when empty. */
  only: string[];
  /** Writes a CPU profile of the bridge process per phase into this directory. */
  profile: string | undefined;
}

function parseArgs(argv: readonly string[]): Options & { role: string } {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (argv[i + 1] === undefined || (argv[i + 1] as string).startsWith('--')) flags.set(a.slice(2), '');
    else flags.set(a.slice(2), argv[++i] as string);
  }
  const num = (k: string, d: number) => (flags.has(k) ? Number(flags.get(k)) : d);
  const pgUrl =
    flags.get('pg-url') ?? process.env.SWITCHBOARD_BENCH_PG_URL ?? process.env.SWITCHBOARD_TEST_PG_URL;
  return {
    role: flags.get('role') ?? 'main',
    backends: (flags.get('backends') ?? (pgUrl ? 'pglite,postgres' : 'pglite')).split(',').filter(Boolean),
    pgUrl,
    rate: num('rate', 1000),
    seconds: num('seconds', 10),
    ceilingSeconds: num('ceiling-seconds', 6),
    rooms: num('rooms', 50),
    users: num('users', 20),
    remoteUsers: num('remote-users', 20),
    out: flags.get('out'),
    trace: flags.has('trace'),
    only: (flags.get('only') ?? '').split(',').filter(Boolean),
    profile: flags.get('profile'),
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The largest number of a list, ignoring NaN (no spread: lists are long). */
function maxOf(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function withTimeout<T>(what: string, p: Promise<T>, ms = 120_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/** Talks to the null homeserver process. */
class Peer {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
  }

  static async start(): Promise<Peer> {
    const child = fork(__filename, ['--role', 'peer'], { execArgv: [], stdio: 'inherit' });
    const port = await withTimeout(
      'the null homeserver',
      new Promise<number>((resolve, reject) => {
        child.once('message', (m: { ready?: number }) =>
          m.ready ? resolve(m.ready) : reject(new Error('bad')),
        );
        child.once('exit', (code) => reject(new Error(`null homeserver exited with ${code}`)));
      }),
      20_000,
    );
    return new Peer(child, port);
  }

  call<T>(req: PeerRequest): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, req });
    });
  }

  stop(): void {
    this.child.disconnect();
  }
}

/** Peak RSS and CPU use of this (the bridge's) process over a phase. */
class Meter {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;
  private cpu = process.cpuUsage();
  private wall = nowMs();
  private dbTicks = 0;

  private profiler: Session | null = null;
  private phase = '';

  private readonly loopDelay = monitorEventLoopDelay({ resolution: 1 });
  private ticker = 0;

  constructor(
    private readonly dbCpu: () => Promise<number>,
    private readonly profileDir?: string,
  ) {
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, process.memoryUsage.rss());
      if (++this.ticker % 5 === 0) void this.dbCpu();
    }, 100);
    this.loopDelay.enable();
  }

  async reset(phase: string): Promise<void> {
    this.phase = phase;
    if (this.profileDir) {
      this.profiler ??= new Session();
      this.profiler.connect();
      await this.profiler.post('Profiler.enable');
      await this.profiler.post('Profiler.start');
    }
    this.peak = process.memoryUsage.rss();
    this.cpu = process.cpuUsage();
    this.wall = nowMs();
    this.dbTicks = await this.dbCpu();
    this.loopDelay.reset();
  }

  async read(): Promise<Metered> {
    const c = process.cpuUsage(this.cpu);
    const wall = nowMs() - this.wall;
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
    const ticks = await this.dbCpu();
    if (this.profiler && this.profileDir) {
      const { profile } = await this.profiler.post('Profiler.stop');
      writeFileSync(path.join(this.profileDir, `${this.phase}.cpuprofile`), JSON.stringify(profile));
      this.profiler.disconnect();
    }
    const hz = 100; // USER_HZ on Linux
    const loopDelayP99Ms = this.loopDelay.percentile(99) / 1e6;
    const cpuMs = (c.user + c.system) / 1000;
    const dbCpuMs = ticks < 0 ? null : ((ticks - this.dbTicks) / hz) * 1000;
    return {
      rssPeakMB: Math.round(this.peak / 1048576),
      cpuPct: Math.round((cpuMs / wall) * 100),
      dbCpuPct: dbCpuMs === null ? null : Math.round((dbCpuMs / wall) * 100),
      cpuMs,
      dbCpuMs,
      wallMs: wall,
      loopDelayP99Ms,
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.loopDelay.disable();
  }
}

interface Metered {
  rssPeakMB: number;
  /** CPU time of the bridge process (all its threads) over wall time. */
  cpuPct: number;
  /** Same for the Postgres backends of the bench database. */
  dbCpuPct: number | null;
  cpuMs: number;
  dbCpuMs: number | null;
  wallMs: number;
  /** p99 of the bridge's event-loop delay: the floor under any latency it adds. */
  loopDelayP99Ms: number;
}

/**
 * CPU ticks (utime + stime) of the Postgres backends serving the bench database, or -1.
 * The pool closes idle connections, so every backend ever seen keeps its last reading:
 * `sample()` runs periodically to catch backends before they exit.
 */
class PostgresCpu {
  private readonly seen = new Map<number, number>();

  constructor(private readonly client: Client | null) {}

  async sample(): Promise<number> {
    if (!this.client) return -1;
    try {
      const res = await this.client.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      for (const { pid } of res.rows) {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          this.seen.set(pid, Number(fields[11]) + Number(fields[12]));
        } catch {
          // The backend exited between the query and the read: its last reading stays.
        }
      }
    } catch {
      return -1;
    }
    let ticks = 0;
    for (const t of this.seen.values()) ticks += t;
    return ticks;
  }
}

/** Per-statement counts and time, installed on the bridge's database and HTTP objects. */
class Tracer {
  private stats = new Map<string, number[]>();

  wrap<T extends object>(obj: T, method: keyof T & string, label: (args: unknown[]) => string): void {
    const original = (obj[method] as (...a: unknown[]) => Promise<unknown>).bind(obj);
    (obj as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const t = nowMs();
      try {
        return await original(...args);
      } finally {
        const key = label(args);
        let list = this.stats.get(key);
        if (!list) this.stats.set(key, (list = []));
        list.push(nowMs() - t);
      }
    };
  }

  take(events: number): string[] {
    const rows = [...this.stats.entries()]
      .map(([k, v]) => ({ k, s: summarize(v), total: v.reduce((a, b) => a + b, 0) }))
      .sort((a, b) => b.total - a.total);
    this.stats = new Map();
    return rows.map(
      (r) =>
        `${(r.s.count / Math.max(1, events)).toFixed(2)}/ev n=${r.s.count} mean=${r.s.mean.toFixed(2)} p99=${r.s.p99.toFixed(2)} ms  ${r.k}`,
    );
  }
}

export interface PhaseResult {
  /** Events offered / handled per second over the phase window. */
  offeredPerSec?: number;
  handledPerSec: number;
  events: number;
  latency?: LatencySummary;
  /** Remote → Matrix: emit → the bridge issuing the PUT /send (its own share of `latency`). */
  bridgeLatency?: LatencySummary;
  /** Matrix → remote: transaction round trip as the homeserver sees it. */
  ackLatency?: LatencySummary;
  missing?: number;
  drainMs?: number;
  rssPeakMB: number;
  cpuPct: number;
  dbCpuPct: number | null;
  cpuMs: number;
  dbCpuMs: number | null;
  wallMs: number;
  loopDelayP99Ms: number;
  /**
   * Bridge + Postgres CPU per event handled while metered: the figure least disturbed by
   * other load on the machine (for "both" phases, per event of either direction).
   */
  cpuUsPerEvent?: number;
}

export interface BackendResult {
  backend: string;
  node: string;
  setupMs: number;
  rssIdleMB: number;
  /** The machine's 1/5/15-minute load average at the end of the run (other work shows here). */
  loadAverage: number[];
  phases: Record<string, PhaseResult>;
  sinkRoutes: Record<string, number>;
}

async function runBackend(o: Options, backend: string): Promise<BackendResult> {
  if (backend === 'postgres' && !o.pgUrl)
    throw new Error('postgres needs --pg-url or SWITCHBOARD_BENCH_PG_URL');
  if (backend !== 'postgres' && backend !== 'pglite') throw new Error(`unknown back end ${backend}`);
  const baseDir = mkdtempSync(path.join(os.tmpdir(), 'sb-bench-'));
  let dbUrl: string | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  if (backend === 'postgres' && o.pgUrl) {
    const name = 'sb_bench_' + randomBytes(5).toString('hex');
    const admin = new Client({ connectionString: o.pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    dbUrl = o.pgUrl.replace(/\/[^/]*$/, '/' + name);
    dropDb = async () => {
      const c = new Client({ connectionString: o.pgUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }

  const setupStart = nowMs();
  const peer = await Peer.start();
  const port = await freePort();
  const hsToken = randomBytes(24).toString('hex');
  const raw = {
    homeserver: { url: `http://127.0.0.1:${peer.port}`, domain: DOMAIN },
    appservice: {
      port,
      bind: '127.0.0.1',
      address: `http://127.0.0.1:${port}`,
      as_token: randomBytes(24).toString('hex'),
      hs_token: hsToken,
    },
    database: {
      ...(dbUrl ? { url: dbUrl } : { path: path.join(baseDir, 'db') }),
      encryption_key: SecretBox.generateKey(),
    },
    permissions: { '*': 'relay', [DOMAIN]: 'user' },
    logging: { level: 'warn', format: 'json' },
    bridges: { [NETWORK]: { enabled: true } },
  };
  const config = parseConfig(stringify(raw), 'bench config', { env: {} });
  const net = new NullNetwork();
  const bridge = await Bridge.create({ config, baseDir, modules: new Map([[NETWORK, net.module()]]) });
  await bridge.start();
  const tracer = o.trace ? new Tracer() : null;
  if (tracer) {
    const sql = (a: unknown[]) => String(a[0]).replace(/\s+/g, ' ').slice(0, 90);
    tracer.wrap(bridge.db, 'query', sql);
    tracer.wrap(bridge.db, 'transaction', () => 'TRANSACTION (whole)');
    tracer.wrap(
      bridge.services.client.http,
      'request',
      (a) =>
        `HTTP ${String(a[0])} ${String(a[1])
          .replace(/\/(rooms|profile|join|send)\/[^/]+/g, '/$1/…')
          .replace(/\/[^/]*$/, '/…')}`,
    );
  }
  // When the bridge issues each remote message's PUT /send: emit → here is the bridge's own
  // share of the remote → Matrix latency, without the loopback hop and the stand-in's scheduling.
  const sendsIssued = new Map<string, TimeLog>();
  const http = bridge.services.client.http;
  const request = http.request.bind(http);
  http.request = ((method: string, p: string, ro?: { body?: unknown }) => {
    const text = (ro?.body as { body?: unknown } | undefined)?.body;
    const hit = method === 'PUT' && typeof text === 'string' ? /^bench:([a-z0-9]+):(\d+)/.exec(text) : null;
    if (hit) {
      let log = sendsIssued.get(hit[1] as string);
      if (!log) sendsIssued.set(hit[1] as string, (log = new TimeLog()));
      log.set(Number(hit[2]), nowMs());
    }
    return request(method, p, ro as never);
  }) as typeof http.request;
  const statClient = dbUrl ? new Client({ connectionString: dbUrl }) : null;
  await statClient?.connect();
  const pgCpu = new PostgresCpu(statClient);
  const meter = new Meter(() => pgCpu.sample(), o.profile ? path.resolve(o.profile, backend) : undefined);
  if (o.profile) mkdirSync(path.resolve(o.profile, backend), { recursive: true });

  // Steady state: portals exist, Matrix users are members with display names, ghosts are joined.
  for (let j = 0; j < o.rooms; j++) {
    await bridge.store.portals.insert(
      NETWORK,
      { id: chatId(j) },
      { room_id: roomId(j), kind: 'group', name: `Chat ${j}`, metadata: {} },
    );
  }
  await peer.call({ cmd: 'init', asUrl: `http://127.0.0.1:${port}`, hsToken });
  await peer.call({ cmd: 'members', rooms: o.rooms, users: o.users });
  await bridge.idle();
  const pairs = o.rooms * o.remoteUsers;
  await Promise.all(
    Array.from({ length: pairs }, (_, i) => net.emit('warm', i, i % o.rooms, Math.floor(i / o.rooms))),
  );
  await peer.call({ cmd: 'rate', phase: 'warmm', rate: 500, seconds: 2, rooms: o.rooms, users: o.users });
  await withTimeout('warm-up', bridge.idle());
  const setupMs = Math.round(nowMs() - setupStart);
  const rssIdleMB = Math.round(process.memoryUsage.rss() / 1048576);
  const phases: Record<string, PhaseResult> = {};
  const log = (name: string) => {
    logPhase(name);
    if (tracer)
      process.stderr.write(
        tracer
          .take(phases[name]?.events ?? 0)
          .map((l) => `      ${l}\n`)
          .join(''),
      );
  };
  const logPhase = (name: string) =>
    process.stderr.write(
      `  ${backend} ${name}: ${JSON.stringify(phases[name], (k, v) => (k === 'count' ? undefined : typeof v === 'number' ? Math.round(v * 100) / 100 : v))}\n`,
    );
  const r2mIndex = (i: number) => ({ j: i % o.rooms, k: Math.floor(i / o.rooms) % o.remoteUsers });

  tracer?.take(0);

  const run = (phase: string) => o.only.length === 0 || o.only.includes(phase);

  // 1. Matrix → remote ceiling: back-to-back transactions of 100 (as fast as the bridge acks).
  if (run('mceil')) {
    await meter.reset('mceil');
    const before = net.sent;
    const rep = await peer.call<SendReport>({
      cmd: 'burst',
      phase: 'mceil',
      seconds: o.ceilingSeconds,
      rooms: o.rooms,
      users: o.users,
    });
    const m = await meter.read();
    await withTimeout('Matrix → remote drain', net.waitSent(before + rep.sent));
    const done = (net.delivered.get('mceil') as TimeLog).toArray();
    const inWindow = done.filter((t) => t <= rep.endMs).length;
    const last = maxOf(done);
    phases['m2r ceiling'] = {
      offeredPerSec: (rep.sent / (rep.endMs - rep.startMs)) * 1000,
      handledPerSec: (inWindow / (rep.endMs - rep.startMs)) * 1000,
      events: rep.sent,
      ackLatency: summarize(rep.ackMs),
      drainMs: Math.round(last - rep.endMs),
      ...m,
    };
    await bridge.idle();
    log('m2r ceiling');
  }

  // 2. Remote → Matrix ceiling: emit as fast as the outbox takes it, at most 1000 events queued.
  if (run('rceil')) {
    await meter.reset('rceil');
    let emitted = 0;
    let inflight = 0;
    const start = nowMs();
    const stopAt = start + o.ceilingSeconds * 1000;
    const outbox = bridge.services.outbox;
    while (nowMs() < stopAt) {
      if (inflight + outbox.depth >= 1000) {
        await sleep(1);
        continue;
      }
      for (let b = 0; b < 50; b++) {
        const { j, k } = r2mIndex(emitted);
        inflight++;
        void net.emit('rceil', emitted++, j, k).finally(() => inflight--);
      }
      await new Promise((r) => setImmediate(r));
    }
    const end = nowMs();
    const m = await meter.read();
    while (inflight > 0) await sleep(1);
    await withTimeout('remote → Matrix drain', outbox.idle());
    const arrived = (await peer.call<{ times: number[] }>({ cmd: 'arrivals', phase: 'rceil' })).times;
    const inWindow = arrived.filter((t) => t <= end).length;
    phases['r2m ceiling'] = {
      offeredPerSec: (emitted / (end - start)) * 1000,
      handledPerSec: (inWindow / (end - start)) * 1000,
      events: emitted,
      drainMs: Math.round(maxOf(arrived) - end),
      ...m,
    };
    log('r2m ceiling');
  }

  /** Remote → Matrix at a fixed rate; resolves with the emit times. */
  const emitAtRate = async (
    phase: string,
  ): Promise<{ emits: TimeLog; start: number; end: number; n: number }> => {
    const emits = new TimeLog();
    const total = Math.round(o.rate * o.seconds);
    const pendingEmits: Promise<void>[] = [];
    let i = 0;
    const start = nowMs();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((nowMs() - start) * o.rate) / 1000));
        for (; i < due; i++) {
          const { j, k } = r2mIndex(i);
          emits.set(i, nowMs());
          pendingEmits.push(net.emit(phase, i, j, k));
        }
        if (i >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    const end = nowMs();
    await Promise.all(pendingEmits);
    return { emits, start, end, n: total };
  };

  const r2mResult = async (phase: string, run: { emits: TimeLog; start: number; end: number; n: number }) => {
    await withTimeout('remote → Matrix drain', bridge.services.outbox.idle());
    const arrived = (await peer.call<{ times: number[] }>({ cmd: 'arrivals', phase })).times;
    const { values, missing } = pairLatencies(run.emits.toArray(), arrived);
    const inBridge = pairLatencies(run.emits.toArray(), sendsIssued.get(phase)?.toArray() ?? []).values;
    return {
      offeredPerSec: (run.n / (run.end - run.start)) * 1000,
      handledPerSec: (values.length / (maxOf(arrived) - run.start)) * 1000,
      events: run.n,
      latency: summarize(values),
      bridgeLatency: summarize(inBridge),
      missing,
    };
  };

  const m2rResult = async (phase: string, rep: SendReport) => {
    await withTimeout('Matrix → remote drain', bridge.services.ingest.idle());
    const delivered = (net.delivered.get(phase) as TimeLog).toArray();
    const { values, missing } = pairLatencies(rep.txnStart, delivered);
    return {
      offeredPerSec: (rep.sent / (rep.endMs - rep.startMs)) * 1000,
      handledPerSec: (values.length / (maxOf(delivered) - rep.startMs)) * 1000,
      events: rep.sent,
      latency: summarize(values),
      ackLatency: summarize(rep.ackMs),
      missing,
    };
  };

  // 3. Matrix → remote at a fixed rate.
  if (run('mrate')) {
    await meter.reset('mrate');
    const rep = await peer.call<SendReport>({
      cmd: 'rate',
      phase: 'mrate',
      rate: o.rate,
      seconds: o.seconds,
      rooms: o.rooms,
      users: o.users,
    });
    const m = await meter.read();
    phases['m2r @rate'] = { ...(await m2rResult('mrate', rep)), ...m };
    log('m2r @rate');
  }

  // 4. Remote → Matrix at a fixed rate.
  if (run('rrate')) {
    await meter.reset('rrate');
    const run = await emitAtRate('rrate');
    const m = await meter.read();
    phases['r2m @rate'] = { ...(await r2mResult('rrate', run)), ...m };
    log('r2m @rate');
  }

  // 5. Both directions at once, each at the fixed rate.
  if (run('both')) {
    await meter.reset('both');
    const [rep, run] = await Promise.all([
      peer.call<SendReport>({
        cmd: 'rate',
        phase: 'mboth',
        rate: o.rate,
        seconds: o.seconds,
        rooms: o.rooms,
        users: o.users,
      }),
      emitAtRate('rboth'),
    ]);
    const m = await meter.read();
    phases['both m2r'] = { ...(await m2rResult('mboth', rep)), ...m };
    phases['both r2m'] = { ...(await r2mResult('rboth', run)), ...m };
    log('both m2r');
    log('both r2m');
  }

  for (const [name, p] of Object.entries(phases)) {
    const perSec = name.startsWith('both ')
      ? (phases['both m2r']?.handledPerSec ?? 0) + (phases['both r2m']?.handledPerSec ?? 0)
      : p.handledPerSec;
    p.cpuUsPerEvent = ((p.cpuMs + (p.dbCpuMs ?? 0)) * 1000) / ((perSec * p.wallMs) / 1000);
  }
  const loadAverage = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const sinkRoutes = (await peer.call<{ routes: Record<string, number> }>({ cmd: 'stats' })).routes;
  meter.stop();
  await statClient?.end();
  await bridge.stop();
  peer.stop();
  await dropDb?.();
  rmSync(baseDir, { recursive: true, force: true });
  return { backend, node: process.version, setupMs, rssIdleMB, loadAverage, phases, sinkRoutes };
}

const f = (v: number | undefined | null, digits = 1) =>
  v === undefined || v === null || Number.isNaN(v) ? '–' : v.toFixed(digits);

function table(results: readonly BackendResult[]): string {
  const lines = [
    '| back end | phase | offered ev/s | handled ev/s | p50 ms | p95 ms | p99 ms | max ms | in-bridge p99 ms | ack p99 ms | loop delay p99 ms | bridge CPU % | PG CPU % | CPU µs/ev | peak RSS MB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    for (const [name, p] of Object.entries(r.phases)) {
      lines.push(
        `| ${r.backend} | ${name} | ${f(p.offeredPerSec, 0)} | ${f(p.handledPerSec, 0)} | ${f(p.latency?.p50, 2)} | ${f(p.latency?.p95, 2)} | ${f(p.latency?.p99, 2)} | ${f(p.latency?.max, 1)} | ${f(p.bridgeLatency?.p99, 2)} | ${f(p.ackLatency?.p99, 2)} | ${f(p.loopDelayP99Ms, 1)} | ${p.cpuPct} | ${p.dbCpuPct ?? '–'} | ${f(p.cpuUsPerEvent, 0)} | ${p.rssPeakMB} |`,
      );
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.role === 'peer') return runPeer();
  if (o.role === 'bridge') {
    const result = await runBackend(o, o.backends[0] as string);
    process.send?.({ result });
    return;
  }
  const started = nowMs();
  console.log(
    `core-overhead: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ` +
      `${o.rooms} portals, ${o.users} Matrix users, ${o.remoteUsers} remote users, ${o.rate} ev/s for ${o.seconds} s, ceilings over ${o.ceilingSeconds} s`,
  );
  const results: BackendResult[] = [];
  for (const backend of o.backends) {
    const args = process.argv
      .slice(2)
      .filter(
        (_, i, a) => a[i] !== '--backends' && a[i - 1] !== '--backends' && !a[i]?.startsWith('--backends='),
      );
    const nodeArgs = (process.env.BENCH_BRIDGE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = fork(__filename, [...args, '--role', 'bridge', '--backends', backend], {
      execArgv: nodeArgs,
      stdio: 'inherit',
    });
    const result = await new Promise<BackendResult>((resolve, reject) => {
      child.once('message', (m: { result: BackendResult }) => resolve(m.result));
      child.once('exit', (code) => reject(new Error(`${backend} run exited with ${code}`)));
    });
    await new Promise((r) => child.once('exit', r));
    results.push(result);
  }
  console.log(table(results));
  for (const r of results)
    console.log(
      `${r.backend}: set-up ${r.setupMs} ms, idle RSS ${r.rssIdleMB} MB, load average ${r.loadAverage.join(' ')}, sink calls ${JSON.stringify(r.sinkRoutes)}`,
    );
  console.log(`total ${((nowMs() - started) / 1000).toFixed(1)} s`);
  if (o.out) writeFileSync(o.out, JSON.stringify({ options: o, results }, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
