/**
 * The bot's discord.js client: options (intents, partials, cache limits), the connection state
 * that every send checks, and access helpers. discord.js does the protocol work the bridge
 * relies on: gateway heartbeats, RESUME after a dropped connection, and REST 429 queuing.
 */
import {
  ChannelType,
  Client,
  GatewayIntentBits as I,
  Options,
  Partials,
  type Channel,
  type Guild,
  type GuildBasedChannel,
} from 'discord.js';
import { BridgeError, type BridgeStateKind } from '../../src/sdk';
import type { DiscordContext } from './config';
import { isSpaceChat } from './ids';

/** Message Content and Server Members are privileged: they must be enabled in the Developer Portal. */
export const INTENTS = [
  I.Guilds,
  I.GuildMembers,
  I.GuildMessages,
  I.GuildMessageReactions,
  I.GuildMessageTyping,
  I.GuildExpressions,
  I.DirectMessages,
  I.DirectMessageReactions,
  I.DirectMessageTyping,
  I.MessageContent,
];

/** Channel types that become portals: text, announcements and threads (forums only through their threads). */
const BRIDGED_TYPES: ReadonlySet<ChannelType> = new Set([
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
  ChannelType.AnnouncementThread,
]);

export function makeClient(ctx: DiscordContext): Client {
  const { api_url: api, cdn_url: cdn } = ctx.config;
  return new Client({
    intents: INTENTS,
    // Partials: events for messages, reactions and DM channels the cache does not hold (after a restart).
    partials: [Partials.Channel, Partials.Message, Partials.Reaction, Partials.User, Partials.GuildMember],
    rest: { ...(api ? { api } : {}), ...(cdn ? { cdn } : {}), timeout: 15_000 },
    // Members stay cached (names, mentions, nicknames); messages only recently, for edit comparison.
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 50,
      PresenceManager: 0,
      GuildInviteManager: 0,
      GuildScheduledEventManager: 0,
      StageInstanceManager: 0,
      VoiceStateManager: 0,
    }),
    sweepers: { ...Options.DefaultSweeperSettings, messages: { interval: 1800, lifetime: 1800 } },
    // Belt and braces: every send also sets allowed_mentions itself.
    allowedMentions: { parse: [] },
    failIfNotExists: false,
    waitGuildTimeout: 5_000,
  });
}

/** Where the bot connection stands; sends fail with `problem` while it is not connected. */
export interface ConnectionState {
  readonly kind: BridgeStateKind;
  readonly problem?: string;
}

/** The live client plus the checks every use of it needs. */
export class DiscordBot {
  client: Client | null = null;
  state: ConnectionState = { kind: 'connecting', problem: 'the bridge is still connecting to Discord' };
  /** Messages we deleted for a Matrix redaction: their MESSAGE_DELETE is our echo. */
  readonly ownDeletes = new Set<string>();

  /** Notes a deletion we are about to make (bounded: an echo that never comes must not leak). */
  deleting(messageId: string): void {
    if (this.ownDeletes.size > 10_000) this.ownDeletes.clear();
    this.ownDeletes.add(messageId);
  }

  constructor(readonly ctx: DiscordContext) {}

  /** The ready client, or a BridgeError that tells the Matrix user why Discord is unreachable. */
  ready(): Client<true> {
    const c = this.client;
    if (!c?.isReady() || this.state.kind !== 'connected') {
      const code = this.state.kind === 'bad_credentials' ? 'bad_credentials' : 'remote_unreachable';
      throw new BridgeError(code, this.state.problem ?? 'Discord is not connected');
    }
    return c;
  }

  get selfId(): string | undefined {
    return this.client?.user?.id;
  }

  guildAllowed(guildId: string | null | undefined): boolean {
    if (!guildId) return false;
    const allowed = this.ctx.config.guilds;
    return allowed.includes('*') || allowed.includes(guildId);
  }

  /** A bridged guild channel or thread by id, or a BridgeError saying why it cannot be used. */
  async guildChannel(channelId: string): Promise<GuildBasedChannel> {
    if (isSpaceChat(channelId)) {
      throw new BridgeError('not_supported', 'this is a Discord server space; talk in one of its rooms');
    }
    const channel = await this.ready()
      .channels.fetch(channelId)
      .catch(() => null);
    if (!channel || !isBridgeable(channel) || !this.guildAllowed(channel.guildId)) {
      throw new BridgeError('not_found', 'this Discord channel is gone or no longer bridged');
    }
    return channel;
  }

  guild(guildId: string): Guild | undefined {
    return this.client?.guilds.cache.get(guildId);
  }
}

export function isBridgeable(channel: Channel): channel is GuildBasedChannel {
  return !channel.isDMBased() && BRIDGED_TYPES.has(channel.type);
}
