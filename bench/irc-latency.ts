/**
 * IRC ↔ Matrix latency and sustained throughput (docs/performance.md), end to end through a real
 * InspIRCd 3, a real Synapse and the bridge on Postgres, all on this machine.
 *
 *   npx tsc -p tsconfig.build.json && SYNAPSE_PYTHON=… SWITCHBOARD_TEST_PG_URL=… \
 *     node dist/bench/irc-latency.js [--messages 200] [--rate 10] [--burst 500] [--users 4]
 *
 * - latency: `--messages` lines at `--rate`/s one way, then the other. IRC → Matrix is timed from the
 *   IRC client's write to the Matrix client's /sync returning the event; Matrix → IRC from the
 *   Matrix client's send request to the IRC client reading the line. One clock (one process).
 * - throughput: `--burst` lines as fast as the sender can, timed from the first send to the last
 *   arrival; Matrix → IRC spread over `--users` Matrix users (each has their own puppet).
 * The puppets' flood control is set to 1,000 lines/s here: with the default (5 lines, then 1/s) a
 * single user's burst is paced by design, which is not what this measures.
 */
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'irc-framework';
import type { IrcNetwork } from '../bridges/irc/client';
import type { IrcConnector } from '../bridges/irc/index';
import { startInspircd } from '../test/harness/inspircd';
import type { TestMatrixClient } from '../test/harness/matrix-test-client';
import { startBridgeHarness } from '../test/support/bridge-harness';
import { summarize, type LatencySummary } from './stats';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

/** Records when each text first arrives. */
class Arrivals {
  readonly at = new Map<string, number>();
  note(text: string): void {
    if (!this.at.has(text)) this.at.set(text, performance.now());
  }
  async waitAll(texts: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!texts.every((t) => this.at.has(t))) {
      if (Date.now() > deadline)
        throw new Error(`only ${texts.filter((t) => this.at.has(t)).length}/${texts.length} arrived`);
      await sleep(20);
    }
  }
}

