/**
 * whatsapp-web.js objects → the driver's own types. Everything the library hands out passes
 * through here, so no whatsapp-web.js object escapes the driver.
 */
import type WAWebJS from 'whatsapp-web.js';
import type {
  WAChat,
  WAContact,
  WAContactId,
  WAEditOptions,
  WAGroupNotification,
  WAMessage,
  WAMessageAck,
  WAMessageId,
  WAMessageRawData,
  WAReaction,
} from './driver';

const ACKS: readonly WAMessageAck[] = [-1, 0, 1, 2, 3, 4];
export function toAck(ack: number): WAMessageAck {
  return ACKS.find((a) => a === ack) ?? 0;
}

export function toMessageId(id: WAWebJS.MessageId): WAMessageId {
  return { fromMe: id.fromMe, remote: id.remote, id: id.id, _serialized: id._serialized };
}

export function toContactId(id: WAWebJS.ContactId): WAContactId {
  return { server: id.server, user: id.user, _serialized: id._serialized };
}

/** `Message._data` is the WhatsApp Web model, untyped in the library; keep the fields we know. */
function rawData(msg: WAWebJS.Message): WAMessageRawData {
  const data = (msg as unknown as { _data?: Record<string, unknown> })._data ?? {};
  const str = (k: string): string | undefined => (typeof data[k] === 'string' ? data[k] : undefined);
  const raw: WAMessageRawData = {};
  const notifyName = str('notifyName');
  const mimetype = str('mimetype');
  const filename = str('filename');
  const quotedStanzaID = str('quotedStanzaID');
  const quotedParticipant = str('quotedParticipant');
  if (notifyName !== undefined) raw.notifyName = notifyName;
  if (mimetype !== undefined) raw.mimetype = mimetype;
  if (filename !== undefined) raw.filename = filename;
  if (typeof data['size'] === 'number') raw.size = data['size'];
  if (quotedStanzaID !== undefined) raw.quotedStanzaID = quotedStanzaID;
  if (quotedParticipant !== undefined) raw.quotedParticipant = quotedParticipant;
  return raw;
}

export function toMessage(msg: WAWebJS.Message): WAMessage {
  const message: WAMessage = {
    id: toMessageId(msg.id),
    from: msg.from,
    to: msg.to,
    body: msg.body,
    type: msg.type,
    timestamp: msg.timestamp,
    ack: toAck(msg.ack),
    hasMedia: msg.hasMedia,
    hasQuotedMsg: msg.hasQuotedMsg,
    fromMe: msg.fromMe,
    isStatus: msg.isStatus,
    isForwarded: msg.isForwarded,
    mentionedIds: [...(msg.mentionedIds ?? [])],
    vCards: [...(msg.vCards ?? [])],
    _data: rawData(msg),
    downloadMedia: async () => {
      // The typings say MessageMedia; the library returns undefined (or null) when it cannot.
      const media = (await msg.downloadMedia()) as WAWebJS.MessageMedia | null | undefined;
      if (!media) return undefined;
      return {
        mimetype: media.mimetype,
        data: media.data,
        filename: media.filename,
        filesize: media.filesize,
      };
    },
    getQuotedMessage: async () => {
      const quoted = (await msg.getQuotedMessage()) as WAWebJS.Message | undefined;
      return quoted ? toMessage(quoted) : undefined;
    },
    react: (reaction: string) => msg.react(reaction),
    edit: async (content: string, options?: WAEditOptions) => {
      const edited = await msg.edit(content, options);
      return edited ? toMessage(edited) : null;
    },
    delete: (everyone?: boolean) => msg.delete(everyone),
  };
  if (msg.author) message.author = msg.author;
  if (msg.location) {
    const { latitude, longitude, name, address, url, description } = msg.location;
    message.location = {
      // Typed as strings, numbers at runtime.
      latitude: Number(latitude),
      longitude: Number(longitude),
      ...(name === undefined ? {} : { name }),
      ...(address === undefined ? {} : { address }),
      ...(url === undefined ? {} : { url }),
      ...(description === undefined ? {} : { description }),
    };
  }
  return message;
}

export function toChat(chat: WAWebJS.Chat): WAChat {
  const result: WAChat = {
    id: toContactId(chat.id),
    name: chat.name,
    isGroup: chat.isGroup,
    isReadOnly: chat.isReadOnly,
    isMuted: chat.isMuted,
    archived: chat.archived,
    timestamp: chat.timestamp,
    unreadCount: chat.unreadCount,
    sendSeen: () => chat.sendSeen(),
    sendStateTyping: () => chat.sendStateTyping(),
    clearState: () => chat.clearState(),
    fetchMessages: async (options) => (await chat.fetchMessages(options)).map(toMessage),
  };
  if (chat.lastMessage) result.lastMessageId = chat.lastMessage.id._serialized;
  if (chat.isGroup) {
    const group = chat as WAWebJS.GroupChat;
    result.setSubject = (subject) => group.setSubject(subject);
    result.setDescription = (description) => group.setDescription(description);
    result.removeParticipants = async (ids) => void (await group.removeParticipants(ids));
    result.description = group.description ?? '';
    result.participants = (group.participants ?? []).map((p) => ({
      id: toContactId(p.id),
      isAdmin: p.isAdmin,
      isSuperAdmin: p.isSuperAdmin,
    }));
  }
  return result;
}

export function toContact(contact: WAWebJS.Contact): WAContact {
  const result: WAContact = {
    id: toContactId(contact.id),
    number: contact.number ?? '',
    isMe: contact.isMe,
    isUser: contact.isUser,
    isGroup: contact.isGroup,
    isMyContact: contact.isMyContact,
    isBusiness: contact.isBusiness,
  };
  if (contact.pushname) result.pushname = contact.pushname;
  if (contact.name) result.name = contact.name;
  if (contact.shortName) result.shortName = contact.shortName;
  return result;
}

export function toReaction(r: WAWebJS.Reaction): WAReaction {
  const result: WAReaction = {
    id: toMessageId(r.id),
    msgId: toMessageId(r.msgId),
    senderId: r.senderId,
    reaction: r.reaction ?? '',
    timestamp: r.timestamp,
  };
  if (r.ack !== undefined) result.ack = r.ack;
  return result;
}

export function toGroupNotification(n: WAWebJS.GroupNotification): WAGroupNotification {
  return {
    // Typed as `object` in the library; it is the gp2 message's MessageId.
    id: toMessageId(n.id as WAWebJS.MessageId),
    chatId: n.chatId,
    author: n.author,
    body: n.body,
    type: n.type,
    timestamp: n.timestamp,
    recipientIds: [...(n.recipientIds ?? [])],
  };
}
