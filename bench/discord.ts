/**
 * Discord module figures:
 *
 * 1. Memory per bridged guild (default 100 channels, 1,000 members): the real module (discord.js
 *    client with the module's cache settings, event handlers, caches) connects to a fake Discord
 *    running in another process, once with no guild and once with N guilds; the heap and RSS
 *    difference after a full GC, divided by N, is the cost of one guild. The fake sends every
 *    member in GUILD_CREATE (real Discord sends only online members of large guilds), so this is
 *    the figure with the whole member list cached, an upper bound.
 * 2. Discord → Matrix latency: a fake user posts, a Matrix client on a real Synapse waits for the
 *    ghost's event (fake gateway → discord.js → module → outbox → Synapse → /sync). Sequential
 *    messages give the latency; a burst gives the time until the last of them arrived.
 *
 *   npm run build && node --expose-gc dist/bench/discord.js [--guilds 3] [--channels 100]
 *     [--members 1000] [--messages 200] [--burst 100] [--skip-latency]
 *
 * Latency needs Synapse (SYNAPSE_PYTHON, as for the e2e tests) and uses Postgres when
 * SWITCHBOARD_TEST_PG_URL is set, else PGlite.
 */
import { fork } from 'node:child_process';
import { ChannelType } from 'discord.js';
import discordModule from '../bridges/discord/index';
import type { DiscordConfig } from '../bridges/discord/config';
import type { ModuleContext } from '../src/sdk';
import { FakeDiscord, type GuildSpec } from '../test/fakes/discord';
import { startBridgeHarness } from '../test/support/bridge-harness';
import { memoryKv } from '../test/support/memory-kv';
import { nowMs, summarize } from './stats';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const opts = {
  guilds: arg('guilds', 3),
  channels: arg('channels', 100),
  members: arg('members', 1000),
  messages: arg('messages', 200),
  burst: arg('burst', 100),
};

/** A guild like the issue's: `channels` text channels in categories of 10, `members` members. */
function guildSpec(g: number, channels: number, members: number): GuildSpec {
  const base = 1_300_000_000_000_000_000n + BigInt(g) * 100_000n;
  const id = (n: number) => String(base + BigInt(n));
  const categories = Math.ceil(channels / 10);
  return {
    id: id(0),
    name: `Bench guild ${g}`,
    channels: [
      ...Array.from({ length: categories }, (_, c) => ({
        id: id(1 + c),
        name: `category ${c}`,
        type: ChannelType.GuildCategory,
      })),
      ...Array.from({ length: channels }, (_, c) => ({
        id: id(1000 + c),
        name: `channel-${c}`,
        topic: `topic of channel ${c}`,
        parent_id: id(1 + Math.floor(c / 10)),
      })),
    ],
    members: Array.from({ length: members }, (_, m) => ({
      id: id(10_000 + m),
      username: `member${m}`,
      global_name: `Member ${m}`,
      ...(m % 3 === 0 ? { nick: `nick ${m}` } : {}),
      avatar: m % 2 === 0 ? `hash${m}` : null,
    })),
  };
}

interface FakeInfo {
  restUrl: string;
  cdnUrl: string;
  token: string;
}
interface MemoryReport {
  heapUsed: number;
  rss: number;
  external: number;
  guilds: number;
  members: number;
  channels: number;
}

/** Child: a fake Discord with `n` guilds, until the parent disconnects. */
async function fakeChild(n: number): Promise<void> {
  const fake = new FakeDiscord({ heartbeatIntervalMs: 30_000 });
  await fake.start();
  for (let g = 0; g < n; g++) fake.addGuild(guildSpec(g, opts.channels, opts.members));
  process.send?.({ restUrl: fake.restUrl, cdnUrl: fake.cdnUrl, token: fake.token } satisfies FakeInfo);
  process.on('disconnect', () => void fake.stop().then(() => process.exit(0)));
}

/** Child: the module connected to the fake; reports memory after a full GC. */
async function clientChild(info: FakeInfo): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const config: DiscordConfig = {
    bot_token: info.token,
    bot_token_env: 'DISCORD_BOT_TOKEN',
    guilds: ['*'],
    portals_on_demand: true,
    webhook_name: 'Switchboard',
    use_webhooks: true,
    backfill_messages: 0,
    admins: [],
    api_url: info.restUrl,
    cdn_url: info.cdnUrl,
  };
  const log = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    child: () => log,
  };
  const ctx: ModuleContext<DiscordConfig> = {
    network: 'discord',
    config,
    log,
    serverName: 'bench.test',
    botUserId: '@bot:bench.test',
    emit: async () => undefined,
    setBridgeState: () => undefined,
    kv: memoryKv(),
    getLogin: async () => null,
    listLogins: async () => [],
    updateLogin: async () => undefined,
    getPortal: async () => null,
    listPortals: async () => [],
    portalMembers: async () => [],
    findMessage: async () => null,
    ghostUserId: (id) => `@discord_${id}:bench.test`,
    remoteUserIdOf: () => null,
    downloadMedia: async () => Buffer.alloc(0),
    uploadMedia: async (key) => `mxc://stub.test/${encodeURIComponent(key)}`,
    notifyUser: async () => undefined,
  };
  const connector = discordModule.create(ctx);
  await connector.start?.();
  const client = connector.bot.client;
  if (!client?.isReady()) throw new Error(`bot did not connect: ${connector.bot.state.problem}`);
  await new Promise((r) => setTimeout(r, 500));
  for (let i = 0; i < 3; i++) gc();
  const mem = process.memoryUsage();
  const report: MemoryReport = {
    heapUsed: mem.heapUsed,
    rss: mem.rss,
    external: mem.external,
    guilds: client.guilds.cache.size,
    members: client.guilds.cache.reduce((n, g) => n + g.members.cache.size, 0),
    channels: client.channels.cache.size,
  };
  process.send?.(report);
  await connector.stop?.();
  process.exit(0);
}

