/**
 * Ids of the Discord module.
 * - Guild channels and threads: the channel id (a snowflake); shared portals, no receiver.
 * - DMs: `dm:<Discord user id>` with receiver = the Matrix user id (one DM portal per Matrix user).
 * - Spaces: the core keeps guild and category spaces as portal rows `space:<id>` (never minted here).
 * - Ghosts: the Discord user id; other people's webhooks: `webhook:<webhook id>:<username>`.
 * - Messages: the Discord message id. Alias localpart after the prefix: `<guild id>_<channel id>`.
 */

export const SNOWFLAKE = /^\d{15,21}$/;

export const dmChatId = (discordUserId: string): string => `dm:${discordUserId}`;

/** The Discord user a DM chat id is with, or null. */
export const dmPartnerOf = (chatId: string): string | null =>
  chatId.startsWith('dm:') && SNOWFLAKE.test(chatId.slice(3)) ? chatId.slice(3) : null;

export const isSpaceChat = (chatId: string): boolean => chatId.startsWith('space:');

/** Ids stay stable when a guild or channel is renamed, so they make the alias. */
export const aliasLocalpart = (guildId: string, channelId: string): string => `${guildId}_${channelId}`;

export function parseAliasLocalpart(localpart: string): { guildId: string; channelId: string } | null {
  const m = /^(\d{15,21})_(\d{15,21})$/.exec(localpart);
  return m?.[1] && m[2] ? { guildId: m[1], channelId: m[2] } : null;
}

/** A ghost for messages of webhooks that are not ours (integrations), one per shown name. */
export const webhookGhostId = (webhookId: string, username: string): string =>
  `webhook:${webhookId}:${username.slice(0, 64)}`;

/** A Discord reaction as a Matrix reaction key: unicode as is, custom emoji as `:name:`. */
export const reactionKey = (emoji: { id: string | null; name: string | null }): string =>
  emoji.id ? `:${emoji.name ?? emoji.id}:` : (emoji.name ?? '');

/** A jump link to a Discord message. */
export const messageLink = (guildId: string | null, channelId: string, messageId: string): string =>
  `https://discord.com/channels/${guildId ?? '@me'}/${channelId}/${messageId}`;
