import { BridgeError, escapeHtml } from '../../src/sdk';
import type { LoginRecord, RemoteChatInfo, RemoteEvent, RemotePart, RemoteUserInfo } from '../../src/sdk';
import { nameOf, pixel, type FakeClient } from './client';
import type { ExampleContext } from './config';
import { contactOf, LOBBY } from './ids';

/** A user's profile; the core fetches the avatar only when `avatarKey` changes. */
export async function userInfo(ctx: ExampleContext, id: string): Promise<RemoteUserInfo> {
  return { displayName: await nameOf(ctx.kv, id), avatarKey: 'px', fetchAvatar: pixel };
}

/** Facts about a chat for its portal room; a chat that does not exist is `not_found`. */
export function chatInfo(chat: string, contacts: string[]): RemoteChatInfo {
  const contact = contactOf(chat);
  if (chat === LOBBY) return { kind: 'group', name: 'Lobby', members: contacts.map((id) => ({ id })) };
  if (contact && contacts.includes(contact)) return { kind: 'dm', dmPartner: { id: contact } };
  throw new BridgeError('not_found', `${contact ?? chat} is not on Example`);
}

/** The shared lobby, as `resolveAlias` hands it to the core. */
export const lobby = (contacts: string[]) => ({ chat: { id: LOBBY }, info: chatInfo(LOBBY, contacts) });

/** The network's `**bold**` becomes `<strong>`, after escaping the text. */
function render(part: RemotePart): RemotePart {
  if (part.kind !== 'text' || !part.text.includes('**')) return part;
  const html = escapeHtml(part.text).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');
  return { ...part, text: part.text.replaceAll('**', ''), html };
}

/** Turns what the network tells `login`'s client into remote events: addressed, with profiles. */
export function toMatrix(ctx: ExampleContext, login: LoginRecord): FakeClient['onEvent'] {
  return async (chat, from, event) => {
    if (event.type === 'user_info') return ctx.emit(event); // a rename applies everywhere, not in one chat
    const sender = { id: from, isFromMe: from === login.remoteId, info: await userInfo(ctx, from) };
    const ref = { id: chat, receiver: chat === LOBBY ? '' : login.id };
    const full = { chat: ref, sender, chatInfo: chatInfo(chat, ctx.config.contacts), ...event };
    const remote: RemoteEvent = 'parts' in full ? { ...full, parts: full.parts.map(render) } : full;
    await ctx.emit(remote);
  };
}
