/**
 * The bridge process of the core-overhead bench (`--role bridge`, one per back end so RSS figures
 * do not mix): creates the database, starts the null homeserver process and the real `Bridge`
 * with the null network module, brings them to steady state, runs the phases
 * (core-overhead-phases.ts) and tears everything down again.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { stringify } from 'yaml';
import { Bridge } from '../src/bridge';
import { parseConfig } from '../src/config/load';
import { SecretBox } from '../src/crypto/secret-box';
import { Meter } from './core-overhead-meter';
import type { Options } from './core-overhead-options';
import { Peer } from './core-overhead-peer';
import { runPhases } from './core-overhead-phases';
import type { BackendResult } from './core-overhead-results';
import { traceBridge } from './core-overhead-tracer';
import { DOMAIN, roomId } from './null-homeserver';
import { chatId, NETWORK, NullNetwork } from './null-module';
import { PostgresCpu } from './postgres-cpu';
import { nowMs, TimeLog } from './stats';
import { withTimeout } from './wait';
import { freePort } from '../test/support/free-port';

/**
 * Runs the whole bench on one back end in this process. `entryScript` is the bench's entry
 * (bench/core-overhead.js), forked again as the null homeserver.
 */
export async function runBackend(o: Options, backend: string, entryScript: string): Promise<BackendResult> {
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
  const peer = await Peer.start(entryScript);
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
  const tracer = o.trace ? traceBridge(bridge) : null;
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

  tracer?.take(0);
  // The kernel writes a page back ~30 s after it was dirtied: without this, a fixed-rate phase
  // shared the disk with the writeback of the ceiling phases' burst, and commits' fsyncs queued
  // behind it (docs/performance.md, "The Postgres remote → Matrix tail"). Not a CHECKPOINT: the
  // full-page images after one would charge the next phase more WAL than it writes in service.
  const settle = async () => void (o.settle && (await promisify(execFile)('sync')));
  const phases = await runPhases({ o, backend, bridge, net, peer, meter, tracer, sendsIssued, settle });

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