/** A /sync loop for one Matrix user, noting every message body that arrives. */
function syncLoop(client: TestMatrixClient, arrivals: Arrivals): { stop(): void } {
  let running = true;
  let since: string | undefined;
  void (async () => {
    while (running) {
      const url = new URL('/_matrix/client/v3/sync', client.baseUrl);
      url.searchParams.set('timeout', '5000');
      url.searchParams.set(
        'filter',
        JSON.stringify({ room: { timeline: { limit: 500 } }, presence: { types: [] } }),
      );
      if (since) url.searchParams.set('since', since);
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${client.session.accessToken}` },
      }).catch(() => null);
      if (!res?.ok) {
        await sleep(200); // Synapse stopping at the end, or a hiccup: try again while running.
        continue;
      }
      const body = (await res.json()) as {
        next_batch: string;
        rooms?: { join?: Record<string, { timeline?: { events?: { content?: { body?: unknown } }[] } }> };
      };
      const first = since === undefined;
      since = body.next_batch;
      if (first) continue;
      for (const room of Object.values(body.rooms?.join ?? {}))
        for (const e of room.timeline?.events ?? [])
          if (typeof e.content?.body === 'string') arrivals.note(e.content.body);
    }
  })();
  return { stop: () => (running = false) };
}

function templates(): void {
  const target = path.join(__dirname, '..', 'test', 'irc');
  const source = path.join(__dirname, '..', '..', 'test', 'irc');
  if (!existsSync(path.join(target, 'inspircd.conf')) && existsSync(source))
    cpSync(source, target, { recursive: true });
}

const fmt = (s: LatencySummary) =>
  `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms (n=${s.count})`;

async function main(): Promise<void> {
  const [messages, rate, burst, userCount] = [
    arg('messages', 200),
    arg('rate', 10),
    arg('burst', 500),
    arg('users', 4),
  ];
  templates();
  const ircd = await startInspircd();
  const network = {
    host: ircd.host,
    port: ircd.port,
    tls: false,
    flood: { burst: 1000, lines_per_second: 1000 },
    connects_per_second: 100,
    idle_timeout_seconds: 0,
  };
  const h = await startBridgeHarness({ bridges: { irc: { enabled: true, networks: { bench: network } } } });
  const irc = new Client();
  const ircSeen = new Arrivals();
  const stops: (() => void)[] = [];
  try {
    const net = () =>
      (h.bridge.networks.get('irc')?.connector as IrcConnector).networks.get('bench') as IrcNetwork;
    while (!net().bot.client.isRegistered) await sleep(50);
    await new Promise<void>((resolve) => {
      irc.once('registered', () => resolve());
      irc.connect({
        host: ircd.host,
        port: ircd.port,
        nick: 'ircuser',
        username: 'bench',
        auto_reconnect: false,
      });
    });
    irc.on('privmsg', (e) => ircSeen.note(e.message));
    irc.join('#bench');
    const users: TestMatrixClient[] = [];
    for (let i = 0; i < userCount; i++) users.push(await h.user(`mx${i}`));
    const room = await (users[0] as TestMatrixClient).join('#irc_bench_bench:switchboard.test');
    for (const u of users.slice(1)) await u.join(room);
    const mxSeen = new Arrivals();
    const loop = syncLoop(users[0] as TestMatrixClient, mxSeen);
    stops.push(() => loop.stop());
    // Warm-up: every puppet connected and in the channel, the ghost registered and joined.
    for (const [i, u] of users.entries())
      await u.sendMessage(room, { msgtype: 'm.text', body: `warmup ${i}` });
    await ircSeen.waitAll(
      users.map((_, i) => `warmup ${i}`),
      60_000,
    );
    irc.say('#bench', 'warmup');
    await mxSeen.waitAll(['warmup'], 30_000);

    const i2m: number[] = [];
    for (let i = 0; i < messages; i++) {
      i2m.push(performance.now());
      irc.say('#bench', `i2m ${i}`);
      await sleep(1000 / rate);
    }
    const i2mTexts = i2m.map((_, i) => `i2m ${i}`);
    await mxSeen.waitAll(i2mTexts, 60_000);
    const i2mLat = summarize(i2mTexts.map((t, i) => (mxSeen.at.get(t) as number) - (i2m[i] as number)));

    const m2i: number[] = [];
    for (let i = 0; i < messages; i++) {
      m2i.push(performance.now());
      void (users[0] as TestMatrixClient).sendMessage(room, { msgtype: 'm.text', body: `m2i ${i}` });
      await sleep(1000 / rate);
    }
    const m2iTexts = m2i.map((_, i) => `m2i ${i}`);
    await ircSeen.waitAll(m2iTexts, 60_000);
    const m2iLat = summarize(m2iTexts.map((t, i) => (ircSeen.at.get(t) as number) - (m2i[i] as number)));

    console.error('latency phases done; bursts next');
    const burstIn = Array.from({ length: burst }, (_, i) => `bi ${i}`);
    const inStart = performance.now();
    for (const t of burstIn) irc.say('#bench', t);
    await mxSeen.waitAll(burstIn, 150_000);
    const inRate = burst / ((Math.max(...burstIn.map((t) => mxSeen.at.get(t) as number)) - inStart) / 1000);

    // The same number of lines spread over four channels: four portal queues deliver in parallel.
    const channels = ['#bench1', '#bench2', '#bench3', '#bench4'];
    for (const c of channels) {
      irc.join(c);
      await (users[0] as TestMatrixClient).join(`#irc_bench_${c.slice(1)}:switchboard.test`);
    }
    while (!channels.every((c) => net().channels.isIn(net().bot, c))) await sleep(50);
    irc.say('#bench4', 'channels ready');
    await mxSeen.waitAll(['channels ready'], 30_000);
    const spread = Array.from({ length: burst }, (_, i) => `bc ${i}`);
    const spreadStart = performance.now();
    for (const [i, t] of spread.entries()) irc.say(channels[i % channels.length] as string, t);
    await mxSeen.waitAll(spread, 150_000);
    const spreadRate =
      burst / ((Math.max(...spread.map((t) => mxSeen.at.get(t) as number)) - spreadStart) / 1000);

    const burstOut = Array.from({ length: burst }, (_, i) => `bo ${i}`);
    const outStart = performance.now();
    await Promise.all(
      users.map(async (u, k) => {
        const mine = burstOut.filter((_, i) => i % users.length === k);
        for (let i = 0; i < mine.length; i += 4)
          await Promise.all(
            mine.slice(i, i + 4).map((body) => u.sendMessage(room, { msgtype: 'm.text', body })),
          );
      }),
    );
    await ircSeen.waitAll(burstOut, 150_000);
    const outRate =
      burst / ((Math.max(...burstOut.map((t) => ircSeen.at.get(t) as number)) - outStart) / 1000);

    console.log(
      `IRC bench: InspIRCd 3 + Synapse + bridge on Postgres, one machine; ${messages} messages at ${rate}/s`,
    );
    console.log(`  IRC → Matrix latency: ${fmt(i2mLat)}`);
    console.log(`  Matrix → IRC latency: ${fmt(m2iLat)}`);
    console.log(
      `  IRC → Matrix sustained: ${inRate.toFixed(0)} messages/s (${burst} lines from one IRC user, one channel)`,
    );
    console.log(
      `  IRC → Matrix sustained: ${spreadRate.toFixed(0)} messages/s (${burst} lines over 4 channels)`,
    );
    console.log(
      `  Matrix → IRC sustained: ${outRate.toFixed(0)} messages/s (${burst} messages from ${users.length} Matrix users)`,
    );
  } finally {
    for (const stop of stops) stop();
    irc.quit('bench over');
    await h.stop();
    await ircd.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
