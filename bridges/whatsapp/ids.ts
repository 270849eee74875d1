/**
 * Ids of the WhatsApp bridge.
 *
 * - Chats are WhatsApp ids (JIDs): `3712345678@c.us` (a DM), `120363…@g.us` (a group),
 *   `status@broadcast`. Every chat is per login: its portal's receiver is the login id.
 * - Users are what ghosts are named after, so they must be short and stable: the phone number
 *   (`3712345678` → `@whatsapp_3712345678`), or `lid-<n>` for members whose number is hidden.
 * - Messages are whatsapp-web.js's serialized ids (`false_3712345678@c.us_3EB0…`), which
 *   `getMessageById` takes back directly to edit, react to or revoke them.
 */
import type { WAId, WAMessage } from './driver';

export const STATUS_CHAT = 'status@broadcast';

export const isGroup = (chat: WAId): boolean => chat.endsWith('@g.us');
export const isUserChat = (chat: WAId): boolean => chat.endsWith('@c.us') || chat.endsWith('@lid');

/** `3712345678@c.us` → `3712345678`; `123@lid` → `lid-123`. */
export function userIdOf(jid: WAId): string {
  const [user = '', server = ''] = jid.split('@');
  if (server === 'c.us' || server === 's.whatsapp.net') return user;
  if (server === 'lid') return `lid-${user}`;
  return jid;
}

/** The inverse of {@link userIdOf}; also accepts a JID as is. Null for anything else. */
export function jidOf(userId: string): WAId | null {
  if (/^\d{5,20}$/.test(userId)) return `${userId}@c.us`;
  const lid = /^lid-(\d{5,30})$/.exec(userId);
  if (lid) return `${lid[1]}@lid`;
  if (/^[\d-]{5,40}@(c\.us|g\.us|lid)$/.test(userId)) return userId;
  return null;
}

/** A phone number as typed (`+371 2345-678`, `(0)…`) → international digits, or null. */
export function phoneDigits(input: string): string | null {
  const digits = input.replace(/[\s()+.-]/g, '');
  return /^\d{6,15}$/.test(digits) ? digits : null;
}

/** The chat a message belongs to (for our own messages `from` is us, so use the id's `remote`). */
export const chatOf = (msg: WAMessage): WAId => msg.id.remote;

/** Who wrote a message: us, the group member, the status poster, or the DM partner. */
export function authorOf(msg: WAMessage, me: WAId): WAId {
  if (msg.fromMe) return me;
  return msg.author ?? msg.from;
}

/** How a user is shown when we know nothing better. */
export function fallbackName(jid: WAId): string {
  const id = userIdOf(jid);
  return /^\d+$/.test(id) ? `+${id}` : id;
}

/** Browser session ids for the driver: letters, digits and `-` only (RemoteAuth's rule). */
export const newSessionId = (random: string): string => `wa-${random}`;

/** Where the driver's RemoteAuth store keeps a session (`RemoteAuth-<sessionId>`, see session-store.ts). */
export const storedSessionName = (sessionId: string): string => `RemoteAuth-${sessionId}`;
