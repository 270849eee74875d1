/**
 * The whatsapp-web.js driver: a `Client` in a Debian Chromium, its session persisted by
 * RemoteAuth into our SessionStore. Everything the library hands out is converted to the
 * driver types at this boundary, so no whatsapp-web.js object escapes this file.
 */
import { createReadStream } from 'node:fs';
import { rm, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import WAWebJS from 'whatsapp-web.js';
import { findChromium, puppeteerLaunchOptions } from './chromium';
import type { SessionStore } from './session-store';
import {
  toAck,
  toContactId,
  toMessage,
  toChat,
  toContact,
  toReaction,
  toGroupNotification,
} from './wwebjs-convert';
import {
  assertValidSessionId,
  DriverEventEmitter,
  type DriverFactory,
  type DriverOptions,
  type WAChat,
  type WAClientInfo,
  type WAContact,
  type WAContactId,
  type WAMedia,
  type WAMessage,
  type WASendOptions,
  type WAState,
  type WhatsAppDriver,
  type WhatsAppDriverEvent,
  type WhatsAppDriverListener,
} from './driver';

// whatsapp-web.js is CommonJS with `export =`; take the runtime classes off the namespace.
const { Client, MessageMedia, RemoteAuth } = WAWebJS;

export interface WwebjsDriverConfig {
  /** Upper bound for initialize() (page load and injection); the library itself waits forever. */
  initTimeoutMs?: number;
  /** How often RemoteAuth re-saves the profile; at least 60 000 (RemoteAuth's minimum). */
  backupSyncIntervalMs?: number;
  /** The name shown under "Linked devices" on the phone. */
  deviceName?: string;
  /** Errors from work nobody awaits (periodic session saves); wire to a logger. Default: ignored. */
  onBackgroundError?: (error: unknown) => void;
}

const DEFAULTS: Required<WwebjsDriverConfig> = {
  initTimeoutMs: 120_000,
  backupSyncIntervalMs: 5 * 60_000,
  deviceName: 'Switchboard',
  onBackgroundError: () => undefined,
};

export class DriverInitError extends Error {
  readonly code = 'WHATSAPP_DRIVER_INIT_FAILED';
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'DriverInitError';
  }
}

/**
 * Shared mode is refused rather than half-supported: whatsapp-web.js either launches its own
 * browser or, given `browserWSEndpoint`, opens its page in the *default* context of the remote
 * browser (all sessions would share one WhatsApp login), ignores RemoteAuth's profile folder
 * (nothing to persist) and closes the whole shared browser on destroy().
 */
export class SharedBrowserUnsupportedError extends Error {
  readonly code = 'WHATSAPP_SHARED_BROWSER_UNSUPPORTED';
  constructor() {
    super(
      'The whatsapp-web.js driver needs one Chromium per session (bridges.whatsapp.chromium.mode: per-session)',
    );
    this.name = 'SharedBrowserUnsupportedError';
  }
}

export function createWwebjsDriverFactory(config: WwebjsDriverConfig = {}): DriverFactory {
  const settings = { ...DEFAULTS, ...config };
  return (opts) => new WwebjsDriver(opts, settings);
}

/**
 * Adapts our SessionStore to RemoteAuth's `Store`. RemoteAuth writes the zip to
 * `<dataPath>/<session>.zip` (dataPath resolved) and then calls `save({ session })` without the
 * path; `dataPath` must be the one given to RemoteAuth.
 */
export function remoteAuthStore(store: SessionStore, dataPath: string): WAWebJS.Store {
  const zipDir = resolve(dataPath);
  return {
    sessionExists: (o) => store.sessionExists(o),
    save: ({ session }) => store.save({ session, path: join(zipDir, `${session}.zip`) }),
    extract: (o) => store.extract(o),
    delete: (o) => store.delete(o),
  };
}

/** unzipper (a whatsapp-web.js dependency) ships no types; the one call used here. */
interface Unzipper {
  Extract(opts: { path: string; concurrency?: number }): NodeJS.WritableStream & { promise(): Promise<void> };
}
// Resolved from whatsapp-web.js so it is the very copy RemoteAuth uses.
const unzipper = createRequire(require.resolve('whatsapp-web.js'))('unzipper') as Unzipper;

/** RemoteAuth's own methods that its typings omit or declare as properties. */
interface RemoteAuthMethods {
  afterAuthReady(): Promise<void>;
  destroy(): Promise<void>;
  disconnect(): Promise<void>;
  storeRemoteSession(options?: { emit?: boolean }): Promise<void>;
}
const remoteAuth = RemoteAuth.prototype as unknown as RemoteAuthMethods;

export interface CompleteRestoreRemoteAuthOptions {
  store: WAWebJS.Store;
  clientId: string;
  dataPath: string;
  backupSyncIntervalMs: number;
  /** Failures of background session saves; the library would leave them as unhandled rejections. */
  onSaveError: (error: unknown) => void;
}

