/**
 * Ids of the example network. Chats: `dm:<contact>`, one per login (its portal key has the
 * login as receiver), and `group:lobby`, shared by every login (no receiver). Users: the
 * contact names (`alice`) and the logged-in usernames.
 */

/** The shared group chat. */
export const LOBBY = 'group:lobby';

/** The contact a DM chat id is with, or null (the lobby). */
export const contactOf = (chat: string): string | null => (chat.startsWith('dm:') ? chat.slice(3) : null);

/** A contact's display name: `alice` → `Alice Example`. */
export const displayName = (c: string): string => `${c.charAt(0).toUpperCase()}${c.slice(1)} Example`;
