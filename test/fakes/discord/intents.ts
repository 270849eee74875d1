/**
 * Which gateway intent each dispatch needs, and what Discord withholds without the Message Content
 * intent. https://discord.com/developers/docs/events/gateway#list-of-intents
 */
import { GatewayDispatchEvents as E, GatewayIntentBits as I, type APIMessage } from 'discord.js';

export interface PrivilegedIntents {
  messageContent: boolean;
  guildMembers: boolean;
  guildPresences: boolean;
}

/** Privileged intents requested in IDENTIFY that the (pretend) developer portal has not enabled. */
export function disallowedIntents(requested: number, enabled: PrivilegedIntents): number {
  let allowed = 0;
  if (enabled.messageContent) allowed |= I.MessageContent;
  if (enabled.guildMembers) allowed |= I.GuildMembers;
  if (enabled.guildPresences) allowed |= I.GuildPresences;
  const privileged = I.MessageContent | I.GuildMembers | I.GuildPresences;
  return requested & privileged & ~allowed;
}

const GUILD_INTENT: Partial<Record<E, number>> = {
  [E.GuildCreate]: I.Guilds,
  [E.ChannelCreate]: I.Guilds,
  [E.ChannelUpdate]: I.Guilds,
  [E.ThreadCreate]: I.Guilds,
  [E.ThreadUpdate]: I.Guilds,
  [E.GuildMemberAdd]: I.GuildMembers,
  [E.GuildMemberUpdate]: I.GuildMembers,
  [E.GuildMemberRemove]: I.GuildMembers,
  [E.WebhooksUpdate]: I.GuildWebhooks,
  [E.MessageCreate]: I.GuildMessages,
  [E.MessageUpdate]: I.GuildMessages,
  [E.MessageDelete]: I.GuildMessages,
  [E.MessageReactionAdd]: I.GuildMessageReactions,
  [E.MessageReactionRemove]: I.GuildMessageReactions,
  [E.TypingStart]: I.GuildMessageTyping,
};

const DM_INTENT: Partial<Record<E, number>> = {
  [E.MessageCreate]: I.DirectMessages,
  [E.MessageUpdate]: I.DirectMessages,
  [E.MessageDelete]: I.DirectMessages,
  [E.MessageReactionAdd]: I.DirectMessageReactions,
  [E.MessageReactionRemove]: I.DirectMessageReactions,
  [E.TypingStart]: I.DirectMessageTyping,
};

/** The intent bit a session needs to receive `event`; null for READY, RESUMED, GUILD_MEMBERS_CHUNK. */
export function requiredIntent(event: E, inGuild: boolean): number | null {
  return (inGuild ? GUILD_INTENT : DM_INTENT)[event] ?? null;
}

/**
 * Without MESSAGE_CONTENT, guild messages arrive with empty content, embeds, attachments and
 * components — except the bot's own messages and messages that mention it.
 * https://discord.com/developers/docs/events/gateway#message-content-intent
 */
export function withheldContent<T extends APIMessage>(message: T, botId: string): T {
  if (message.author.id === botId || message.mentions.some((user) => user.id === botId)) return message;
  return { ...message, content: '', embeds: [], attachments: [], components: [] };
}
