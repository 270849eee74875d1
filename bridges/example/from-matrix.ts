import { BridgeError, type LoginRecord, type RemoteSession } from '../../src/sdk';
import { exampleNetwork, FakeClient } from './client';
import type { ExampleContext } from './config';
import { displayName } from './ids';
import { chatInfo, pixel, toMatrix } from './to-matrix';

/** The session of a stored login: what Matrix users do goes to its client, the answers to Matrix. */
export function exampleSession(ctx: ExampleContext, login: LoginRecord): RemoteSession {
  const client = new FakeClient(ctx);
  client.onEvent = toMatrix(ctx, login);
  exampleNetwork.clients.set(login.id, client);
  const see = (...words: string[]) => void client.seen.push(words.join(' '));
  const { contacts } = ctx.config;
  const dm = (chat: string) => ({ chat: { id: chat, receiver: login.id }, info: chatInfo(chat, contacts) });
  return {
    // The core reports `connecting`, then `connected` when this resolves or the error it throws.
    async connect() {
      if (!String(login.credentials).startsWith('ex-')) throw new BridgeError('bad_credentials', 'bad token');
      client.self = login.remoteId;
    },
    disconnect: async () => void (client.self = undefined),
    async sendMessage(portal, msg) {
      const file = msg.media ? ` [${msg.media.filename}: ${(await msg.media.download()).length} bytes]` : '';
      return { remoteId: client.send(portal.chat.id, msg.body + file) };
    },
    editMessage: async (portal, target, msg) => see('edit', portal.chat.id, target.remoteId, msg.body),
    redactMessage: async (portal, target) => see('redact', portal.chat.id, target.remoteId),
    sendReaction: async (portal, target, key) => see('react', portal.chat.id, target.remoteId, key),
    removeReaction: async (portal, target, key) => see('unreact', portal.chat.id, target.remoteId, key),
    setTyping: async (portal, typing) => see('typing', portal.chat.id, String(typing)),
    markRead: async (portal, upTo) => see('read', portal.chat.id, upTo.remoteId),
    setChatInfo: async (portal, info) => see('chat_info', portal.chat.id, JSON.stringify(info)),
    onMatrixMembership: async (portal, change) => see(change.membership, portal.chat.id, change.userId),
    removeRemoteMember: async (portal, member, c) => see(c.ban ? 'ban' : 'kick', portal.chat.id, member.id),
    getChatInfo: async (chat) => chatInfo(chat.id, contacts),
    // Asked when the core meets a new ghost; it fetches the avatar only when `avatarKey` changes.
    getUserInfo: async (u) => ({ displayName: displayName(u.id), avatarKey: 'px', fetchAvatar: pixel }),
    resolveIdentifier: async (name) => ({ ...dm(`dm:${name}`), user: { id: name } }),
  };
}
