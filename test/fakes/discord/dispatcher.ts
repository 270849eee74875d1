/**
 * State changes that Discord mirrors on the gateway. REST handlers and the test API both go through
 * here, so a bot's own send produces the MESSAGE_CREATE echo real Discord sends (webhook sends carry
 * `webhook_id`), and a fake user's action produces exactly the dispatch a real client would cause.
 */
import { GatewayDispatchEvents as E, ReactionType, type APIPartialEmoji } from 'discord.js';
import type { Gateway } from './gateway';
import { isThread, type FakeState } from './state';
import type { StoredChannel, StoredGuild, StoredMessage, StoredWebhook } from './types';
import { channelToWire, guildCreateToWire, memberToWire, messageEventToWire } from './wire';

export const emojiKey = (emoji: APIPartialEmoji): string => emoji.id ?? emoji.name ?? '';

export class Dispatcher {
  constructor(
    private readonly state: FakeState,
    private readonly gateway: Gateway,
  ) {}

  /** GUILD_CREATE to connected sessions, as when the bot is added to a guild. */
  guildCreated(guild: StoredGuild): void {
    this.gateway.dispatch(E.GuildCreate, guildCreateToWire(this.state, guild), guild.id);
  }

  messageCreated(stored: StoredMessage): void {
    this.gateway.dispatchMessage(E.MessageCreate, messageEventToWire(this.state, stored));
  }

  /** Discord now sends the full message in MESSAGE_UPDATE, not a partial diff. */
  messageUpdated(stored: StoredMessage): void {
    this.gateway.dispatchMessage(E.MessageUpdate, messageEventToWire(this.state, stored));
  }

  messageDeleted(stored: StoredMessage): void {
    const { id, channel_id } = stored.message;
    this.state.messages.get(channel_id)?.delete(id);
    this.gateway.dispatch(
      E.MessageDelete,
      { id, channel_id, ...(stored.guildId ? { guild_id: stored.guildId } : {}) },
      stored.guildId,
    );
  }

  /** Adds a reaction; like Discord, reacting twice with the same emoji is a silent no-op. */
  reactionAdded(stored: StoredMessage, userId: string, emoji: APIPartialEmoji): void {
    const key = emojiKey(emoji);
    const reaction = stored.reactions.get(key) ?? { emoji, userIds: new Set<string>() };
    stored.reactions.set(key, reaction);
    if (reaction.userIds.has(userId)) return;
    reaction.userIds.add(userId);
    const guild = stored.guildId ? this.state.guild(stored.guildId) : undefined;
    const member = guild && memberToWire(this.state, guild, userId);
    this.gateway.dispatch(
      E.MessageReactionAdd,
      {
        user_id: userId,
        channel_id: stored.message.channel_id,
        message_id: stored.message.id,
        ...(guild ? { guild_id: guild.id } : {}),
        ...(member ? { member } : {}),
        emoji,
        message_author_id: stored.message.author.id,
        burst: false,
        burst_colors: [],
        type: ReactionType.Normal,
      },
      stored.guildId,
    );
  }

  reactionRemoved(stored: StoredMessage, userId: string, emoji: APIPartialEmoji): void {
    const reaction = stored.reactions.get(emojiKey(emoji));
    if (!reaction?.userIds.delete(userId)) return;
    this.gateway.dispatch(
      E.MessageReactionRemove,
      {
        user_id: userId,
        channel_id: stored.message.channel_id,
        message_id: stored.message.id,
        ...(stored.guildId ? { guild_id: stored.guildId } : {}),
        emoji: reaction.emoji,
        burst: false,
        type: ReactionType.Normal,
      },
      stored.guildId,
    );
  }

  typing(channel: StoredChannel, userId: string): void {
    const guild = channel.guildId ? this.state.guild(channel.guildId) : undefined;
    const member = guild && memberToWire(this.state, guild, userId);
    this.gateway.dispatch(
      E.TypingStart,
      {
        channel_id: channel.id,
        ...(guild ? { guild_id: guild.id } : {}),
        user_id: userId,
        timestamp: Math.floor(Date.now() / 1000),
        ...(member ? { member } : {}),
      },
      channel.guildId,
    );
  }

  /** CHANNEL_CREATE, or THREAD_CREATE with `newly_created` for threads. */
  channelCreated(channel: StoredChannel): void {
    const wire = channelToWire(this.state, channel);
    if (isThread(channel))
      this.gateway.dispatch(E.ThreadCreate, { ...wire, newly_created: true }, channel.guildId);
    else this.gateway.dispatch(E.ChannelCreate, wire, channel.guildId);
  }

  channelUpdated(channel: StoredChannel): void {
    const event = isThread(channel) ? E.ThreadUpdate : E.ChannelUpdate;
    this.gateway.dispatch(event, channelToWire(this.state, channel), channel.guildId);
  }

  memberAdded(guildId: string, userId: string): void {
    const member = memberToWire(this.state, this.state.guild(guildId), userId);
    if (member) this.gateway.dispatch(E.GuildMemberAdd, { ...member, guild_id: guildId }, guildId);
  }

  memberUpdated(guildId: string, userId: string): void {
    const member = memberToWire(this.state, this.state.guild(guildId), userId);
    if (member) {
      this.gateway.dispatch(
        E.GuildMemberUpdate,
        { ...member, avatar: null, banner: null, guild_id: guildId },
        guildId,
      );
    }
  }

  memberRemoved(guildId: string, userId: string): void {
    const guild = this.state.guild(guildId);
    if (!guild.members.delete(userId)) return;
    this.gateway.dispatch(E.GuildMemberRemove, { guild_id: guildId, user: this.state.user(userId) }, guildId);
  }

  webhooksUpdated(webhook: StoredWebhook): void {
    this.gateway.dispatch(
      E.WebhooksUpdate,
      { guild_id: webhook.guildId, channel_id: webhook.channelId },
      webhook.guildId,
    );
  }
}
