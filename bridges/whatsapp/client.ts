/**
 * One WhatsApp client per login (and per login in progress), and the pool that caps how many
 * run: each is a Chromium of several hundred MB, so the cap is the bridge's memory budget.
 *
 * A client outlives the login flow that created it: the flow scans the QR code with it and hands
 * it over to the login's session, so the phone's pairing is not thrown away and WhatsApp's first
 * messages after linking are not lost (events are buffered until the session attaches).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BridgeError, type Logger, type RemoteMessageEvent } from '../../src/sdk';
import type { DriverFactory, WAId, WAMessage, WhatsAppDriver, WhatsAppDriverEvents } from './driver';
import type { WhatsAppContext } from './config';
import { storedSessionName } from './ids';
import { KvSessionStore } from './session-store';

/** The driver events that carry chat content; they are handled one at a time, in order. */
export type Handlers = {
  [
    E in
      | 'message_create'
      | 'message_edit'
      | 'message_revoke_everyone'
      | 'message_reaction'
      | 'message_ack'
      | 'unread_count'
      | 'group_join'
      | 'group_leave'
      | 'group_update'
  ]: (...args: WhatsAppDriverEvents[E]) => Promise<void>;
};

/** How long we remember an action of ours to recognise its echo. */
const ECHO_TTL_MS = 5 * 60_000;

export class WhatsAppClient {
  ready = false;
  /** A chat's history for a new portal (SDK 1.3 `fetchHistory`); the login's session sets it. */
  history: (chatId: WAId) => Promise<RemoteMessageEvent[]> = async () => [];
  private handlers: Handlers | undefined;
  /** Events received before a session attached; null once attached. */
  private buffered: (() => Promise<void>)[] | null = [];
  private chain: Promise<void> = Promise.resolve();
  private readonly expected = new Map<string, number>();
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    readonly sessionId: string,
    readonly driver: WhatsAppDriver,
    private readonly log: Logger,
  ) {
    driver.on('ready', () => void (this.ready = true));
    driver.on('disconnected', () => void (this.ready = false));
    const d = driver;
    const h = () => this.handlers as Handlers;
    d.on('message_create', (m) => this.enqueue(() => h().message_create(m)));
    d.on('message_edit', (m, n, p) => this.enqueue(() => h().message_edit(m, n, p)));
    d.on('message_revoke_everyone', (m, r) => this.enqueue(() => h().message_revoke_everyone(m, r)));
    d.on('message_reaction', (r) => this.enqueue(() => h().message_reaction(r)));
    d.on('message_ack', (m, a) => this.enqueue(() => h().message_ack(m, a)));
    d.on('unread_count', (c) => this.enqueue(() => h().unread_count(c)));
    d.on('group_join', (n) => this.enqueue(() => h().group_join(n)));
    d.on('group_leave', (n) => this.enqueue(() => h().group_leave(n)));
    d.on('group_update', (n) => this.enqueue(() => h().group_update(n)));
  }

  /** Starts delivering events (buffered ones first), after `first` (e.g. the backfill). */
  attach(handlers: Handlers, first?: () => Promise<void>): void {
    this.handlers = handlers;
    const buffered = this.buffered ?? [];
    this.buffered = null;
    if (first) this.enqueue(first);
    for (const job of buffered) this.enqueue(job);
  }

  /** Queues work behind the events already received, so a chat's events stay in order. */
  enqueue(job: () => Promise<void>): void {
    if (this.buffered) {
      this.buffered.push(job);
      return;
    }
    this.chain = this.chain.then(job).catch((err: unknown) => this.failed(err));
  }

  /** Resolves when everything queued so far is done (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  /**
   * Sends through `send` and remembers the id, so the `message_create` echo is recognised even
   * when it arrives before the send resolves (it often does).
   */
  async trackSend(send: () => Promise<WAMessage>): Promise<WAMessage> {
    const sending = send().then((m) => {
      this.expect('send', m.id._serialized);
      return m;
    });
    this.inflight.add(sending);
    try {
      return await sending;
    } finally {
      this.inflight.delete(sending);
    }
  }

  /** Whether `id` is a message this bridge sent: waits for sends still in flight. */
  async isOwnSend(id: string): Promise<boolean> {
    if (this.take('send', id)) return true;
    if (this.inflight.size === 0) return false;
    await Promise.allSettled([...this.inflight]);
    return this.take('send', id);
  }

  /** Notes an edit, revoke or reaction we are about to make, to drop its echo. */
  expect(kind: string, key: string): void {
    const now = Date.now();
    for (const [k, at] of this.expected) if (now - at > ECHO_TTL_MS) this.expected.delete(k);
    this.expected.set(`${kind}\u0000${key}`, now);
  }

  /** True (once) when the event is the echo of something {@link expect}ed. */
  take(kind: string, key: string): boolean {
    return this.expected.delete(`${kind}\u0000${key}`);
  }

  private failed(err: unknown): void {
    this.log.error('handling a WhatsApp event failed', { session: this.sessionId, error: String(err) });
  }
}

