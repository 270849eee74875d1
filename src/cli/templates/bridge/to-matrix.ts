import { BridgeError } from '../../../sdk';
import type { LoginRecord, RemoteChatInfo, RemotePart } from '../../../sdk';
import type { NetworkEvent } from './client';
import type { TmplnetContext } from './config';
import { userOf } from './ids';

/** Escape remote text first, then add your own markup: remote users must not inject HTML. */
export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The network's `*bold*` becomes `<strong>`; the plain `text` stays as the fallback body. */
function textPart(text: string): RemotePart {
  if (!/\*[^*\s][^*]*\*/.test(text)) return { kind: 'text', text };
  return { kind: 'text', text, html: escapeHtml(text).replace(/\*([^*\s][^*]*)\*/g, '<strong>$1</strong>') };
}

/** Facts about a chat for its portal room; a chat that does not exist is `not_found`. */
export function chatInfo(chat: string): RemoteChatInfo {
  const user = userOf(chat);
  if (!user) throw new BridgeError('not_found', `${chat} is not a Tmplnet chat`);
  return { kind: 'dm', dmPartner: { id: user } };
}

/** Turns what the network tells `login`'s client into remote events, addressed to that login's chats. */
export function toMatrix(ctx: TmplnetContext, login: LoginRecord): (event: NetworkEvent) => Promise<void> {
  return async (event) => {
    const chat = { id: event.chat, receiver: login.id };
    // Our own messages sent from another device: the core shows them as the user, and skips echoes by id.
    const sender = {
      id: event.from,
      isFromMe: event.from === login.remoteId,
      info: { displayName: event.from },
    };
    const base = { chat, sender, chatInfo: chatInfo(event.chat) };
    if (event.type === 'message')
      await ctx.emit({ ...base, type: 'message', id: event.id, parts: [textPart(event.text)] });
    if (event.type === 'edit')
      await ctx.emit({ ...base, type: 'edit', targetId: event.id, parts: [textPart(event.text)] });
    if (event.type === 'delete') await ctx.emit({ ...base, type: 'redaction', targetId: event.id });
  };
}
