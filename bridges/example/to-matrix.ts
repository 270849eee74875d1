import { BridgeError, escapeHtml } from '../../src/sdk';
import type { LoginRecord, RemoteChatInfo, RemotePart } from '../../src/sdk';
import type { FakeClient } from './client';
import type { ExampleContext } from './config';
import { contactOf, LOBBY } from './ids';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
/** Downloads the network's only file, a 1×1 PNG: every avatar, and the picture sent on `image`. */
export const pixel = async () => ({ data: Buffer.from(PNG, 'base64'), mimetype: 'image/png' });

/**
 * Facts about a chat, which the core asks for when it creates the portal (`getChatInfo`), so
 * events need not carry them either. A chat that does not exist is `not_found`.
 */
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

/** Turns what the network tells `login`'s client into remote events: who did it, in which chat. */
export function toMatrix(ctx: ExampleContext, login: LoginRecord): FakeClient['onEvent'] {
  return async (chat, from, event) => {
    if (event.type === 'user_info') return ctx.emit(event); // a rename applies everywhere, not in one chat
    const sender = { id: from, isFromMe: from === login.remoteId };
    const full = { chat: { id: chat, receiver: chat === LOBBY ? '' : login.id }, sender, ...event };
    await ctx.emit('parts' in full ? { ...full, parts: full.parts.map(render) } : full);
  };
}
