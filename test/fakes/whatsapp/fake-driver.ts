/**
 * A WhatsApp driver for tests: the lowest layer faked, everything above it real.
 *
 * It speaks whatsapp-web.js's event names, argument order and object shapes (ids such as
 * `3712345678@c.us`, `120363000000000001@g.us`, `false_3712345678@c.us_3EB0…`), persists its
 * "session" through the SessionStore exactly as RemoteAuth does (a file at
 * `<dataDir>/RemoteAuth-<sessionId>.zip`, then `store.save`), and records every call made on it.
 * Tests drive the remote side through the control API (emitQr, scanQr, incomingMessage, …); a
 * FakeWhatsAppNetwork lets several fakes message each other.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  assertValidSessionId,
  DriverEventEmitter,
  type DriverFactory,
  type DriverOptions,
  type WAChat,
  type WAClientInfo,
  type WAContact,
  type WAContactId,
  type WAGroupNotification,
  type WAGroupNotificationType,
  type WAGroupParticipant,
  type WAId,
  type WALocation,
  type WAMedia,
  type WAMessage,
  type WAMessageAck,
  type WAMessageId,
  type WAMessageType,
  type WAReaction,
  type WASendOptions,
  type WAState,
  type WhatsAppDriver,
  type WhatsAppDriverEvent,
  type WhatsAppDriverEvents,
  type WhatsAppDriverListener,
} from '../../../bridges/whatsapp/driver';
import type { SessionStore } from '../../../bridges/whatsapp/session-store';
import type { FakeWhatsAppNetwork } from './fake-network';

export interface FakeCall {
  method: string;
  args: unknown[];
}

export interface IncomingMessageSpec {
  /** The chat: the sender's id in a DM, the group's id in a group. */
  from: WAId;
  /** The sender; required in groups. */
  author?: WAId;
  body?: string;
  type?: WAMessageType;
  media?: WAMedia;
  /** This driver's serialized id of the message being replied to. */
  quoted?: string;
  mentionedIds?: WAId[];
  /** The sender's push name as carried on the message. */
  notifyName?: string;
  location?: WALocation;
  /** Protocol id (the part after the chat in `_serialized`); generated when absent. */
  id?: string;
  timestamp?: number;
}

export interface OwnMessageSpec {
  /** The chat the user wrote to from their phone. */
  to: WAId;
  body?: string;
  type?: WAMessageType;
  media?: WAMedia;
  quoted?: string;
  mentionedIds?: WAId[];
  id?: string;
  timestamp?: number;
}

export interface FakeContactSpec {
  id: WAId;
  pushname?: string;
  /** Name in the logged-in user's address book. */
  name?: string;
  isBusiness?: boolean;
  profilePicUrl?: string;
}

export interface FakeGroupSpec {
  id?: WAId;
  subject: string;
  participants: WAId[];
  admins?: WAId[];
  description?: string;
}

interface StoredMessage {
  id: WAMessageId;
  from: WAId;
  to: WAId;
  author?: WAId;
  body: string;
  type: WAMessageType;
  timestamp: number;
  ack: WAMessageAck;
  fromMe: boolean;
  media?: WAMedia;
  quotedId?: string;
  mentionedIds: WAId[];
  notifyName?: string;
  location?: WALocation;
}

interface StoredChat {
  id: WAId;
  name: string;
  isGroup: boolean;
  description?: string;
  participants?: WAGroupParticipant[];
  unreadCount: number;
  timestamp: number;
}

type Phase = 'idle' | 'restoring' | 'qr' | 'ready' | 'disconnected' | 'destroyed';

/** The fake's stand-in for RemoteAuth's zipped profile. */
interface FakeSessionBlob {
  fakeWhatsAppSession: 1;
  me: WAId;
  pushname?: string;
}

let protocolIdCounter = 0;
/** Ids shaped like WhatsApp Web's own (`3EB0` + hex), unique across all fakes in a process. */
export function nextProtocolId(): string {
  protocolIdCounter += 1;
  return `3EB0${protocolIdCounter.toString(16).toUpperCase().padStart(16, '0')}`;
}

export function userId(phone: string): WAId {
  return `${phone}@c.us`;
}

function contactId(id: WAId): WAContactId {
  const [user = '', server = ''] = id.split('@');
  return { user, server, _serialized: id };
}

function isGroupId(id: WAId): boolean {
  return id.endsWith('@g.us');
}

