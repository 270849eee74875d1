/** Everything the fake Discord knows: users, guilds, channels, messages, webhooks and uploaded files. */
import { ChannelType, PermissionFlagsBits, type APIRole, type APIUser } from 'discord.js';
import { unknown } from './errors';
import { SnowflakeGenerator } from './snowflake';
import { noFlags } from './util';
import type {
  ChannelSpec,
  GuildSpec,
  MemberSpec,
  RoleSpec,
  StoredBlob,
  StoredChannel,
  StoredGuild,
  StoredMessage,
  StoredWebhook,
  UserSpec,
} from './types';

const THREAD_TYPES: ReadonlySet<ChannelType> = new Set([
  ChannelType.AnnouncementThread,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
]);

export const isThread = (channel: StoredChannel): boolean => THREAD_TYPES.has(channel.type);

/** What a fresh guild's @everyone may do; the bot additionally gets a managed Administrator role. */
const EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.EmbedLinks;

export class FakeState {
  readonly ids = new SnowflakeGenerator();
  readonly users = new Map<string, APIUser>();
  readonly guilds = new Map<string, StoredGuild>();
  readonly channels = new Map<string, StoredChannel>();
  /** Per channel, in creation order (Map keeps insertion order). */
  readonly messages = new Map<string, Map<string, StoredMessage>>();
  readonly webhooks = new Map<string, StoredWebhook>();
  /** CDN objects keyed by their URL path, e.g. `/attachments/<channel>/<attachment>/<filename>`. */
  readonly blobs = new Map<string, StoredBlob>();
  readonly bot: APIUser;

  constructor(bot: { id?: string; username?: string }) {
    this.bot = this.upsertUser({ id: bot.id, username: bot.username ?? 'Switchboard', bot: true });
  }

  upsertUser(spec: UserSpec): APIUser {
    const id = spec.id ?? this.ids.next();
    const user: APIUser = {
      id,
      username: spec.username,
      // Discord retired discriminators: migrated accounts report "0".
      discriminator: '0',
      global_name: spec.global_name ?? null,
      avatar: spec.avatar ?? null,
      ...(spec.bot ? { bot: true } : {}),
    };
    this.users.set(id, user);
    return user;
  }

  user(id: string): APIUser {
    const user = this.users.get(id);
    if (!user) throw unknown('User');
    return user;
  }

  addGuild(spec: GuildSpec): StoredGuild {
    const id = spec.id ?? this.ids.next();
    const guild: StoredGuild = {
      id,
      name: spec.name,
      ownerId: spec.ownerId ?? spec.members?.[0]?.id ?? this.bot.id,
      joinedAt: new Date().toISOString(),
      roles: new Map(),
      members: new Map(),
      channelIds: [],
    };
    this.guilds.set(id, guild);
    // Every guild has an @everyone role whose id is the guild id.
    this.addRole(guild, { id, name: '@everyone', permissions: EVERYONE_PERMISSIONS.toString() });
    for (const role of spec.roles ?? []) this.addRole(guild, role);
    const botRole = this.addRole(guild, {
      name: this.bot.username,
      permissions: PermissionFlagsBits.Administrator.toString(),
    });
    botRole.managed = true;
    botRole.tags = { bot_id: this.bot.id };
    guild.members.set(this.bot.id, {
      userId: this.bot.id,
      nick: null,
      roles: [botRole.id],
      joinedAt: guild.joinedAt,
    });
    for (const member of spec.members ?? []) this.addMember(guild.id, member);
    for (const channel of spec.channels ?? []) this.addChannel(guild.id, channel);
    return guild;
  }

  guild(id: string): StoredGuild {
    const guild = this.guilds.get(id);
    if (!guild) throw unknown('Guild');
    return guild;
  }

  private addRole(guild: StoredGuild, spec: RoleSpec): APIRole {
    const color = spec.color ?? 0;
    const role: APIRole = {
      id: spec.id ?? this.ids.next(),
      name: spec.name,
      color,
      colors: { primary_color: color, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: guild.roles.size,
      permissions: spec.permissions ?? '0',
      managed: false,
      mentionable: spec.mentionable ?? false,
      flags: noFlags(),
    };
    guild.roles.set(role.id, role);
    return role;
  }

  addMember(guildId: string, spec: MemberSpec): { guild: StoredGuild; user: APIUser } {
    const guild = this.guild(guildId);
    const user = this.upsertUser(spec);
    guild.members.set(user.id, {
      userId: user.id,
      nick: spec.nick ?? null,
      roles: spec.roles ?? [],
      joinedAt: new Date().toISOString(),
    });
    return { guild, user };
  }

  addChannel(guildId: string, spec: ChannelSpec & { ownerId?: string }): StoredChannel {
    const guild = this.guild(guildId);
    const channel: StoredChannel = {
      id: spec.id ?? this.ids.next(),
      type: spec.type ?? ChannelType.GuildText,
      name: spec.name,
      guildId,
      topic: spec.topic ?? null,
      parentId: spec.parent_id ?? null,
      position: spec.position ?? guild.channelIds.length,
      lastMessageId: null,
      recipientId: null,
      ownerId: spec.ownerId ?? null,
      createdAt: new Date().toISOString(),
    };
    if (isThread(channel) && !channel.parentId) throw new Error(`thread ${channel.id} needs a parent_id`);
    if (isThread(channel)) channel.ownerId ??= this.bot.id;
    this.channels.set(channel.id, channel);
    guild.channelIds.push(channel.id);
    return channel;
  }

  channel(id: string): StoredChannel {
    const channel = this.channels.get(id);
    if (!channel) throw unknown('Channel');
    return channel;
  }

  /** The bot's DM channel with a user; Discord returns the same channel on every "open DM". */
  dmChannel(userId: string): StoredChannel {
    this.user(userId);
    for (const channel of this.channels.values()) {
      if (channel.type === ChannelType.DM && channel.recipientId === userId) return channel;
    }
    const channel: StoredChannel = {
      id: this.ids.next(),
      type: ChannelType.DM,
      name: null,
      guildId: null,
      topic: null,
      parentId: null,
      position: 0,
      lastMessageId: null,
      recipientId: userId,
      ownerId: null,
      createdAt: new Date().toISOString(),
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  channelMessages(channelId: string): Map<string, StoredMessage> {
    let messages = this.messages.get(channelId);
    if (!messages) {
      messages = new Map();
      this.messages.set(channelId, messages);
    }
    return messages;
  }

  message(channelId: string, messageId: string): StoredMessage {
    const stored = this.messages.get(channelId)?.get(messageId);
    if (!stored) throw unknown('Message');
    return stored;
  }

  storeMessage(stored: StoredMessage): void {
    this.channelMessages(stored.message.channel_id).set(stored.message.id, stored);
    this.channel(stored.message.channel_id).lastMessageId = stored.message.id;
  }

  webhook(id: string): StoredWebhook {
    const webhook = this.webhooks.get(id);
    if (!webhook) throw unknown('Webhook');
    return webhook;
  }
}