function forkChild<T>(
  mode: string,
  payload: string,
  execArgv: string[] = [],
): Promise<{ message: T; kill: () => void }> {
  const child = fork(__filename, [mode, payload, ...process.argv.slice(2)], { execArgv });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ message: message as T, kill: () => child.disconnect() }));
    child.once('exit', (code) => reject(new Error(`${mode} child exited with ${code}`)));
  });
}

async function measure(guilds: number): Promise<MemoryReport> {
  const fake = await forkChild<FakeInfo>('fake', String(guilds));
  try {
    return (await forkChild<MemoryReport>('client', JSON.stringify(fake.message), ['--expose-gc'])).message;
  } finally {
    fake.kill();
  }
}

const mib = (bytes: number) => (bytes / 1048576).toFixed(2);

async function memoryFigures(): Promise<void> {
  const empty = await measure(0);
  const full = await measure(opts.guilds);
  const per = (k: 'heapUsed' | 'rss' | 'external') => (full[k] - empty[k]) / opts.guilds;
  console.log(
    `\nMemory (module + discord.js cache), ${opts.guilds} guilds × ${opts.channels} channels × ${opts.members} members`,
  );
  console.log(`  cached: ${full.guilds} guilds, ${full.channels} channels, ${full.members} members`);
  console.log(`  no guild:  heap ${mib(empty.heapUsed)} MiB, rss ${mib(empty.rss)} MiB`);
  console.log(`  ${opts.guilds} guilds: heap ${mib(full.heapUsed)} MiB, rss ${mib(full.rss)} MiB`);
  console.log(
    `  per guild: heap ${mib(per('heapUsed'))} MiB, rss ${mib(per('rss'))} MiB, external ${mib(per('external'))} MiB`,
  );
}

async function latencyFigures(): Promise<void> {
  const fake = new FakeDiscord({ heartbeatIntervalMs: 30_000 });
  await fake.start();
  const spec = guildSpec(0, 10, 50);
  fake.addGuild(spec);
  const guildId = spec.id as string;
  const channelId = spec.channels?.find((c) => c.type === undefined)?.id as string;
  const author = spec.members?.[0]?.id as string;
  const backend = process.env.SWITCHBOARD_TEST_PG_URL ? 'postgres' : 'pglite';
  const h = await startBridgeHarness({
    backend,
    bridges: {
      discord: {
        enabled: true,
        bot_token: fake.token,
        guilds: [guildId],
        api_url: fake.restUrl,
        cdn_url: fake.cdnUrl,
      },
    },
  });
  try {
    const dana = await h.user('dana');
    const room = await dana.join(`#discord_${guildId}_${channelId}:switchboard.test`);
    const said = (text: string) => (e: { type: string; content?: unknown }) =>
      e.type === 'm.room.message' && (e.content as { body?: string }).body === text;
    // Warm-up: the ghost is registered, joined and profiled on its first message.
    fake.userSendsMessage(channelId, author, { content: 'warm-up' });
    await dana.waitForEvent(room, said('warm-up'), 30_000);
    const latencies: number[] = [];
    for (let i = 0; i < opts.messages; i++) {
      const start = nowMs();
      fake.userSendsMessage(channelId, author, { content: `seq ${i}` });
      await dana.waitForEvent(room, said(`seq ${i}`), 30_000);
      latencies.push(nowMs() - start);
    }
    const s = summarize(latencies);
    console.log(
      `\nDiscord → Matrix latency (fake gateway → bridge (${backend}) → Synapse → /sync), ${s.count} sequential messages`,
    );
    console.log(
      `  p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms, mean ${s.mean.toFixed(1)} ms`,
    );
    const start = nowMs();
    for (let i = 0; i < opts.burst; i++) fake.userSendsMessage(channelId, author, { content: `burst ${i}` });
    await dana.waitForEvent(room, said(`burst ${opts.burst - 1}`), 120_000);
    const ms = nowMs() - start;
    console.log(
      `  burst of ${opts.burst}: last arrived after ${ms.toFixed(0)} ms (${((opts.burst * 1000) / ms).toFixed(0)} msg/s)`,
    );
  } finally {
    await h.stop();
    await fake.stop();
  }
}

async function main(): Promise<void> {
  const [mode, payload] = process.argv.slice(2);
  if (mode === 'fake') return fakeChild(Number(payload));
  if (mode === 'client') return clientChild(JSON.parse(payload ?? '{}') as FakeInfo);
  await memoryFigures();
  if (!process.argv.includes('--skip-latency')) await latencyFigures();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