function messageId(fromMe: boolean, remote: WAId, id: string, participant?: WAId): WAMessageId {
  const _serialized = `${fromMe}_${remote}_${id}${participant === undefined ? '' : `_${participant}`}`;
  return { fromMe, remote, id, _serialized };
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function mediaType(media: WAMedia, options: WASendOptions = {}): WAMessageType {
  if (options.sendMediaAsSticker) return 'sticker';
  if (options.sendMediaAsDocument) return 'document';
  const kind = media.mimetype.split('/')[0];
  if (kind === 'image') return 'image';
  if (kind === 'video') return 'video';
  if (kind === 'audio') return options.sendAudioAsVoice ? 'ptt' : 'audio';
  return 'document';
}

type GroupEvent = 'group_join' | 'group_leave' | 'group_admin_changed' | 'group_update';

function groupEventFor(type: WAGroupNotificationType): GroupEvent {
  // The same routing as whatsapp-web.js's onAddMessageEvent for gp2 messages.
  if (type === 'add' || type === 'invite' || type === 'linked_group_join') return 'group_join';
  if (type === 'remove' || type === 'leave') return 'group_leave';
  if (type === 'promote' || type === 'demote') return 'group_admin_changed';
  return 'group_update';
}

export class FakeWhatsAppDriver implements WhatsAppDriver {
  /** Every call made through the driver interface and on the message and chat objects it returned. */
  readonly calls: FakeCall[] = [];
  /** What sendMessage returned, in order: the messages sent through the driver interface, with their ids. */
  readonly sent: WAMessage[] = [];
  readonly sessionId: string;

  private readonly events = new DriverEventEmitter();
  private readonly store: SessionStore;
  private readonly dataDir: string;
  private readonly network: FakeWhatsAppNetwork | undefined;
  private phase: Phase = 'idle';
  private me: WAId | undefined;
  private ownPushname: string | undefined;
  private readonly messages = new Map<string, StoredMessage>();
  private readonly chats = new Map<WAId, StoredChat>();
  private readonly contacts = new Map<WAId, FakeContactSpec>();
  private history: IncomingMessageSpec[] = [];

  /**
   * @param profile an earlier driver of the same session: the browser profile this one reopens.
   *   A restored session keeps its chats, contacts and messages (WhatsApp Web's local store), so
   *   messages from before a restart can still be edited, reacted to and revoked.
   */
  constructor(
    opts: DriverOptions,
    network?: FakeWhatsAppNetwork,
    private readonly profile?: FakeWhatsAppDriver,
  ) {
    assertValidSessionId(opts.sessionId);
    this.sessionId = opts.sessionId;
    this.store = opts.store;
    this.dataDir = resolve(opts.chromium.dataDir);
    this.network = network;
  }

  // ---- WhatsAppDriver --------------------------------------------------------------------

  async initialize(): Promise<void> {
    this.record('initialize');
    const session = this.sessionName;
    if (await this.store.sessionExists({ session })) {
      const path = this.zipPath;
      await this.store.extract({ session, path });
      const blob = JSON.parse(await readFile(path, 'utf8')) as FakeSessionBlob;
      await rm(path, { force: true });
      this.me = blob.me;
      this.ownPushname = blob.pushname;
      if (this.profile?.me === blob.me) this.reopenProfile(this.profile);
      this.phase = 'restoring';
      // Like the library: a restored session reports authenticated/ready after initialize() resolves.
      setImmediate(() => {
        if (this.phase === 'restoring') this.becomeReady();
      });
      return;
    }
    this.phase = 'qr';
    // Like the library: the first QR is emitted before initialize() resolves.
    this.emitQr(`2@${nextProtocolId()},fakeStaticKey=,fakeIdentityKey=,fakeAdvSecret=,fake`);
  }

  async destroy(): Promise<void> {
    this.record('destroy');
    this.network?.detach(this);
    this.phase = 'destroyed';
  }

  async logout(): Promise<void> {
    this.record('logout');
    await this.deleteStoredSession();
    this.network?.detach(this);
    this.phase = 'destroyed';
  }

  on<E extends WhatsAppDriverEvent>(event: E, listener: WhatsAppDriverListener<E>): this {
    this.events.on(event, listener);
    return this;
  }

  off<E extends WhatsAppDriverEvent>(event: E, listener: WhatsAppDriverListener<E>): this {
    this.events.off(event, listener);
    return this;
  }

  async getState(): Promise<WAState | null> {
    this.record('getState');
    const states: Record<Phase, WAState | null> = {
      idle: null,
      restoring: 'OPENING',
      qr: 'UNPAIRED',
      ready: 'CONNECTED',
      disconnected: 'UNPAIRED',
      destroyed: null,
    };
    return states[this.phase];
  }

  getClientInfo(): WAClientInfo | null {
    this.record('getClientInfo');
    if (this.phase !== 'ready' || this.me === undefined) return null;
    return { wid: contactId(this.me), ...(this.ownPushname ? { pushname: this.ownPushname } : {}) };
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    this.record('requestPairingCode', phoneNumber);
    if (this.phase !== 'qr') throw new Error('FakeWhatsAppDriver: requestPairingCode() before the first qr');
    const code = `FAKE${phoneNumber.slice(-4).padStart(4, '0')}`;
    this.events.emit('code', code);
    return code;
  }

  async sendMessage(
    chatId: WAId,
    content: string | WAMedia,
    options: WASendOptions = {},
  ): Promise<WAMessage> {
    this.record('sendMessage', chatId, content, options);
    const me = this.requireReady();
    const stored = this.storeOwn(me, {
      to: chatId,
      body: typeof content === 'string' ? content : (options.caption ?? ''),
      ...(typeof content === 'string' ? {} : { media: content, type: mediaType(content, options) }),
      ...(options.quotedMessageId === undefined ? {} : { quoted: options.quotedMessageId }),
      ...(options.mentions === undefined ? {} : { mentionedIds: options.mentions }),
    });
    this.sent.push(this.snapshot(stored));
    // The library's echo: our own sends come back as message_create with fromMe.
    this.events.emit('message_create', this.snapshot(stored));
    this.network?.routeMessage(this, this.snapshot(stored), stored.media);
    return this.snapshot(stored);
  }

  async getMessageById(id: string): Promise<WAMessage | null> {
    this.record('getMessageById', id);
    this.requireReady();
    const stored = this.messages.get(id);
    return stored ? this.snapshot(stored) : null;
  }

  async getChatById(chatId: WAId): Promise<WAChat | null> {
    this.record('getChatById', chatId);
    this.requireReady();
    const chat = this.chats.get(chatId);
    return chat ? this.chatSnapshot(chat) : null;
  }

  async getChats(): Promise<WAChat[]> {
    this.record('getChats');
    this.requireReady();
    return [...this.chats.values()].map((c) => this.chatSnapshot(c));
  }

  async getContactById(id: WAId): Promise<WAContact> {
    this.record('getContactById', id);
    this.requireReady();
    // Like the library, any id yields a contact; unknown ones just have no names.
    const spec = this.contacts.get(id);
    const contact: WAContact = {
      id: contactId(id),
      number: id.endsWith('@c.us') ? contactId(id).user : '',
      isMe: id === this.me,
      isUser: id.endsWith('@c.us'),
      isGroup: isGroupId(id),
      isMyContact: spec?.name !== undefined,
      isBusiness: spec?.isBusiness ?? false,
    };
    if (spec?.pushname !== undefined) contact.pushname = spec.pushname;
    if (spec?.name !== undefined) contact.name = spec.name;
    return contact;
  }

  async getProfilePicUrl(id: WAId): Promise<string | undefined> {
    this.record('getProfilePicUrl', id);
    this.requireReady();
    return this.contacts.get(id)?.profilePicUrl;
  }

  async getNumberId(phoneNumber: string): Promise<WAContactId | null> {
    this.record('getNumberId', phoneNumber);
    this.requireReady();
    const id = userId(phoneNumber.replace(/\D/g, ''));
    const known = this.contacts.has(id) || (this.network?.isRegistered(id) ?? false);
    return known ? contactId(id) : null;
  }

  async sendSeen(chatId: WAId): Promise<boolean> {
    this.record('sendSeen', chatId);
    this.requireReady();
    const chat = this.chats.get(chatId);
    if (chat) chat.unreadCount = 0;
    return chat !== undefined;
  }

  // ---- Test control API ------------------------------------------------------------------

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
    const blob: FakeSessionBlob = { fakeWhatsAppSession: 1, me: this.me, ...(pushname ? { pushname } : {}) };
    const path = this.zipPath;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(blob));
    try {
      await this.store.save({ session: this.sessionName, path });
    } finally {
      await rm(path, { force: true });
    }
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
    await this.deleteStoredSession();
    this.network?.detach(this);
    this.phase = 'disconnected';
    this.events.emit('disconnected', reason);
  }

  addContact(spec: FakeContactSpec): void {
    this.contacts.set(spec.id, { ...spec });
  }

  /** Makes this account a member of a group chat; returns the group id. */
  addGroup(spec: FakeGroupSpec): WAId {
    const id = spec.id ?? `120363${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}@g.us`;
    const admins = new Set(spec.admins ?? []);
    const chat: StoredChat = {
      id,
      name: spec.subject,
      isGroup: true,
      participants: spec.participants.map((p) => ({
        id: contactId(p),
        isAdmin: admins.has(p),
        isSuperAdmin: false,
      })),
      unreadCount: 0,
      timestamp: now(),
    };
    if (spec.description !== undefined) chat.description = spec.description;
    this.chats.set(id, chat);
    return id;
  }

  /** A message from someone else: `message_create`, then `message`. */
  incomingMessage(spec: IncomingMessageSpec): WAMessage {
    const stored = this.storeIncoming(spec);
    this.events.emit('message_create', this.snapshot(stored));
    this.events.emit('message', this.snapshot(stored));
    return this.snapshot(stored);
  }

  /** The user wrote from their phone: `message_create` with fromMe only (no `message`). */
  ownMessageFromPhone(spec: OwnMessageSpec): WAMessage {
    const stored = this.storeOwn(this.requireReady(), spec);
    this.events.emit('message_create', this.snapshot(stored));
    this.network?.routeMessage(this, this.snapshot(stored), stored.media);
    return this.snapshot(stored);
  }

  editMessage(id: string, newBody: string): WAMessage {
    const stored = this.requireMessage(id);
    const prevBody = stored.body;
    stored.body = newBody;
    this.events.emit('message_edit', this.snapshot(stored), newBody, prevBody);
    return this.snapshot(stored);
  }

  /** Deleted for everyone: the message turns into type `revoked`, as in the library. */
  revokeMessage(id: string): void {
    const stored = this.requireMessage(id);
    const before = this.snapshot(stored);
    stored.type = 'revoked';
    stored.body = '';
    delete stored.media;
    this.events.emit('message_revoke_everyone', this.snapshot(stored), before);
  }

  /** An empty `reaction` removes the sender's reaction. */
  reactToMessage(spec: { messageId: string; senderId: WAId; reaction: string }): WAReaction {
    const stored = this.requireMessage(spec.messageId);
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

  ack(id: string, ack: WAMessageAck): void {
    const stored = this.requireMessage(id);
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
    const chat = this.chats.get(spec.chatId);
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
    const stored = [...this.messages.values()].find((m) => m.id.id === pid);
    return stored ? this.snapshot(stored) : undefined;
  }

  // ---- internals -------------------------------------------------------------------------

  private get sessionName(): string {
    return `RemoteAuth-${this.sessionId}`;
  }

  private get zipPath(): string {
    return join(this.dataDir, `${this.sessionName}.zip`);
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  private requireReady(): WAId {
    if (this.phase !== 'ready' || this.me === undefined) {
      throw new Error(`FakeWhatsAppDriver: not ready (phase ${this.phase})`);
    }
    return this.me;
  }

  private requireMessage(id: string): StoredMessage {
    const stored = this.messages.get(id);
    if (!stored) throw new Error(`FakeWhatsAppDriver: unknown message ${id}`);
    return stored;
  }

  private becomeReady(): void {
    this.phase = 'ready';
    for (const spec of this.history.splice(0)) this.storeIncoming(spec);
    this.network?.attach(this);
    this.events.emit('authenticated');
    this.events.emit('ready');
  }

  /** Copies the local store of an earlier driver of this session (see the constructor). */
  private reopenProfile(previous: FakeWhatsAppDriver): void {
    for (const [id, m] of previous.messages) this.messages.set(id, structuredClone(m));
    for (const [id, c] of previous.chats) this.chats.set(id, structuredClone(c));
    for (const [id, c] of previous.contacts) this.contacts.set(id, { ...c });
  }

  private async deleteStoredSession(): Promise<void> {
    const session = this.sessionName;
    if (await this.store.sessionExists({ session })) await this.store.delete({ session });
  }

  private storeIncoming(spec: IncomingMessageSpec): StoredMessage {
    const me = this.requireReady();
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

  private storeOwn(me: WAId, spec: OwnMessageSpec): StoredMessage {
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

  private snapshot(stored: StoredMessage): WAMessage {
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
        ...(stored.media === undefined
          ? {}
          : {
              mimetype: stored.media.mimetype,
              ...(stored.media.filename ? { filename: stored.media.filename } : {}),
              size: Buffer.from(stored.media.data, 'base64').length,
            }),
        ...(stored.quotedId === undefined
          ? {}
          : { quotedStanzaID: this.messages.get(stored.quotedId)?.id.id ?? stored.quotedId }),
      },
      downloadMedia: async () => {
        this.record('message.downloadMedia', serialized);
        const media = this.messages.get(serialized)?.media;
        return media ? { ...media } : undefined;
      },
      getQuotedMessage: async () => {
        this.record('message.getQuotedMessage', serialized);
        const quoted = stored.quotedId === undefined ? undefined : this.messages.get(stored.quotedId);
        return quoted ? this.snapshot(quoted) : undefined;
      },
      react: async (reaction: string) => {
        this.record('message.react', serialized, reaction);
        const me = this.requireReady();
        this.reactToMessage({ messageId: serialized, senderId: me, reaction });
        this.network?.routeReaction(this, stored.id.id, reaction);
      },
      edit: async (content: string, options) => {
        this.record('message.edit', serialized, content, options);
        this.requireReady();
        if (!stored.fromMe) return null;
        const edited = this.editMessage(serialized, content);
        this.network?.routeEdit(this, stored.id.id, content);
        return edited;
      },
      delete: async (everyone?: boolean) => {
        this.record('message.delete', serialized, everyone);
        this.requireReady();
        if (!everyone) {
          this.messages.delete(serialized);
          return;
        }
        this.revokeMessage(serialized);
        this.network?.routeRevoke(this, stored.id.id);
      },
    };
    if (stored.author !== undefined) message.author = stored.author;
    if (stored.location !== undefined) message.location = { ...stored.location };
    return message;
  }

  private chatSnapshot(chat: StoredChat): WAChat {
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
      sendSeen: async () => {
        this.record('chat.sendSeen', id);
        chat.unreadCount = 0;
        return true;
      },
      sendStateTyping: async () => {
        this.record('chat.sendStateTyping', id);
      },
      clearState: async () => {
        this.record('chat.clearState', id);
        return true;
      },
      fetchMessages: async (options) => {
        this.record('chat.fetchMessages', id, options);
        const inChat = [...this.messages.values()]
          .filter((m) => m.id.remote === id && (options.fromMe === undefined || m.fromMe === options.fromMe))
          .sort((a, b) => a.timestamp - b.timestamp);
        return inChat.slice(-options.limit).map((m) => this.snapshot(m));
      },
    };
    if (chat.description !== undefined) snapshot.description = chat.description;
    if (chat.participants !== undefined) snapshot.participants = chat.participants.map((p) => ({ ...p }));
    return snapshot;
  }
}

