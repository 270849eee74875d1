/**
 * One fake driver's local store, the counterpart of WhatsApp Web's in the browser profile: its
 * messages (by serialized id), chats and contacts. A restored session copies an earlier driver's
 * store, so messages from before a restart can still be edited, reacted to and revoked.
 */
import type { WAGroupParticipant, WAId, WAMedia, WAMessage } from '../../../bridges/whatsapp/driver';
import { mediaType } from './media';
import type { FakeContactSpec, IncomingMessageSpec, OwnMessageSpec } from './specs';
import { contactId, isGroupId, messageId, nextProtocolId, now } from './wa-ids';

/** A message as the store keeps it: the driver's fields, plus what its methods are built from. */
export interface StoredMessage extends Pick<
  WAMessage,
  | 'id'
  | 'from'
  | 'to'
  | 'author'
  | 'body'
  | 'type'
  | 'timestamp'
  | 'ack'
  | 'fromMe'
  | 'mentionedIds'
  | 'location'
> {
  media?: WAMedia;
  quotedId?: string;
  notifyName?: string;
}

export interface StoredChat {
  id: WAId;
  name: string;
  isGroup: boolean;
  description?: string;
  participants?: WAGroupParticipant[];
  unreadCount: number;
  timestamp: number;
}

export class LocalStore {
  readonly messages = new Map<string, StoredMessage>();
  readonly chats = new Map<WAId, StoredChat>();
  readonly contacts = new Map<WAId, FakeContactSpec>();

  /** Copies the store of an earlier driver of this session (the same browser profile). */
  copyFrom(previous: LocalStore): void {
    for (const [id, m] of previous.messages) this.messages.set(id, structuredClone(m));
    for (const [id, c] of previous.chats) this.chats.set(id, structuredClone(c));
    for (const [id, c] of previous.contacts) this.contacts.set(id, { ...c });
  }

  requireMessage(id: string): StoredMessage {
    const stored = this.messages.get(id);
    if (!stored) throw new Error(`FakeWhatsAppDriver: unknown message ${id}`);
    return stored;
  }

  /** A message by its protocol id, the part every driver's copy shares. */
  byProtocolId(pid: string): StoredMessage | undefined {
    return [...this.messages.values()].find((m) => m.id.id === pid);
  }

  /** A message someone else sent to `me`; its chat gains an unread message. */
  addIncoming(me: WAId, spec: IncomingMessageSpec): StoredMessage {
    if (isGroupId(spec.from) && spec.author === undefined) {
      throw new Error('FakeWhatsAppDriver: group messages need an author');
    }
    const pid = spec.id ?? nextProtocolId();
    const stored: StoredMessage = {
      id: messageId(false, spec.from, pid, spec.author),
      from: spec.from,
      to: me,
      body: spec.body ?? '',
      type: spec.type ?? (spec.media ? mediaType(spec.media) : spec.location ? 'location' : 'chat'),
      timestamp: spec.timestamp ?? now(),
      ack: 1,
      fromMe: false,
      mentionedIds: spec.mentionedIds ?? [],
    };
    if (spec.author !== undefined) stored.author = spec.author;
    if (spec.media !== undefined) stored.media = spec.media;
    if (spec.quoted !== undefined) stored.quotedId = spec.quoted;
    if (spec.notifyName !== undefined) stored.notifyName = spec.notifyName;
    if (spec.location !== undefined) stored.location = spec.location;
    this.remember(stored);
    const chat = this.ensureChat(spec.from, spec.notifyName);
    chat.unreadCount += 1;
    return stored;
  }

  /** A message `me` sent (through the driver or from the phone). */
  addOwn(me: WAId, spec: OwnMessageSpec): StoredMessage {
    const stored: StoredMessage = {
      id: messageId(true, spec.to, spec.id ?? nextProtocolId()),
      from: me,
      to: spec.to,
      body: spec.body ?? '',
      type: spec.type ?? (spec.media ? mediaType(spec.media) : 'chat'),
      timestamp: spec.timestamp ?? now(),
      ack: 0,
      fromMe: true,
      mentionedIds: spec.mentionedIds ?? [],
    };
    if (spec.media !== undefined) stored.media = spec.media;
    if (spec.quoted !== undefined) stored.quotedId = spec.quoted;
    this.remember(stored);
    this.ensureChat(spec.to);
    return stored;
  }

  private remember(stored: StoredMessage): void {
    this.messages.set(stored.id._serialized, stored);
  }

  private ensureChat(id: WAId, fallbackName?: string): StoredChat {
    let chat = this.chats.get(id);
    if (!chat) {
      const contact = this.contacts.get(id);
      const name = contact?.name ?? contact?.pushname ?? fallbackName ?? `+${contactId(id).user}`;
      chat = { id, name, isGroup: isGroupId(id), unreadCount: 0, timestamp: now() };
      this.chats.set(id, chat);
    }
    chat.timestamp = now();
    return chat;
  }
}
