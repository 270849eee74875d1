/**
 * Memory per IRC puppet connection (docs/performance.md): the IRC module's own pool (bot, puppets,
 * gate, listener election, IRC → Matrix handlers) against a real local InspIRCd, with an in-memory
 * module context instead of the core (no Matrix side: this measures the connections).
 *
 *   npx tsc -p tsconfig.build.json && node --expose-gc dist/bench/irc-puppets-memory.js [puppets=1000] [channels=1]
 *
 * Every puppet joins the `channels` bridged channels, so with one channel each puppet also receives
 * every later puppet's JOIN and a NAMES list of up to 1,000 nicks: the busy case, not an idle one.
 * Per puppet = (after − before) / puppets, with a forced GC before each reading; RSS includes socket
 * buffers and allocator slack, the V8 heap only JavaScript objects.
 */
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { IrcNetwork } from '../bridges/irc/client';
import { withDefaults, type IrcConfig } from '../bridges/irc/config';
import { bindToMatrix } from '../bridges/irc/to-matrix';
import { startInspircd } from '../test/harness/inspircd';
import { fakeModuleContext } from '../test/support/fake-module-context';

const KIB = 1024;

/** The harness reads its config templates next to itself; in dist/ they have to be copied there. */
function ensureTemplates(): void {
  const target = path.join(__dirname, '..', 'test', 'irc');
  const source = path.join(__dirname, '..', '..', 'test', 'irc');
  if (!existsSync(path.join(target, 'inspircd.conf')) && existsSync(source))
    cpSync(source, target, { recursive: true });
}

function reading() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external + m.arrayBuffers };
}

async function main(): Promise<void> {
  const puppets = Number(process.argv[2] ?? 1000);
  const channels = Number(process.argv[3] ?? 1);
  if (!(globalThis as { gc?: unknown }).gc) console.warn('run with --expose-gc for stable readings');
  // The test runner's --experimental-vm-modules roughly doubles the RSS readings: not production.
  if (process.env.NODE_OPTIONS?.includes('vm-modules')) console.warn('unset NODE_OPTIONS for this benchmark');
  ensureTemplates();
  const ircd = await startInspircd();
  const config: IrcConfig = {
    networks: {
      bench: withDefaults('bench', {
        host: ircd.host,
        port: ircd.port,
        tls: false,
        max_connections: puppets,
        connects_per_second: 250,
        idle_timeout_seconds: 0,
      }),
    },
  };
  const ctx = fakeModuleContext(config, { network: 'irc' });
  const names = Array.from({ length: channels }, (_, i) => `#bench${i}`);
  for (const [i, name] of names.entries()) {
    ctx.portals.push({
      network: 'irc',
      chat: { id: `bench/${name}` },
      roomId: `!room${i}:bench`,
      kind: 'channel',
      metadata: {},
    });
  }
  const users = Array.from({ length: puppets }, (_, i) => `@user${i}:bench`);
  for (let i = 0; i < channels; i++) ctx.members.set(`!room${i}:bench`, users);
  const net = new IrcNetwork(
    ctx,
    'bench',
    config.networks.bench as IrcConfig['networks'][string],
    bindToMatrix,
  );
  try {
    await net.start();
    while (!names.every((n) => net.channels.isIn(net.bot, n))) await sleep(50);
    await sleep(500);
    const before = reading();
    const started = performance.now();
    await Promise.all(users.map((userId) => net.puppet({ userId, displayName: userId })));
    const connectedMs = performance.now() - started;
    const inAll = () => names.every((n) => (net.channels.get(n)?.conns.length ?? 0) === puppets + 1);
    while (!inAll()) await sleep(100);
    const joinedMs = performance.now() - started;
    // Every puppet hears every later puppet's JOIN (N² lines in one channel): read until the sockets
    // have been quiet for two seconds, so that the reading is the steady state, not the backlog.
    let lines = 0;
    for (const userId of users) net.puppetOf(userId)?.client.on('join', () => (lines += 1));
    for (let last = -1; last !== lines;) {
      last = lines;
      await sleep(2000);
    }
    const after = reading();
    const per = (k: keyof typeof before) => ((after[k] - before[k]) / puppets / KIB).toFixed(1);
    console.log(
      `IRC puppets: ${puppets} connected and joined to ${channels} channel(s) on a local InspIRCd 3`,
    );
    console.log(
      `  connected in ${(connectedMs / 1000).toFixed(1)} s (gate 250/s), all joined in ${(joinedMs / 1000).toFixed(1)} s`,
    );
    console.log(
      `  RSS        ${(before.rss / KIB / KIB).toFixed(1)} → ${(after.rss / KIB / KIB).toFixed(1)} MiB: ${per('rss')} KiB per puppet`,
    );
    console.log(
      `  V8 heap    ${(before.heap / KIB / KIB).toFixed(1)} → ${(after.heap / KIB / KIB).toFixed(1)} MiB: ${per('heap')} KiB per puppet`,
    );
    console.log(`  external   ${per('external')} KiB per puppet (buffers)`);
    console.log(
      `  events emitted to the core while connecting: ${ctx.events.length} (own joins are not bridged)`,
    );
  } finally {
    await net.stop();
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