function applyGroupChange(
  chat: StoredChat,
  type: WAGroupNotificationType,
  body: string,
  recipients: WAId[],
): void {
  const participants = chat.participants ?? [];
  if (type === 'subject') chat.name = body;
  else if (type === 'description') chat.description = body;
  else if (type === 'add' || type === 'invite' || type === 'linked_group_join') {
    for (const r of recipients) {
      if (!participants.some((p) => p.id._serialized === r)) {
        participants.push({ id: contactId(r), isAdmin: false, isSuperAdmin: false });
      }
    }
  } else if (type === 'remove' || type === 'leave') {
    chat.participants = participants.filter((p) => !recipients.includes(p.id._serialized));
    return;
  } else if (type === 'promote' || type === 'demote') {
    for (const p of participants) if (recipients.includes(p.id._serialized)) p.isAdmin = type === 'promote';
  }
  chat.participants = participants;
}

/** A DriverFactory handing out fakes, all on one network, with the fakes it made kept for the test. */
export function createFakeDriverFactory(network?: FakeWhatsAppNetwork): {
  factory: DriverFactory;
  drivers: Map<string, FakeWhatsAppDriver>;
} {
  const drivers = new Map<string, FakeWhatsAppDriver>();
  const factory: DriverFactory = (opts) => {
    // The same session id is the same browser profile: a restored session reopens its local store.
    const driver = new FakeWhatsAppDriver(opts, network, drivers.get(opts.sessionId));
    drivers.set(opts.sessionId, driver);
    return driver;
  };
  return { factory, drivers };
}
