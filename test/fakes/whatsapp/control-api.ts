/**
 * The fake driver's test control API: tests play WhatsApp's side through it (QR codes, logins,
 * incoming messages, edits, reactions, group changes), and so does FakeWhatsAppNetwork when it
 * delivers one fake's messages to another. Each call changes the local store and emits what
 * whatsapp-web.js would emit, in the same order.
 */
import type {
  WAChat,
  WAGroupNotification,
  WAGroupNotificationType,
  WAId,
  WAMessage,
  WAMessageAck,
  WAReaction,
  WAState,
  WhatsAppDriverEvent,
  WhatsAppDriverEvents,
  WhatsAppDriverListener,
} from '../../../bridges/whatsapp/driver';
import { FakeDriverState } from './driver-state';
import { applyGroupChange, groupEventFor, newGroupChat } from './groups';
import type { StoredChat, StoredMessage } from './local-store';
import { chatShape, messageShape, type ShapeHost } from './object-shapes';
import type { FakeContactSpec, FakeGroupSpec, IncomingMessageSpec, OwnMessageSpec } from './specs';
import { messageId, nextProtocolId, now, userId } from './wa-ids';

export abstract class FakeDriverControl extends FakeDriverState {
  private readonly shapes: ShapeHost = {
    local: this.local,
    network: this.network,
    peer: this,
    record: (method, ...args) => this.record(method, ...args),
    requireReady: () => this.requireReady(),
  };

  /** Our own WhatsApp id once logged in (or restored). */
  get ownId(): WAId | undefined {
    return this.me;
  }

  /** The name we show to others (set by scanQr). */
  get pushname(): string | undefined {
    return this.ownPushname;
  }

  get isReady(): boolean {
    return this.phase === 'ready';
  }

  /** Resolves with the arguments of the next `event`. */
  waitFor<E extends WhatsAppDriverEvent>(event: E): Promise<WhatsAppDriverEvents[E]> {
    return new Promise((resolvePromise) => {
      const listener = ((...args: WhatsAppDriverEvents[E]) => {
        this.events.off(event, listener);
        resolvePromise(args);
      }) as WhatsAppDriverListener<E>;
      this.events.on(event, listener);
    });
  }

  /** WhatsApp rotated the QR code (every ~20 s in reality). */
  emitQr(code: string): void {
    this.events.emit('qr', code);
  }

  /**
   * The user scanned the QR (or entered the pairing code) with the phone of `phone`:
   * `authenticated`, `ready`, then the session is saved as RemoteAuth does and
   * `remote_session_saved` follows.
   */
  async scanQr(phone = '3712345678', pushname?: string): Promise<void> {
    if (this.phase !== 'qr') throw new Error(`FakeWhatsAppDriver: scanQr() in phase ${this.phase}`);
    this.me = userId(phone);
    this.ownPushname = pushname;
    this.becomeReady();
    await this.remoteAuth.save({ fakeWhatsAppSession: 1, me: this.me, ...(pushname ? { pushname } : {}) });
    this.events.emit('remote_session_saved');
  }

  /**
   * Messages the account already has when it links (its chat history on the phone): stored
   * without events when the driver becomes ready, so only fetchMessages() (backfill) sees them.
   */
  seedHistory(messages: IncomingMessageSpec[]): void {
    this.history.push(...messages);
  }

  /** Login failed (e.g. a corrupt restored session). */
  authFailure(message = 'Unable to log in. Are the session details valid?'): void {
    this.phase = 'disconnected';
    this.events.emit('auth_failure', message);
  }

  /**
   * The connection ended. `LOGOUT` is a session revoked from the phone; a WAState such as
   * `UNPAIRED` or `CONFLICT` follows `change_state`. Either way RemoteAuth deletes the stored
   * session, as the library does.
   */
  async disconnect(reason: WAState | 'LOGOUT' = 'LOGOUT'): Promise<void> {
    if (reason !== 'LOGOUT') this.events.emit('change_state', reason);
    await this.remoteAuth.delete();
    this.network?.detach(this);
    this.phase = 'disconnected';
    this.events.emit('disconnected', reason);
  }

  addContact(spec: FakeContactSpec): void {
    this.local.contacts.set(spec.id, { ...spec });
  }

  /** Makes this account a member of a group chat; returns the group id. */
  addGroup(spec: FakeGroupSpec): WAId {
    const chat = newGroupChat(spec);
    this.local.chats.set(chat.id, chat);
    return chat.id;
  }

