/**
 * The seam between the WhatsApp bridge and the library that speaks to WhatsApp.
 *
 * The types mirror whatsapp-web.js's own shapes and event names (so the real driver is a thin
 * adapter and its documentation applies), but are declared here so that nothing above this file
 * imports the library: a lighter driver (e.g. Baileys over a WebSocket) or the test fake can
 * implement the same interface. Only the fields and methods the bridge uses are mirrored.
 */
import { EventEmitter } from 'node:events';
import type { ChromiumOptions } from './chromium';
import type { SessionStore } from './session-store';

/**
 * A WhatsApp id: `3712345678@c.us` (user), `120363012345678901@g.us` (group),
 * `status@broadcast`, or `…@lid` (hidden-number ids in newer groups).
 */
export type WAId = string;

/** whatsapp-web.js `MessageId`; `_serialized` is `${fromMe}_${remote}_${id}` (plus `_${participant}` in groups). */
export interface WAMessageId {
  fromMe: boolean;
  /** The chat the message belongs to. */
  remote: WAId;
  /** The protocol-level message id, e.g. `3EB0C767D26A1D5C4F3A`. */
  id: string;
  _serialized: string;
}

/** whatsapp-web.js `ContactId` / `ChatId`. */
export interface WAContactId {
  server: string;
  user: string;
  _serialized: WAId;
}

/** whatsapp-web.js `MessageTypes` values; other strings occur when WhatsApp adds kinds. */
export type WAMessageType =
  | 'chat'
  | 'audio'
  | 'ptt'
  | 'image'
  | 'album'
  | 'video'
  | 'document'
  | 'sticker'
  | 'location'
  | 'vcard'
  | 'multi_vcard'
  | 'revoked'
  | 'reaction'
  | 'poll_creation'
  | 'e2e_notification'
  | 'gp2'
  | 'notification_template'
  | 'call_log'
  | 'ciphertext'
  | 'protocol'
  | 'unknown'
  | (string & {});

/** whatsapp-web.js `MessageAck`: -1 error, 0 pending, 1 server, 2 device, 3 read, 4 played. */
export type WAMessageAck = -1 | 0 | 1 | 2 | 3 | 4;

/** whatsapp-web.js `WAState`. */
export type WAState =
  | 'CONFLICT'
  | 'CONNECTED'
  | 'DEPRECATED_VERSION'
  | 'OPENING'
  | 'PAIRING'
  | 'PROXYBLOCK'
  | 'SMB_TOS_BLOCK'
  | 'TIMEOUT'
  | 'TOS_BLOCK'
  | 'UNLAUNCHED'
  | 'UNPAIRED'
  | 'UNPAIRED_IDLE';

/** whatsapp-web.js `MessageMedia`: base64 data, as downloaded or to be sent. */
export interface WAMedia {
  mimetype: string;
  /** Base64, without a `data:` prefix. */
  data: string;
  filename?: string | null;
  filesize?: number | null;
}

export interface WALocation {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
  url?: string;
  description?: string;
}

/** The raw WhatsApp Web model fields (`Message._data`) the bridge reads; all optional because they vary. */
export interface WAMessageRawData {
  /** The sender's push name as seen on this message: a ghost name without a contact lookup. */
  notifyName?: string;
  mimetype?: string;
  filename?: string;
  size?: number;
  /** The protocol id of the quoted message, without fetching it. */
  quotedStanzaID?: string;
  quotedParticipant?: WAId;
}

export interface WAMessage {
  id: WAMessageId;
  /** The chat for received messages; our own id for messages we sent. */
  from: WAId;
  /** Our own id for received messages; the chat for messages we sent. */
  to: WAId;
  /** The sender inside a group; undefined in DMs. */
  author?: WAId;
  /** Text, or the caption of media. */
  body: string;
  type: WAMessageType;
  /** Unix seconds. */
  timestamp: number;
  ack: WAMessageAck;
  hasMedia: boolean;
  hasQuotedMsg: boolean;
  fromMe: boolean;
  isStatus: boolean;
  isForwarded: boolean;
  mentionedIds: WAId[];
  location?: WALocation;
  vCards: string[];
  _data: WAMessageRawData;

  /** undefined when the message has no media or WhatsApp no longer holds it. */
  downloadMedia(): Promise<WAMedia | undefined>;
  getQuotedMessage(): Promise<WAMessage | undefined>;
  /** An empty string removes our reaction. */
  react(reaction: string): Promise<void>;
  /** Only our own recent text messages can be edited; null when WhatsApp refuses. */
  edit(content: string, options?: WAEditOptions): Promise<WAMessage | null>;
  /** `everyone` revokes for all participants (only own messages, or as a group admin). */
  delete(everyone?: boolean): Promise<void>;
}

