/**
 * The Discord module through the conformance kit, against the fake Discord (the real discord.js
 * client on a fake REST API and gateway). Discord is bot-style: there is no per-user login, the
 * kit user opens a guild channel through its alias, Discord users speak through the fake, and
 * what reached Discord is read back from the fake's request log (webhook executions, message
 * PATCH/DELETE, the bot's reactions). The bridge's README shows the table this run proves.
 */
import path from 'node:path';
import discordModule from '../../../bridges/discord';
import {
  describeConformance,
  type ConformanceDriver,
  type KitChat,
  type RemoteAction,
} from '../../../src/testing';
import { FakeDiscord, type RecordedRequest } from '../../fakes/discord';
import { ALICE, BOB, GENERAL, GUILD, guildSpec } from './helpers';

let fake: FakeDiscord | undefined;
const discord = (): FakeDiscord => {
  if (!fake) throw new Error('the fake Discord is not running');
  return fake;
};

// Declared before the kit's suite, so the fake runs before the kit reads the driver's config.
beforeAll(async () => {
  fake = new FakeDiscord({ heartbeatIntervalMs: 500 });
  await fake.start();
  fake.addGuild(guildSpec());
});
afterAll(async () => {
  await fake?.stop();
});

const ok = (r: RecordedRequest) => r.status >= 200 && r.status < 300;
/** Webhook id → channel, kept so requests of a webhook deleted since still find their channel. */
const webhookChannels = new Map<string, string>();
function webhookChannel(id: string): string | null {
  if (!webhookChannels.has(id))
    for (const w of discord().getWebhooks()) if (w.channel_id) webhookChannels.set(w.id, w.channel_id);
  return webhookChannels.get(id) ?? null;
}
const responseOf = (r: RecordedRequest) => (r.response ?? {}) as { id?: string; channel_id?: string };

/**
 * One REST request the bridge made to Discord, as a `RemoteAction` in `channel`: a webhook
 * execution or bot message (with the id Discord answered), an edit or deletion of a message
 * (through its webhook or as the bot), or the bot's own reaction and its removal.
 */
function toAction(r: RecordedRequest, channel: string): RemoteAction | null {
  if (!ok(r)) return null;
  const body = (r.body ?? {}) as { content?: unknown };
  const text = typeof body.content === 'string' ? body.content : '';
  const hook = /^\/webhooks\/(\d+)\/[\w-]+(?:\/messages\/(\d+))?$/.exec(r.path);
  const bot = /^\/channels\/(\d+)\/messages(?:\/(\d+))?$/.exec(r.path);
  const reaction = /^\/channels\/(\d+)\/messages\/(\d+)\/reactions\/([^/]+)\/@me$/.exec(r.path);
  if (r.method === 'POST' && r.path === `/channels/${channel}/typing`)
    return { kind: 'typing', typing: true };
  if (reaction) {
    const [, ch, targetId = '', emoji = ''] = reaction;
    if (ch !== channel) return null;
    const key = decodeURIComponent(emoji);
    if (r.method === 'PUT') return { kind: 'reaction', targetId, key };
    if (r.method === 'DELETE') return { kind: 'reaction_remove', targetId, key };
    return null;
  }
  const where = hook ? (r.query.thread_id ?? webhookChannel(hook[1] ?? '')) : bot?.[1];
  if (where !== channel) return null;
  const targetId = hook?.[2] ?? bot?.[2];
  if (r.method === 'POST' && !targetId) {
    const id = responseOf(r).id;
    return id ? { kind: 'message', id, text } : null;
  }
  if (r.method === 'PATCH' && targetId) return { kind: 'edit', targetId, text };
  if (r.method === 'DELETE' && targetId) return { kind: 'redaction', targetId };
  return null;
}

const channelOf = (chat: KitChat) => chat.chat.id;

const discordDriver: ConformanceDriver = {
  // A getter: the fake's port is known only once it runs (the kit reads this in its beforeAll).
  get config() {
    return {
      bot_token: discord().token,
      guilds: [GUILD],
      api_url: discord().restUrl,
      cdn_url: discord().cdnUrl,
    };
  },
  // No per-user login: the kit user joins #discord_<guild>_<channel>, which creates the portal.
  openChat: { alias: `${GUILD}_${GENERAL}` },
  remoteSays: async (chat, text) => ({
    id: discord().userSendsMessage(channelOf(chat), ALICE, { content: text }).id,
    sender: ALICE,
  }),
  // Matrix replies go out as webhook messages, which Discord cannot make replies (the module
  // quotes the message instead), so only typing is reported beyond the basics.
  observes: ['typing'],
  remoteReplies: async (chat, targetId, text) => ({
    id: discord().userSendsMessage(channelOf(chat), ALICE, {
      content: text,
      message_reference: { message_id: targetId },
    }).id,
    sender: ALICE,
  }),
  remoteEdits: async (chat, target, text) =>
    void discord().userEditsMessage(channelOf(chat), target.id, text),
  remoteRedacts: async (chat, target) => discord().userDeletesMessage(channelOf(chat), target.id),
  remoteReacts: async (chat, targetId, key) => discord().userReacts(channelOf(chat), targetId, BOB, key),
  /**
   * Discord hands a webhook's message back as MESSAGE_CREATE (with `webhook_id`) by itself, and
   * the fake does so when the webhook is executed: make sure that echo really went out, so the
   * kit's check is not vacuous.
   */
  async remoteEchoes(chat, sent) {
    const echoed = discord().getMessage(channelOf(chat), sent.id);
    if (!echoed?.webhook_id) throw new Error(`Discord has no webhook message ${sent.id} to echo`);
  },
  remoteReceived: (chat) =>
    discord()
      .requests.map((r) => toAction(r, channelOf(chat)))
      .filter((a): a is RemoteAction => a !== null),
};

describeConformance({
  module: discordModule,
  driver: discordDriver,
  readme: path.join(__dirname, '../../../bridges/discord/README.md'),
});
