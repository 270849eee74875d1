/**
 * The load generator of the core-overhead bench: the five measured phases (docs/performance.md
 * "Phases"), run in the bridge process against a bridge already in steady state. Matrix → remote
 * load comes from the null homeserver process (through `peer`), remote → Matrix load from the
 * null network module in this process (`net.emit`).
 */
import type { Bridge } from '../src/bridge';
import type { Meter } from './core-overhead-meter';
import type { Options } from './core-overhead-options';
import type { Peer } from './core-overhead-peer';
import type { PhaseResult } from './core-overhead-results';
import type { Tracer } from './core-overhead-tracer';
import type { SendReport } from './null-homeserver';
import type { NullNetwork } from './null-module';
import { maxOf, nowMs, pairLatencies, summarize, TimeLog } from './stats';
import { sleep, withTimeout } from './wait';

/** What the phases drive and measure, all set up by the bridge process (core-overhead-bridge). */
export interface PhaseContext {
  o: Options;
  backend: string;
  bridge: Bridge;
  net: NullNetwork;
  peer: Peer;
  meter: Meter;
  tracer: Tracer | null;
  /** Per remote → Matrix phase, when the bridge issued each event's PUT /send. */
  sendsIssued: Map<string, TimeLog>;
  /** Runs before each phase: see `Options.settle`. */
  settle: () => Promise<void>;
}

/** Runs the phases `--only` selects (all by default), logging each to stderr as it ends. */
export async function runPhases(ctx: PhaseContext): Promise<Record<string, PhaseResult>> {
  const { o, backend, bridge, net, peer, meter, tracer, sendsIssued, settle } = ctx;
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

  const selected = (phase: string) => o.only.length === 0 || o.only.includes(phase);
  const run = async (phase: string) => selected(phase) && (await settle(), true);

  // 1. Matrix → remote ceiling: back-to-back transactions of 100 (as fast as the bridge acks).
  if (await run('mceil')) {
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
  if (await run('rceil')) {
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
  if (await run('mrate')) {
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
  if (await run('rrate')) {
    await meter.reset('rrate');
    const run = await emitAtRate('rrate');
    const m = await meter.read();
    phases['r2m @rate'] = { ...(await r2mResult('rrate', run)), ...m };
    log('r2m @rate');
  }

  // 5. Both directions at once, each at the fixed rate.
  if (await run('both')) {
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
  return phases;
}