export interface WAGroupParticipant {
  id: WAContactId;
  isAdmin: boolean;
  isSuperAdmin: boolean;
}

export interface WAChat {
  id: WAContactId;
  name: string;
  isGroup: boolean;
  isReadOnly: boolean;
  isMuted: boolean;
  archived: boolean;
  /** Unix seconds of the last activity. */
  timestamp: number;
  unreadCount: number;
  /** The newest message's id (whatsapp-web.js `lastMessage.id._serialized`), when known. */
  lastMessageId?: string;
  /** Groups only (whatsapp-web.js `GroupChat`). */
  description?: string;
  /** Groups only (whatsapp-web.js `GroupChat`). */
  participants?: WAGroupParticipant[];
  /** Groups only; false when WhatsApp refuses (only admins may, in a restricted group). */
  setSubject?(subject: string): Promise<boolean>;
  /** Groups only; false when WhatsApp refuses. */
  setDescription?(description: string): Promise<boolean>;
  /** Groups only; rejects when WhatsApp refuses (only admins may remove members). */
  removeParticipants?(ids: WAId[]): Promise<void>;

  sendSeen(): Promise<boolean>;
  /** WhatsApp shows "typing…" for about 25 s, or until clearState(). */
  sendStateTyping(): Promise<void>;
  clearState(): Promise<boolean>;
  /** Newest last; used for backfill. */
  fetchMessages(options: { limit: number; fromMe?: boolean }): Promise<WAMessage[]>;
}

export interface WAContact {
  id: WAContactId;
  /** The phone number without `+`; empty for `@lid` contacts whose number is hidden. */
  number: string;
  /** The name the user set for themselves. */
  pushname?: string;
  /** The name in our own address book. */
  name?: string;
  shortName?: string;
  isMe: boolean;
  isUser: boolean;
  isGroup: boolean;
  isMyContact: boolean;
  isBusiness: boolean;
}

/** whatsapp-web.js `ClientInfo`: the logged-in account (the fields the bridge uses). */
export interface WAClientInfo {
  /** Our own id, e.g. `3712345678@c.us`. */
  wid: WAContactId;
  /** The name we show to others. */
  pushname?: string;
}

/** whatsapp-web.js `Reaction`. */
export interface WAReaction {
  id: WAMessageId;
  /** The message reacted to. */
  msgId: WAMessageId;
  senderId: WAId;
  /** The emoji; an empty string means the sender removed their reaction. */
  reaction: string;
  /** Unix seconds. */
  timestamp: number;
  ack?: number;
}

/** whatsapp-web.js `GroupNotificationTypes` plus the subtypes the library routes to `group_join`. */
export type WAGroupNotificationType =
  | 'add'
  | 'invite'
  | 'linked_group_join'
  | 'remove'
  | 'leave'
  | 'promote'
  | 'demote'
  | 'subject'
  | 'description'
  | 'picture'
  | 'announce'
  | 'restrict'
  | (string & {});

/** whatsapp-web.js `GroupNotification`. */
export interface WAGroupNotification {
  id: WAMessageId;
  chatId: WAId;
  /** Who did it (the admin who added someone, the member who left, the one who renamed). */
  author: WAId;
  /** The new subject or description for `subject`/`description`. */
  body: string;
  type: WAGroupNotificationType;
  /** Unix seconds. */
  timestamp: number;
  /** The members affected (added, removed, promoted…). */
  recipientIds: WAId[];
}

export interface WASendOptions {
  quotedMessageId?: string;
  mentions?: WAId[];
  /** For media. */
  caption?: string;
  sendMediaAsSticker?: boolean;
  sendMediaAsDocument?: boolean;
  sendAudioAsVoice?: boolean;
  linkPreview?: boolean;
  /** whatsapp-web.js marks the chat read on every send unless this is false. */
  sendSeen?: boolean;
}

export interface WAEditOptions {
  mentions?: WAId[];
  linkPreview?: boolean;
}

/**
 * Events by whatsapp-web.js's own names and listener arguments. Typing notifications are absent
 * because whatsapp-web.js does not expose other people's chat state.
 */