/**
 * RemoteAuth (whatsapp-web.js 1.34) with three faults fixed; everything else is the library's.
 * 1. unCompressSession() resolves on unzipper's `finish`, which fires before the extracted files
 *    are written (unzipper emits `close` when they are): Chromium could open a half-restored
 *    profile, WhatsApp Web would ask for a new QR and RemoteAuth delete the stored session.
 * 2. Session saves run un-awaited (the client does not await afterAuthReady(), the backup
 *    interval does not catch), so one failing store write is an unhandled rejection, which ends
 *    the Node process.
 * 3. afterAuthReady() first waits 60 s, then starts the backup interval; destroy() or logout()
 *    during the wait clears nothing, and the interval then runs (and keeps Node alive) forever.
 */
export class CompleteRestoreRemoteAuth extends RemoteAuth {
  private readonly profileDir: string;
  private readonly onSaveError: (error: unknown) => void;
  private stopped = false;

  constructor(opts: CompleteRestoreRemoteAuthOptions) {
    const { onSaveError, ...remoteAuthOptions } = opts;
    super(remoteAuthOptions);
    this.profileDir = join(resolve(opts.dataPath), `RemoteAuth-${opts.clientId}`);
    this.onSaveError = onSaveError;
    // The typings declare these hooks as properties, so they are wrapped here, not overridden.
    this.afterAuthReady = async () => {
      this.stopped = false;
      await remoteAuth.afterAuthReady.call(this);
      if (this.stopped) await remoteAuth.destroy.call(this); // clears the interval started late
    };
    this.destroy = async () => {
      this.stopped = true;
      await remoteAuth.destroy.call(this);
    };
    this.disconnect = async () => {
      this.stopped = true;
      await remoteAuth.disconnect.call(this);
    };
  }

  /** Called by RemoteAuth.extractRemoteSession() with the zip the store extracted. */
  async unCompressSession(zipPath: string): Promise<void> {
    const extract = unzipper.Extract({ path: this.profileDir, concurrency: 10 });
    const done = extract.promise(); // resolves on `close`: every file written
    createReadStream(zipPath)
      .on('error', (err) => extract.emit('error', err))
      .pipe(extract);
    await done;
    await unlink(zipPath);
  }

  /** Called by afterAuthReady() and the backup interval, neither of which handles a failure. */
  async storeRemoteSession(options?: { emit?: boolean }): Promise<void> {
    try {
      await remoteAuth.storeRemoteSession.call(this, options);
    } catch (error) {
      this.onSaveError(error);
    }
  }
}

export class WwebjsDriver implements WhatsAppDriver {
  private readonly client: WAWebJS.Client;
  private readonly events = new DriverEventEmitter();
  private readonly profileDir: string;
  private readonly sessionId: string;
  private readonly store: SessionStore;

  constructor(
    opts: DriverOptions,
    private readonly config: Required<WwebjsDriverConfig>,
  ) {
    assertValidSessionId(opts.sessionId);
    this.sessionId = opts.sessionId;
    this.store = opts.store;
    if (opts.chromium.mode === 'shared') throw new SharedBrowserUnsupportedError();
    const executablePath = findChromium(opts.chromium.path);
    const dataPath = resolve(opts.chromium.dataDir);
    this.profileDir = join(dataPath, `RemoteAuth-${opts.sessionId}`);
    this.client = new Client({
      authStrategy: new CompleteRestoreRemoteAuth({
        store: remoteAuthStore(opts.store, dataPath),
        clientId: opts.sessionId,
        dataPath,
        backupSyncIntervalMs: config.backupSyncIntervalMs,
        onSaveError: config.onBackgroundError,
      }),
      // RemoteAuth sets userDataDir itself and rejects any other.
      puppeteer: puppeteerLaunchOptions(executablePath, undefined, opts.chromium.args),
      // The default local cache writes `.wwebjs_cache/` into the working directory.
      webVersionCache: { type: 'local', path: join(dataPath, 'web-cache') },
      deviceName: config.deviceName,
    });
    this.forwardEvents();
  }

