/** Shared set-up of the Discord e2e tests: a fake Discord guild, the bridge on a real Synapse. */
import { ChannelType } from 'discord.js';
import type { DiscordBot } from '../../../bridges/discord/client';
import { FakeDiscord, type FakeDiscordOptions, type RecordedRequest } from '../../fakes/discord';
import { matrixJson } from '../../harness/matrix-http';
import type { MatrixEvent, TestMatrixClient } from '../../harness/matrix-test-client';
import { startBridgeHarness, type BridgeHarness } from '../../support/bridge-harness';
import { eventually as until } from '../../support/eventually';

export const GUILD = '1200000000000000001';
export const CATEGORY = '1200000000000000002';
export const OTHER_CATEGORY = '1200000000000000003';
export const GENERAL = '1200000000000000010';
export const RANDOM = '1200000000000000011';
export const ALICE = '1200000000000000100';
export const BOB = '1200000000000000101';
export const CAROL = '1200000000000000102';
export const MODS = '1200000000000000200';
export const DOMAIN = 'switchboard.test';

export const ghost = (id: string): string => `@discord_${id}:${DOMAIN}`;
export const alias = (channel: string): string => `#discord_${GUILD}_${channel}:${DOMAIN}`;

export function guildSpec() {
  return {
    id: GUILD,
    name: 'Test Guild',
    roles: [{ id: MODS, name: 'Mods', mentionable: true }],
    channels: [
      { id: CATEGORY, name: 'Text', type: ChannelType.GuildCategory },
      { id: OTHER_CATEGORY, name: 'Archive', type: ChannelType.GuildCategory },
      { id: GENERAL, name: 'general', topic: 'chat here', parent_id: CATEGORY },
      { id: RANDOM, name: 'random' },
    ],
    members: [
      { id: ALICE, username: 'alice', global_name: 'Alice', nick: 'Ally', avatar: 'a1b2c3' },
      { id: BOB, username: 'bob', global_name: 'Bob' },
    ],
  };
}

export interface DiscordTestBed {
  h: BridgeHarness;
  fake: FakeDiscord;
  stop(): Promise<void>;
}

/** A fake Discord with the test guild, and the bridge connected to it. */
export async function startDiscordBed(
  o: {
    fake?: FakeDiscordOptions;
    config?: Record<string, unknown>;
    extraConfig?: Record<string, unknown>;
  } = {},
): Promise<DiscordTestBed> {
  const fake = new FakeDiscord({ heartbeatIntervalMs: 500, ...o.fake });
  await fake.start();
  fake.addGuild(guildSpec());
  const h = await startBridgeHarness({
    bridges: {
      discord: {
        enabled: true,
        bot_token: fake.token,
        guilds: [GUILD],
        api_url: fake.restUrl,
        cdn_url: fake.cdnUrl,
        ...o.config,
      },
    },
    extraConfig: { media: { public_url: 'http://127.0.0.1:9' }, ...o.extraConfig },
  });
  return {
    h,
    fake,
    async stop() {
      await h.stop();
      await fake.stop();
    },
  };
}

/** The module's bot, reached through the running bridge (tests wait on its connection state). */
export function botOf(h: BridgeHarness): DiscordBot {
  const connector = h.bridge.networks.get('discord')?.connector as unknown as { bot?: DiscordBot };
  if (!connector.bot) throw new Error('discord connector does not expose its bot');
  return connector.bot;
}

export { until };

/** The next request to Discord matching `filter` after `since` (an index into fake.requests). */
export function requestAfter(fake: FakeDiscord, since: number, filter: (r: RecordedRequest) => boolean) {
  return until(
    () => fake.requests.slice(since).find((r) => r.status !== 0 && filter(r)),
    'a Discord request',
  );
}

export const isWebhookExec = (r: RecordedRequest) =>
  r.method === 'POST' && /^\/webhooks\/\d+\/[\w-]+$/.test(r.path);

export async function setProfile(
  client: TestMatrixClient,
  field: 'displayname' | 'avatar_url',
  value: string,
) {
  const path = `/_matrix/client/v3/profile/${encodeURIComponent(client.userId)}/${field}`;
  await matrixJson(client.baseUrl, 'PUT', path, {
    json: { [field]: value },
    accessToken: client.session.accessToken,
  });
}

export async function setTyping(client: TestMatrixClient, roomId: string) {
  const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/typing/${encodeURIComponent(client.userId)}`;
  await matrixJson(client.baseUrl, 'PUT', path, {
    json: { typing: true, timeout: 5000 },
    accessToken: client.session.accessToken,
  });
}

export const content = (e: MatrixEvent) => e.content as Record<string, unknown>;

export { memoryKv } from '../../support/memory-kv';
