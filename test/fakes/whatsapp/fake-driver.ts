/**
 * A WhatsApp driver for tests: the lowest layer faked, everything above it real.
 *
 * It speaks whatsapp-web.js's event names, argument order and object shapes (ids such as
 * `3712345678@c.us`, `120363000000000001@g.us`, `false_3712345678@c.us_3EB0…`), persists its
 * "session" through the SessionStore exactly as RemoteAuth does (a file at
 * `<dataDir>/RemoteAuth-<sessionId>.zip`, then `store.save`), and records every call made on it.
 * Tests drive the remote side through the control API (emitQr, scanQr, incomingMessage, …); a
 * FakeWhatsAppNetwork lets several fakes message each other.
 *
 * This file is the WhatsAppDriver interface; its parts live beside it: driver-state.ts (what a
 * driver holds), control-api.ts (the test control API), local-store.ts (messages, chats,
 * contacts), object-shapes.ts (Message/Chat/Contact objects), groups.ts, media.ts,
 * remote-auth-session.ts, wa-ids.ts and specs.ts.
 */
import type {
  DriverFactory,
  DriverOptions,
  WAChat,
  WAClientInfo,
  WAContact,
  WAContactId,
  WAId,
  WAMedia,
  WAMessage,
  WASendOptions,
  WAState,
  WhatsAppDriver,
  WhatsAppDriverEvent,
  WhatsAppDriverListener,
} from '../../../bridges/whatsapp/driver';
import { FakeDriverControl } from './control-api';
import type { Phase } from './driver-state';
import type { FakeWhatsAppNetwork } from './fake-network';
import { mediaType } from './media';
import { contactShape } from './object-shapes';
import { contactId, nextProtocolId, userId } from './wa-ids';

// Kept importable from here, where tests have always found them.
export type { FakeCall, FakeContactSpec, FakeGroupSpec, IncomingMessageSpec, OwnMessageSpec } from './specs';
export { nextProtocolId, userId } from './wa-ids';

export class FakeWhatsAppDriver extends FakeDriverControl implements WhatsAppDriver {
  /** What sendMessage returned, in order: the messages sent through the driver interface, with their ids. */
  readonly sent: WAMessage[] = [];

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
    super(opts, network);
  }

  async initialize(): Promise<void> {
    this.record('initialize');
    const blob = await this.remoteAuth.restore();
    if (blob) {
      this.me = blob.me;
      this.ownPushname = blob.pushname;
      if (this.profile?.me === blob.me) this.local.copyFrom(this.profile.local);
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
    await this.remoteAuth.delete();
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
    const stored = this.local.addOwn(me, {
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
    const stored = this.local.messages.get(id);
    return stored ? this.snapshot(stored) : null;
  }

  async getChatById(chatId: WAId): Promise<WAChat | null> {
    this.record('getChatById', chatId);
    this.requireReady();
    const chat = this.local.chats.get(chatId);
    return chat ? this.chatSnapshot(chat) : null;
  }

  async getChats(): Promise<WAChat[]> {
    this.record('getChats');
    this.requireReady();
    return [...this.local.chats.values()].map((c) => this.chatSnapshot(c));
  }

  async getContactById(id: WAId): Promise<WAContact> {
    this.record('getContactById', id);
    this.requireReady();
    return contactShape(id, this.local.contacts.get(id), this.me);
  }

  async getProfilePicUrl(id: WAId): Promise<string | undefined> {
    this.record('getProfilePicUrl', id);
    this.requireReady();
    return this.local.contacts.get(id)?.profilePicUrl;
  }

  async getNumberId(phoneNumber: string): Promise<WAContactId | null> {
    this.record('getNumberId', phoneNumber);
    this.requireReady();
    const id = userId(phoneNumber.replace(/\D/g, ''));
    const known = this.local.contacts.has(id) || (this.network?.isRegistered(id) ?? false);
    return known ? contactId(id) : null;
  }

  async sendSeen(chatId: WAId): Promise<boolean> {
    this.record('sendSeen', chatId);
    this.requireReady();
    const chat = this.local.chats.get(chatId);
    if (!chat) return false;
    // As in the library: reading here changes the unread count, which it announces.
    const had = chat.unreadCount;
    chat.unreadCount = 0;
    if (had > 0) this.events.emit('unread_count', this.chatSnapshot(chat));
    return true;
  }
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
