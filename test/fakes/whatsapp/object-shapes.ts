/**
 * The objects the fake hands out, in whatsapp-web.js's own shapes: Message, Chat and Contact.
 * Each is a fresh snapshot of the local store; the methods on messages and chats act on the
 * driver that returned them (and are recorded in its calls), as the library's do.
 */
import type { WAChat, WAContact, WAId, WAMessage } from '../../../bridges/whatsapp/driver';
import type { FakeDriverControl } from './control-api';
import type { FakeWhatsAppNetwork } from './fake-network';
import type { LocalStore, StoredChat, StoredMessage } from './local-store';
import { mediaData } from './media';
import type { FakeContactSpec } from './specs';
import { contactId, isGroupId } from './wa-ids';

/** What a message or chat object calls back into: the driver that made it. */
export interface ShapeHost {
  readonly local: LocalStore;
  readonly network: FakeWhatsAppNetwork | undefined;
  /** The driver as a network peer: its own edits, revokes and reactions go through its control API. */
  readonly peer: FakeDriverControl;
  record(method: string, ...args: unknown[]): void;
  requireReady(): WAId;
}

export function messageShape(host: ShapeHost, stored: StoredMessage): WAMessage {
  const { local, network, peer } = host;
  const serialized = stored.id._serialized;
  const message: WAMessage = {
    id: { ...stored.id },
    from: stored.from,
    to: stored.to,
    body: stored.body,
    type: stored.type,
    timestamp: stored.timestamp,
    ack: stored.ack,
    hasMedia: stored.media !== undefined,
    hasQuotedMsg: stored.quotedId !== undefined,
    fromMe: stored.fromMe,
    isStatus: stored.from === 'status@broadcast',
    isForwarded: false,
    mentionedIds: [...stored.mentionedIds],
    vCards: [],
    _data: {
      ...(stored.notifyName === undefined ? {} : { notifyName: stored.notifyName }),
      ...(stored.media === undefined ? {} : mediaData(stored.media)),
      ...(stored.quotedId === undefined
        ? {}
        : { quotedStanzaID: local.messages.get(stored.quotedId)?.id.id ?? stored.quotedId }),
    },
    downloadMedia: async () => {
      host.record('message.downloadMedia', serialized);
      const media = local.messages.get(serialized)?.media;
      return media ? { ...media } : undefined;
    },
    getQuotedMessage: async () => {
      host.record('message.getQuotedMessage', serialized);
      const quoted = stored.quotedId === undefined ? undefined : local.messages.get(stored.quotedId);
      return quoted ? messageShape(host, quoted) : undefined;
    },
    react: async (reaction: string) => {
      host.record('message.react', serialized, reaction);
      const me = host.requireReady();
      peer.reactToMessage({ messageId: serialized, senderId: me, reaction });
      network?.routeReaction(peer, stored.id.id, reaction);
    },
    edit: async (content: string, options) => {
      host.record('message.edit', serialized, content, options);
      host.requireReady();
      if (!stored.fromMe) return null;
      const edited = peer.editMessage(serialized, content);
      network?.routeEdit(peer, stored.id.id, content);
      return edited;
    },
    delete: async (everyone?: boolean) => {
      host.record('message.delete', serialized, everyone);
      host.requireReady();
      if (!everyone) {
        local.messages.delete(serialized);
        return;
      }
      peer.revokeMessage(serialized);
      network?.routeRevoke(peer, stored.id.id);
    },
  };
  if (stored.author !== undefined) message.author = stored.author;
  if (stored.location !== undefined) message.location = { ...stored.location };
  return message;
}

/** `lastMessageId` of a chat, as the library's `chat.lastMessage.id._serialized`. */
function lastMessageOf(host: ShapeHost, chatId: string): { lastMessageId?: string } {
  let last: { id: { _serialized: string }; timestamp: number } | undefined;
  for (const m of host.local.messages.values())
    if (m.id.remote === chatId && (!last || m.timestamp >= last.timestamp)) last = m;
  return last ? { lastMessageId: last.id._serialized } : {};
}

export function chatShape(host: ShapeHost, chat: StoredChat): WAChat {
  const id = chat.id;
  const snapshot: WAChat = {
    id: contactId(id),
    name: chat.name,
    isGroup: chat.isGroup,
    isReadOnly: false,
    isMuted: false,
    archived: false,
    timestamp: chat.timestamp,
    unreadCount: chat.unreadCount,
    ...lastMessageOf(host, id),
    sendSeen: async () => {
      host.record('chat.sendSeen', id);
      chat.unreadCount = 0;
      return true;
    },
    sendStateTyping: async () => {
      host.record('chat.sendStateTyping', id);
    },
    clearState: async () => {
      host.record('chat.clearState', id);
      return true;
    },
    fetchMessages: async (options) => {
      host.record('chat.fetchMessages', id, options);
      const inChat = [...host.local.messages.values()]
        .filter((m) => m.id.remote === id && (options.fromMe === undefined || m.fromMe === options.fromMe))
        .sort((a, b) => a.timestamp - b.timestamp);
      return inChat.slice(-options.limit).map((m) => messageShape(host, m));
    },
  };
  if (chat.isGroup) {
    snapshot.setSubject = async (subject) => {
      host.record('chat.setSubject', id, subject);
      chat.name = subject;
      return true;
    };
    snapshot.setDescription = async (description) => {
      host.record('chat.setDescription', id, description);
      chat.description = description;
      return true;
    };
    // Like WhatsApp: only admins may; the change is announced as a `remove` notification.
    snapshot.removeParticipants = async (ids) => {
      host.record('chat.removeParticipants', id, ids);
      const me = host.requireReady();
      if (!chat.participants?.some((p) => p.id._serialized === me && (p.isAdmin || p.isSuperAdmin)))
        throw new Error('Evaluation failed: not a group admin');
      host.peer.groupUpdate({ chatId: id, type: 'remove', author: me, recipientIds: ids });
    };
  }
  if (chat.description !== undefined) snapshot.description = chat.description;
  if (chat.participants !== undefined) snapshot.participants = chat.participants.map((p) => ({ ...p }));
  return snapshot;
}

/** Like the library, any id yields a contact; unknown ones just have no names. */
export function contactShape(id: WAId, spec: FakeContactSpec | undefined, me: WAId | undefined): WAContact {
  const contact: WAContact = {
    id: contactId(id),
    number: id.endsWith('@c.us') ? contactId(id).user : '',
    isMe: id === me,
    isUser: id.endsWith('@c.us'),
    isGroup: isGroupId(id),
    isMyContact: spec?.name !== undefined,
    isBusiness: spec?.isBusiness ?? false,
  };
  if (spec?.pushname !== undefined) contact.pushname = spec.pushname;
  if (spec?.name !== undefined) contact.name = spec.name;
  return contact;
}
