/**
 * Ids of the Tmplnet network. Keep them stable: a user id becomes a ghost's Matrix id and a chat
 * id becomes a portal key. Chats here are DMs, `dm:<user name>`, one per login.
 */

/** User names the network accepts; `start-chat tmplnet <name>` is checked against it. */
export const USER_NAME = /^[a-z][a-z0-9_]{1,31}$/;

/** The chat id of the DM with `user`. */
export const dmId = (user: string): string => `dm:${user}`;

/** The user a DM chat id is with, or null for chats that are not DMs. */
export const userOf = (chat: string): string | null => (chat.startsWith('dm:') ? chat.slice(3) : null);
