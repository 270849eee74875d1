/**
 * The Discord module: a bot (discord.js v14) bridges the guild channels it may see; Matrix users
 * speak through per-channel webhooks with their own name and avatar. See README.md.
 */
import {
  BridgeError,
  type BridgeModule,
  type NetworkCapabilities,
  type NetworkConnector,
} from '../../src/sdk';
import { DiscordBot } from './client';
import { configSchema, mediaHosts, sampleConfig, type DiscordConfig } from './config';
import { DmRouter } from './dm';
import { DiscordSession, type ModuleParts } from './from-matrix';
import { GatewayEvents } from './gateway-events';
import { Guilds } from './guilds';
import { BotConnection } from './login';
import { fetchMedia, isMediaRef } from './media';
import { MAX_UPLOAD_BYTES } from './outgoing';
import { ReactionCounts } from './reactions';
import { ToMatrixContent } from './to-matrix';
import { WebhookPool } from './webhooks';

const capabilities: NetworkCapabilities = {
  formatting: 'markdown',
  maxTextLength: 2000,
  maxFileSize: MAX_UPLOAD_BYTES,
  media: ['image', 'video', 'audio', 'file', 'sticker', 'location'],
  edits: true,
  reactions: true,
  redactions: true,
  replies: true,
  threads: true,
  typing: true,
  readReceipts: false,
};

export default {
  manifest: { id: 'discord', displayName: 'Discord', sdkVersion: '^1.0.0', capabilities },
  configSchema,
  sampleConfig,
  create(ctx) {
    const bot = new DiscordBot(ctx);
    const guilds = new Guilds(bot);
    const webhooks = new WebhookPool(bot);
    const dms = new DmRouter(bot);
    const content = new ToMatrixContent(bot);
    const events = new GatewayEvents(bot, guilds, webhooks, dms);
    const connection = new BotConnection(bot, (client) => events.attach(client));
    const parts: ModuleParts = {
      bot,
      webhooks,
      dms,
      guilds,
      reactions: new ReactionCounts(ctx.kv),
      userInfo: async (id) => content.userInfo(await bot.ready().users.fetch(id)),
    };
    const hosts = mediaHosts(ctx.config);
    const connector: NetworkConnector & { readonly bot: DiscordBot } = {
      /** The bot connection, for diagnostics and tests. */
      bot,
      start: () => connection.start(),
      stop: () => connection.stop(),
      // No per-user login: everyone speaks through the one bot; a DM portal only through its owner.
      sessionFor: async (user, portal) =>
        portal?.chat.receiver && portal.chat.receiver !== user.userId
          ? null
          : new DiscordSession(parts, user),
      resolveAlias: (localpart) => guilds.resolveAlias(localpart),
      fetchHistory: (chat) => events.history(chat, ctx.config.backfill_messages),
      async loadMedia(ref) {
        if (!isMediaRef(ref)) throw new BridgeError('not_found', 'unknown Discord media reference');
        return fetchMedia(ref, hosts);
      },
    };
    return connector;
  },
} satisfies BridgeModule<DiscordConfig>;