  async initialize(): Promise<void> {
    const started = this.client.initialize();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DriverInitError(`WhatsApp Web did not load within ${this.config.initTimeoutMs} ms`)),
        this.config.initTimeoutMs,
      );
    });
    try {
      await Promise.race([started, timeout]);
    } catch (err) {
      await this.destroy().catch(() => undefined);
      // After a timeout the library's initialize() is still running and may launch the browser
      // only now (then navigate and inject for real): destroy again once it settles.
      started
        .catch(() => undefined)
        .then(() => this.destroy())
        .catch(() => undefined);
      if (err instanceof DriverInitError) throw err;
      // The library sometimes throws plain strings ('auth timeout').
      throw new DriverInitError(`WhatsApp Web failed to start: ${describe(err)}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  async destroy(): Promise<void> {
    await this.client.destroy();
    // The profile is an unencrypted copy of the stored session, and RemoteAuth rebuilds it from
    // the store on the next initialize() anyway: do not leave it on disk.
    await rm(this.profileDir, { recursive: true, force: true });
  }

  async logout(): Promise<void> {
    if (!this.client.pupPage) {
      // No page to tell WhatsApp with (never started, or failed to): forget the session here;
      // the phone keeps listing the device until WhatsApp expires it.
      await this.store.delete({ session: `RemoteAuth-${this.sessionId}` });
      await rm(this.profileDir, { recursive: true, force: true });
      return;
    }
    // RemoteAuth deletes the stored session and the profile as part of the library's logout.
    await this.client.logout();
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
    if (!this.client.pupPage) return null;
    return (await this.client.getState()) ?? null;
  }

  getClientInfo(): WAClientInfo | null {
    // `info` is set when the client becomes ready; the typings declare it always present.
    const info = this.client.info as WAWebJS.ClientInfo | undefined;
    if (!info?.wid) return null;
    return { wid: toContactId(info.wid), ...(info.pushname ? { pushname: info.pushname } : {}) };
  }

  requestPairingCode(phoneNumber: string): Promise<string> {
    return this.client.requestPairingCode(phoneNumber, true);
  }

  async sendMessage(
    chatId: string,
    content: string | WAMedia,
    options: WASendOptions = {},
  ): Promise<WAMessage> {
    // Media is always built from bytes we already hold. Never MessageMedia.fromUrl: it fetches
    // any URL from this host (SSRF) with no size or time cap.
    const body =
      typeof content === 'string'
        ? content
        : new MessageMedia(
            content.mimetype,
            content.data,
            content.filename ?? null,
            content.filesize ?? null,
          );
    return toMessage(await this.client.sendMessage(chatId, body, options));
  }

  async getMessageById(messageId: string): Promise<WAMessage | null> {
    // The typings say Message; the library returns null for unknown ids.
    const msg = (await this.client.getMessageById(messageId)) as WAWebJS.Message | null;
    return msg ? toMessage(msg) : null;
  }

  async getChatById(chatId: string): Promise<WAChat | null> {
    // The typings say Chat; the library returns undefined for unknown ids.
    const chat = (await this.client.getChatById(chatId)) as WAWebJS.Chat | undefined;
    return chat ? toChat(chat) : null;
  }

  async getChats(): Promise<WAChat[]> {
    return (await this.client.getChats()).map(toChat);
  }

  async getContactById(contactId: string): Promise<WAContact> {
    return toContact(await this.client.getContactById(contactId));
  }

  async getProfilePicUrl(contactId: string): Promise<string | undefined> {
    // The typings say string; the library returns undefined when there is no picture.
    return ((await this.client.getProfilePicUrl(contactId)) as string | undefined) ?? undefined;
  }

  async getNumberId(phoneNumber: string): Promise<WAContactId | null> {
    const id = await this.client.getNumberId(phoneNumber);
    return id ? { server: id.server, user: id.user, _serialized: id._serialized } : null;
  }

  sendSeen(chatId: string): Promise<boolean> {
    return this.client.sendSeen(chatId);
  }

  private forwardEvents(): void {
    const c = this.client;
    const e = this.events;
    c.on('qr', (qr) => e.emit('qr', qr));
    c.on('code', (code) => e.emit('code', code));
    c.on('authenticated', () => e.emit('authenticated'));
    c.on('auth_failure', (message) => e.emit('auth_failure', String(message)));
    c.on('ready', () => e.emit('ready'));
    c.on('message', (m) => e.emit('message', toMessage(m)));
    c.on('message_create', (m) => e.emit('message_create', toMessage(m)));
    c.on('message_edit', (m, newBody, prevBody) =>
      e.emit('message_edit', toMessage(m), String(newBody), String(prevBody)),
    );
    c.on('message_revoke_everyone', (m, revoked) =>
      e.emit('message_revoke_everyone', toMessage(m), revoked ? toMessage(revoked) : revoked),
    );
    c.on('message_reaction', (r) => e.emit('message_reaction', toReaction(r)));
    c.on('message_ack', (m, ack) => e.emit('message_ack', toMessage(m), toAck(ack)));
    c.on('unread_count', (chat) => e.emit('unread_count', toChat(chat)));
    c.on('group_join', (n) => e.emit('group_join', toGroupNotification(n)));
    c.on('group_leave', (n) => e.emit('group_leave', toGroupNotification(n)));
    c.on('group_update', (n) => e.emit('group_update', toGroupNotification(n)));
    c.on('group_admin_changed', (n) => e.emit('group_admin_changed', toGroupNotification(n)));
    c.on('change_state', (state) => e.emit('change_state', state as `${WAWebJS.WAState}`));
    c.on('disconnected', (reason) => e.emit('disconnected', reason as `${WAWebJS.WAState}` | 'LOGOUT'));
    c.on('remote_session_saved', () => e.emit('remote_session_saved'));
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