export interface WhatsAppDriverEvents {
  qr: [qr: string];
  /** A pairing code after requestPairingCode(). */
  code: [code: string];
  authenticated: [];
  auth_failure: [message: string];
  ready: [];
  /** Received messages only. */
  message: [message: WAMessage];
  /** Every new message, including our own (sent from the phone or by sendMessage: the echo). */
  message_create: [message: WAMessage];
  message_edit: [message: WAMessage, newBody: string, prevBody: string];
  /** `message.id` is the revoked message's id; `revoked` is its earlier state when known. */
  message_revoke_everyone: [message: WAMessage, revoked: WAMessage | null | undefined];
  message_reaction: [reaction: WAReaction];
  message_ack: [message: WAMessage, ack: WAMessageAck];
  /** A chat's unread count changed (whatsapp-web.js `unread_count`): 0 once read, on the phone too. */
  unread_count: [chat: WAChat];
  group_join: [notification: WAGroupNotification];
  group_leave: [notification: WAGroupNotification];
  group_update: [notification: WAGroupNotification];
  group_admin_changed: [notification: WAGroupNotification];
  change_state: [state: WAState];
  /** `LOGOUT` when the session was revoked from the phone; the stored session is then gone. */
  disconnected: [reason: WAState | 'LOGOUT' | (string & {})];
  /** The session was saved to the SessionStore for the first time after a login. */
  remote_session_saved: [];
}

export type WhatsAppDriverEvent = keyof WhatsAppDriverEvents;
export type WhatsAppDriverListener<E extends WhatsAppDriverEvent> = (
  ...args: WhatsAppDriverEvents[E]
) => void;

/** One logged-in (or logging-in) WhatsApp account. */
export interface WhatsAppDriver {
  /**
   * Starts the client: restores the stored session (then `authenticated` and `ready` follow
   * without a QR) or begins a login (`qr` events). Resolves once the login screen or the
   * restored session is up, not when the user has scanned.
   */
  initialize(): Promise<void>;
  /** Stops the client and frees its resources; the stored session is kept. */
  destroy(): Promise<void>;
  /** Logs out on WhatsApp and deletes the stored session. */
  logout(): Promise<void>;

  on<E extends WhatsAppDriverEvent>(event: E, listener: WhatsAppDriverListener<E>): this;
  off<E extends WhatsAppDriverEvent>(event: E, listener: WhatsAppDriverListener<E>): this;

  /** null before the page is up. */
  getState(): Promise<WAState | null>;
  /** whatsapp-web.js `client.info`: our own account once `ready` fired; null before. */
  getClientInfo(): WAClientInfo | null;
  /** Call after the first `qr`; `phoneNumber` is international digits only (e.g. 3712345678). */
  requestPairingCode(phoneNumber: string): Promise<string>;

  sendMessage(chatId: WAId, content: string | WAMedia, options?: WASendOptions): Promise<WAMessage>;
  getMessageById(messageId: string): Promise<WAMessage | null>;
  getChatById(chatId: WAId): Promise<WAChat | null>;
  getChats(): Promise<WAChat[]>;
  getContactById(contactId: WAId): Promise<WAContact>;
  /** undefined when privacy settings hide the picture or there is none. */
  getProfilePicUrl(contactId: WAId): Promise<string | undefined>;
  /** Resolves a phone number to its WhatsApp id; null when the number is not on WhatsApp. */
  getNumberId(phoneNumber: string): Promise<WAContactId | null>;
  sendSeen(chatId: WAId): Promise<boolean>;
}

export interface DriverOptions {
  /** Our login id; also names the stored session. Letters, digits, `_` and `-` only. */
  sessionId: string;
  store: SessionStore;
  chromium: ChromiumOptions;
}

export type DriverFactory = (opts: DriverOptions) => WhatsAppDriver;

/** Typed event plumbing shared by the driver implementations. */
export class DriverEventEmitter {
  private readonly emitter = new EventEmitter();

  on<E extends WhatsAppDriverEvent>(event: E, listener: WhatsAppDriverListener<E>): void {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
  }

  off<E extends WhatsAppDriverEvent>(event: E, listener: WhatsAppDriverListener<E>): void {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
  }

  emit<E extends WhatsAppDriverEvent>(event: E, ...args: WhatsAppDriverEvents[E]): void {
    this.emitter.emit(event, ...args);
  }
}

/** The session ids RemoteAuth accepts as `clientId` (it rejects anything else). */
export function assertValidSessionId(sessionId: string): void {
  if (!/^[-_A-Za-z0-9]+$/.test(sessionId)) {
    throw new Error(`Invalid WhatsApp session id ${JSON.stringify(sessionId)}: use letters, digits, _ and -`);
  }
}
