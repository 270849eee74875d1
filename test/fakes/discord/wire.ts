/**
 * Turns state records into the JSON Discord puts on the wire (REST bodies and gateway `d`), typed
 * against discord-api-types so a missing field is a compile error rather than a discord.js crash.
 */
import {
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  ThreadAutoArchiveDuration,
  WebhookType,
  type APIDMChannel,
  type APIGuild,
  type APIGuildChannel,
  type APIGuildMember,
  type APIGuildMemberNoUser,
  type APIMessage,
  type APIReaction,
  type APIThreadMetadata,
  type APIWebhook,
  type GatewayGuildCreateDispatchData,
  type GatewayMessageCreateDispatchData,
  type GuildChannelType,
  type TextChannelType,
} from 'discord.js';
import { noFlags } from './util';
import { isThread, type FakeState } from './state';
import type { StoredChannel, StoredGuild, StoredMessage, StoredWebhook } from './types';

export interface WireGuildChannel extends APIGuildChannel<GuildChannelType> {
  position: number;
  topic?: string | null;
  last_message_id?: string | null;
  rate_limit_per_user?: number;
  thread_metadata?: APIThreadMetadata;
  owner_id?: string;
  message_count?: number;
  member_count?: number;
}

export type WireChannel = WireGuildChannel | APIDMChannel;

/** GUILD_CREATE with our channel shape (discord-api-types wants the full APIChannel union there). */
export type WireGuildCreate = Omit<GatewayGuildCreateDispatchData, 'channels' | 'threads'> & {
  channels: WireGuildChannel[];
  threads: WireGuildChannel[];
};

export function channelToWire(state: FakeState, channel: StoredChannel): WireChannel {
  const { type } = channel;
  if (type === ChannelType.DM || type === ChannelType.GroupDM) {
    return {
      id: channel.id,
      type: ChannelType.DM,
      name: null,
      last_message_id: channel.lastMessageId,
      recipients: channel.recipientId ? [state.user(channel.recipientId)] : [],
      flags: noFlags(),
    };
  }
  const wire: WireGuildChannel = {
    id: channel.id,
    type,
    guild_id: channel.guildId ?? undefined,
    name: channel.name ?? '',
    position: channel.position,
    parent_id: channel.parentId,
    permission_overwrites: [],
    nsfw: false,
    flags: noFlags(),
  };
  if (isThread(channel)) {
    const messageCount = state.messages.get(channel.id)?.size ?? 0;
    return {
      ...wire,
      last_message_id: channel.lastMessageId,
      rate_limit_per_user: 0,
      owner_id: channel.ownerId ?? state.bot.id,
      message_count: messageCount,
      member_count: 1,
      thread_metadata: {
        archived: false,
        auto_archive_duration: ThreadAutoArchiveDuration.OneDay,
        archive_timestamp: channel.createdAt,
        locked: false,
        create_timestamp: channel.createdAt,
      },
    };
  }
  if (type === ChannelType.GuildCategory) return wire;
  return { ...wire, topic: channel.topic, last_message_id: channel.lastMessageId, rate_limit_per_user: 0 };
}

export function memberNoUserToWire(guild: StoredGuild, userId: string): APIGuildMemberNoUser | undefined {
  const member = guild.members.get(userId);
  if (!member) return undefined;
  return {
    nick: member.nick,
    avatar: null,
    // The @everyone role is implicit and never listed in a member's roles.
    roles: member.roles,
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: noFlags(),
    pending: false,
    communication_disabled_until: null,
  };
}

export function memberToWire(
  state: FakeState,
  guild: StoredGuild,
  userId: string,
): APIGuildMember | undefined {
  const member = memberNoUserToWire(guild, userId);
  return member && { ...member, user: state.user(userId) };
}

export function guildToWire(guild: StoredGuild): APIGuild {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: [...guild.roles.values()],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: Locale.EnglishUS,
    nsfw_level: GuildNSFWLevel.Default,
    hub_type: null,
    incidents_data: null,
  };
}

/** The GUILD_CREATE `d` a bot receives after READY (or on joining): guild plus channels, threads and members. */
export function guildCreateToWire(state: FakeState, guild: StoredGuild): WireGuildCreate {
  const channels = guild.channelIds.map((id) => state.channel(id));
  const toWire = (channel: StoredChannel): WireGuildChannel =>
    channelToWire(state, channel) as WireGuildChannel;
  return {
    ...guildToWire(guild),
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members: [...guild.members.keys()].flatMap((id) => memberToWire(state, guild, id) ?? []),
    channels: channels.filter((c) => !isThread(c)).map(toWire),
    threads: channels.filter(isThread).map(toWire),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** The REST shape of a message: reactions rebuilt from the per-user sets, omitted when there are none. */
export function messageToWire(state: FakeState, stored: StoredMessage): APIMessage {
  const reactions: APIReaction[] = [...stored.reactions.values()]
    .filter((r) => r.userIds.size > 0)
    .map((r) => ({
      emoji: r.emoji,
      count: r.userIds.size,
      count_details: { burst: 0, normal: r.userIds.size },
      me: r.userIds.has(state.bot.id),
      me_burst: false,
      burst_colors: [],
    }));
  const { reactions: _omit, ...message } = stored.message;
  return reactions.length > 0 ? { ...message, reactions } : message;
}

/**
 * MESSAGE_CREATE / MESSAGE_UPDATE `d`: the message plus `channel_type`, guild_id, the author's
 * `member` (absent for webhook messages, which have no member) and `mentions[].member`. discord.js
 * needs `channel_type` to build an uncached DM channel (with Partials.Channel); without it a DM's
 * MESSAGE_CREATE is silently dropped.
 * https://discord.com/developers/docs/topics/gateway-events#message-create-message-create-extra-fields
 */
export function messageEventToWire(
  state: FakeState,
  stored: StoredMessage,
): GatewayMessageCreateDispatchData {
  const message = messageToWire(state, stored);
  const channelType = state.channel(message.channel_id).type as TextChannelType;
  const guild = stored.guildId ? state.guild(stored.guildId) : undefined;
  if (!guild) return { ...message, channel_type: channelType };
  const member = message.webhook_id ? undefined : memberNoUserToWire(guild, message.author.id);
  return {
    ...message,
    channel_type: channelType,
    guild_id: guild.id,
    ...(member ? { member } : {}),
    mentions: message.mentions.map((user) => {
      const mentioned = memberNoUserToWire(guild, user.id);
      return mentioned ? { ...user, member: mentioned } : user;
    }),
  };
}

export function webhookToWire(webhook: StoredWebhook, restUrl: string): APIWebhook {
  return {
    id: webhook.id,
    type: WebhookType.Incoming,
    guild_id: webhook.guildId,
    channel_id: webhook.channelId,
    user: webhook.creator,
    name: webhook.name,
    avatar: webhook.avatar,
    token: webhook.token,
    application_id: null,
    url: `${restUrl}/webhooks/${webhook.id}/${webhook.token}`,
  };
}