  /** A message from someone else: `message_create`, then `message`. */
  incomingMessage(spec: IncomingMessageSpec): WAMessage {
    const stored = this.local.addIncoming(this.requireReady(), spec);
    this.events.emit('message_create', this.snapshot(stored));
    this.events.emit('message', this.snapshot(stored));
    return this.snapshot(stored);
  }

  /** The user wrote from their phone: `message_create` with fromMe only (no `message`). */
  ownMessageFromPhone(spec: OwnMessageSpec): WAMessage {
    const stored = this.local.addOwn(this.requireReady(), spec);
    this.events.emit('message_create', this.snapshot(stored));
    this.network?.routeMessage(this, this.snapshot(stored), stored.media);
    return this.snapshot(stored);
  }

  editMessage(id: string, newBody: string): WAMessage {
    const stored = this.local.requireMessage(id);
    const prevBody = stored.body;
    stored.body = newBody;
    this.events.emit('message_edit', this.snapshot(stored), newBody, prevBody);
    return this.snapshot(stored);
  }

  /** Deleted for everyone: the message turns into type `revoked`, as in the library. */
  revokeMessage(id: string): void {
    const stored = this.local.requireMessage(id);
    const before = this.snapshot(stored);
    stored.type = 'revoked';
    stored.body = '';
    delete stored.media;
    this.events.emit('message_revoke_everyone', this.snapshot(stored), before);
  }

  /** An empty `reaction` removes the sender's reaction. */
  reactToMessage(spec: { messageId: string; senderId: WAId; reaction: string }): WAReaction {
    const stored = this.local.requireMessage(spec.messageId);
    const fromMe = spec.senderId === this.me;
    const reaction: WAReaction = {
      id: messageId(fromMe, stored.id.remote, nextProtocolId(), fromMe ? undefined : spec.senderId),
      msgId: { ...stored.id },
      senderId: spec.senderId,
      reaction: spec.reaction,
      timestamp: now(),
    };
    this.events.emit('message_reaction', reaction);
    return reaction;
  }

  /** The user read the chat on their phone: its unread count drops to 0 (`unread_count`). */
  readOnPhone(chatId: WAId): void {
    const chat = this.local.chats.get(chatId);
    if (!chat) throw new Error(`fake-whatsapp: no chat ${chatId}`);
    chat.unreadCount = 0;
    this.events.emit('unread_count', this.chatSnapshot(chat));
  }

  ack(id: string, ack: WAMessageAck): void {
    const stored = this.local.requireMessage(id);
    stored.ack = ack;
    this.events.emit('message_ack', this.snapshot(stored), ack);
  }

  /**
   * A group change, emitted under the event the library uses for its type (add/invite →
   * group_join, remove/leave → group_leave, promote/demote → group_admin_changed, the rest →
   * group_update); the group's state here follows it.
   */
  groupUpdate(spec: {
    chatId: WAId;
    type: WAGroupNotificationType;
    author: WAId;
    body?: string;
    recipientIds?: WAId[];
  }): WAGroupNotification {
    this.requireReady();
    const chat = this.local.chats.get(spec.chatId);
    if (!chat?.isGroup) throw new Error(`FakeWhatsAppDriver: unknown group ${spec.chatId}`);
    const recipients = spec.recipientIds ?? [];
    applyGroupChange(chat, spec.type, spec.body ?? '', recipients);
    const notification: WAGroupNotification = {
      id: messageId(false, spec.chatId, nextProtocolId(), spec.author),
      chatId: spec.chatId,
      author: spec.author,
      body: spec.body ?? '',
      type: spec.type,
      timestamp: now(),
      recipientIds: [...recipients],
    };
    this.events.emit(groupEventFor(spec.type), notification);
    return notification;
  }

  /** This driver's view of a message by its protocol id (as another fake would know it). */
  messageByProtocolId(pid: string): WAMessage | undefined {
    const stored = this.local.byProtocolId(pid);
    return stored ? this.snapshot(stored) : undefined;
  }

  // ---- shared with the driver interface --------------------------------------------------

  /** Logged in (by QR or a restored session): the seeded history is stored, then the events. */
  protected becomeReady(): void {
    this.phase = 'ready';
    for (const spec of this.history.splice(0)) this.local.addIncoming(this.requireReady(), spec);
    this.network?.attach(this);
    this.events.emit('authenticated');
    this.events.emit('ready');
  }

  protected snapshot(stored: StoredMessage): WAMessage {
    return messageShape(this.shapes, stored);
  }

  protected chatSnapshot(chat: StoredChat): WAChat {
    return chatShape(this.shapes, chat);
  }
}