/** All running clients, capped by `max_sessions`. */
export class ClientPool {
  private readonly clients = new Map<string, WhatsAppClient>();
  /** Clients whose login completed, waiting for the core to load the login's session. */
  private readonly handedOff = new Set<string>();
  /** For `loadMedia`: the client of each connected login. */
  readonly byLogin = new Map<string, WhatsAppClient>();
  readonly store: KvSessionStore;

  constructor(
    private readonly ctx: WhatsAppContext,
    private readonly factory: DriverFactory,
  ) {
    const kv = ctx.kv;
    // Session blobs are login credentials: always encrypted at rest.
    this.store = new KvSessionStore({
      get: (k) => kv.get(k),
      set: (k, v) => kv.set(k, v, { encrypt: true }),
      delete: (k) => kv.delete(k),
    });
  }

  get size(): number {
    return this.clients.size;
  }

  /** Starts a client (not yet initialised); refuses beyond the configured number of browsers. */
  open(sessionId: string): WhatsAppClient {
    const max = this.ctx.config.max_sessions;
    if (this.clients.size >= max)
      throw new BridgeError(
        'limit_reached',
        `this bridge runs at most ${max} WhatsApp session${max === 1 ? '' : 's'} at once (each needs its own browser); try again later or ask the bridge admin to raise bridges.whatsapp.max_sessions`,
      );
    const { chromium } = this.ctx.config;
    let driver: WhatsAppDriver;
    try {
      driver = this.factory({
        sessionId,
        store: this.store,
        chromium: {
          ...(chromium.path ? { path: chromium.path } : {}),
          dataDir: chromium.data_dir ?? join(tmpdir(), 'switchboard-whatsapp'),
          mode: 'per-session',
          args: chromium.args,
        },
      });
    } catch (err) {
      // E.g. ChromiumNotFoundError: the admin's to fix, and the log says how.
      this.ctx.log.error('could not start a WhatsApp client', { error: String(err) });
      throw new BridgeError(
        'remote_unreachable',
        'the bridge could not start a browser for WhatsApp (the bridge log says why)',
        false,
      );
    }
    const client = new WhatsAppClient(sessionId, driver, this.ctx.log.child({ session: sessionId }));
    this.clients.set(sessionId, client);
    return client;
  }

  handOff(client: WhatsAppClient): void {
    this.handedOff.add(client.sessionId);
  }

  /** The client a completed login left running, if any. */
  takeHandedOff(sessionId: string): WhatsAppClient | undefined {
    if (!this.handedOff.delete(sessionId)) return undefined;
    return this.clients.get(sessionId);
  }

  /** Whether a login's session runs on this client (then only the session may stop it). */
  ownedBySession(client: WhatsAppClient): boolean {
    return [...this.byLogin.values()].includes(client);
  }

  /** Stops a client's browser; its stored session stays (a restart restores it). */
  async close(client: WhatsAppClient): Promise<void> {
    this.handedOff.delete(client.sessionId);
    if (this.clients.get(client.sessionId) === client) this.clients.delete(client.sessionId);
    for (const [login, c] of this.byLogin) if (c === client) this.byLogin.delete(login);
    await client.driver.destroy().catch((err: unknown) =>
      this.ctx.log.warn('stopping a WhatsApp client failed', {
        session: client.sessionId,
        error: String(err),
      }),
    );
  }

  /** Deletes a stored session that can no longer be used (revoked, replaced, abandoned). */
  async forget(sessionId: string): Promise<void> {
    await this.store.delete({ session: storedSessionName(sessionId) });
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => this.close(c)));
  }
}
