/**
 * One configured IRC network: the bridge bot, the pool of puppets (one IRC connection per Matrix
 * user who speaks), the channel registry that elects one listener per channel, and the gate that
 * paces connects. Idle puppets are reaped; the number of puppets is capped per network; active
 * puppets are remembered in the module's key-value store and come back (paced) after a restart.
 */
import { BridgeError, type MatrixActor } from '../../src/sdk';
import { ChannelRegistry, RecentKeys } from './channels';
import type { IrcContext, IrcNetworkConfig } from './config';
import { ConnectGate } from './connect-gate';
import { IrcConn, type ConnCredentials } from './connection';
import { fold, isChannel, parseChatId } from './ids';
import { credentialsFor } from './login';
import { NickChoice } from './nick-choice';
import { OwnNicks } from './own-nicks';

const ACTIVE_KEY = (net: string, userId: string) => `active/${net}/${userId}`;
/** Activity is written to the store at most this often per puppet. */
const PERSIST_EVERY_MS = 60_000;

export class IrcNetwork {
  readonly gate: ConnectGate;
  readonly channels = new ChannelRegistry<IrcConn>();
  readonly recent = new RecentKeys();
  readonly bot: IrcConn;
  private readonly puppets = new Map<string, IrcConn>();
  private readonly connecting = new Map<string, Promise<IrcConn>>();
  private readonly own = new OwnNicks<IrcConn>();
  private readonly nickChoice: NickChoice;
  private readonly persistedAt = new Map<string, number>();
  private reaper: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    readonly ctx: IrcContext,
    readonly id: string,
    readonly cfg: IrcNetworkConfig,
    /** Attaches the IRC → Matrix handlers to a new connection (to-matrix.ts). */
    private readonly bind: (net: IrcNetwork, conn: IrcConn) => void,
  ) {
    this.gate = new ConnectGate(cfg.connects_per_second);
    this.nickChoice = new NickChoice(ctx, id, this.name, cfg.nick_template);
    this.bot = this.track(new IrcConn(cfg, this.gate, undefined));
  }

  get name(): string {
    return this.cfg.name ?? this.id;
  }

  get puppetCount(): number {
    return this.puppets.size;
  }

  /** Connects the bot (retrying in the background), rejoins bridged channels, restores puppets. */
  async start(): Promise<void> {
    const fatal = (err: BridgeError) =>
      this.ctx.log.error('IRC bot cannot connect', { network: this.id, error: err.message });
    void this.bot.connectForever(this.cfg.bot_nick, fatal).then(async (connected) => {
      if (connected) for (const channel of await this.bridgedChannels()) this.ensureIn(this.bot, channel);
    });
    const idle = this.cfg.idle_timeout_seconds * 1000;
    if (idle > 0) this.reaper = setInterval(() => void this.reap(), Math.min(idle / 4, 60_000)).unref();
    void this.restorePuppets().catch((err: unknown) =>
      this.ctx.log.warn('IRC puppets not restored', { network: this.id, error: String(err) }),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.reaper);
    this.gate.close();
    const all = [this.bot, ...this.puppets.values()];
    this.puppets.clear();
    await Promise.all(all.map((c) => c.quit('Bridge shutting down')));
  }

  /** Our connection currently using `nick`, if any. */
  ownConn(nick: string): IrcConn | undefined {
    return this.own.connOf(nick);
  }

  /** Whether `nick` is, or was a moment ago, one of our connections (or the network is stopping). */
  isOwnNick(nick: string): boolean {
    return this.stopped || this.own.has(nick);
  }

  /** An IRC user's nick as spelled now (from the channels we are in), by folded nick. */
  memberNick(folded: string): string | undefined {
    return this.channels.memberNick(folded);
  }

  /** The running puppet of a Matrix user, without creating one. */
  puppetOf(userId: string): IrcConn | undefined {
    return this.puppets.get(userId);
  }

  /** The user's puppet, connected on first use; refused beyond the network's connection cap. */
  async puppet(user: MatrixActor, credentials?: ConnCredentials | null, nick?: string): Promise<IrcConn> {
    const existing = this.puppets.get(user.userId);
    if (existing && credentials === undefined) return existing;
    const pending = this.connecting.get(user.userId);
    if (pending) return pending;
    if (this.stopped) throw new BridgeError('remote_unreachable', `the bridge is leaving ${this.name}`);
    if (!existing && this.puppets.size + this.connecting.size >= this.cfg.max_connections) {
      this.ctx.log.warn('IRC connection cap reached', { network: this.id, cap: this.cfg.max_connections });
      throw new BridgeError(
        'limit_reached',
        `the bridge already has ${this.cfg.max_connections} connections to ${this.name}, its limit, so you cannot get one now. Try again later.`,
      );
    }
    const created = this.createPuppet(user, credentials, existing, nick).finally(() =>
      this.connecting.delete(user.userId),
    );
    this.connecting.set(user.userId, created);
    return created;
  }

  /** Joins `channel` on `conn` unless it is in it or has asked already (the JOIN precedes any text). */
  ensureIn(conn: IrcConn, channel: string): void {
    const key = fold(channel);
    if (this.channels.isIn(conn, key) || conn.joining.has(key)) return;
    conn.joining.add(key);
    conn.client.join(channel).catch((err: unknown) => {
      conn.joining.delete(key);
      this.ctx.log.warn('IRC join failed', { network: this.id, channel, error: String(err) });
    });
  }

  /** Records that the user spoke (idle reaping), in the store at most once a minute. */
  markActive(conn: IrcConn): void {
    conn.lastActive = Date.now();
    const owner = conn.owner;
    if (!owner || conn.lastActive - (this.persistedAt.get(owner) ?? 0) < PERSIST_EVERY_MS) return;
    this.persistedAt.set(owner, conn.lastActive);
    const record = JSON.stringify({ at: conn.lastActive, nick: conn.nick ?? null });
    void this.ctx.kv.set(ACTIVE_KEY(this.id, owner), Buffer.from(record)).catch(() => undefined);
  }

  /** The nick a user asked for (`nick` command), kept for their next connection. */
  setNick(user: MatrixActor, nick: string): Promise<string> {
    return this.nickChoice.change(user, nick, this.puppets.get(user.userId));
  }

  /** The nick a new connection of the user asks for: chosen with `nick`, else `recent`, else the template. */
  nickOf(user: MatrixActor, recent?: string): Promise<string> {
    return this.nickChoice.initial(user, recent);
  }

  private async createPuppet(
    user: MatrixActor,
    given: ConnCredentials | null | undefined,
    old: IrcConn | undefined,
    preferred: string | undefined,
  ): Promise<IrcConn> {
    const credentials = given === undefined ? await credentialsFor(this.ctx, user.userId, this.id) : given;
    const conn = this.track(new IrcConn(this.cfg, this.gate, user.userId, credentials ?? undefined));
    const nick = old?.nick ?? (await this.nickOf(user, preferred));
    if (old) await old.quit('Reconnecting with a new login');
    const ident =
      (/^@([^:]+)/.exec(user.userId)?.[1] ?? '').replace(/[^a-z0-9]/gi, '').slice(0, 10) || 'matrix';
    try {
      await conn.connect(nick, user.userId, ident);
    } catch (err) {
      if (err instanceof BridgeError && err.code === 'bad_credentials' && credentials?.loginId)
        this.ctx.setBridgeState(credentials.loginId, { state: 'bad_credentials', message: err.message });
      throw err;
    }
    if (this.stopped) {
      // Connected while the module was stopping: nobody would ever quit it.
      await conn.quit('Bridge shutting down');
      throw new BridgeError('remote_unreachable', `the bridge is leaving ${this.name}`);
    }
    this.puppets.set(user.userId, conn);
    this.persistedAt.delete(user.userId);
    this.markActive(conn);
    void this.joinRoomsOf(conn, user.userId).catch(() => undefined);
    return conn;
  }

  /** Our connection's bookkeeping: own nicks, channel registry, the pool on close. */
  private track(conn: IrcConn): IrcConn {
    const client = conn.client;
    const log = this.ctx.log.child({ network: this.id, owner: conn.owner ?? '(bot)' });
    client.on('registered', (e) => {
      log.debug('IRC connection registered', { nick: e.nick });
      this.own.registered(conn, e.nick);
    });
    client.on('nick', (e) => this.own.renamed(conn, e.nick, e.newNick));
    client.on('reconnecting', (e) => log.info('IRC connection lost; reconnecting', { ...e }));
    const forget = () => {
      this.own.dropped(conn);
      this.channels.dropped(conn);
      conn.joining.clear();
    };
    client.on('reconnecting', forget);
    client.on('close', (e) => {
      forget();
      if (conn.owner && this.puppets.get(conn.owner) === conn) this.puppets.delete(conn.owner);
      if (e.error && !conn.closing)
        this.ctx.log.warn('IRC connection closed for good', {
          network: this.id,
          owner: conn.owner,
          error: e.error.message,
        });
    });
    this.bind(this, conn);
    return conn;
  }

  /** Channels of this network that have a portal. */
  private async bridgedChannels(): Promise<string[]> {
    const portals = await this.ctx.listPortals();
    return portals
      .map((p) => (p.chat.receiver ? null : parseChatId(p.chat.id)))
      .filter((c): c is NonNullable<typeof c> => c !== null && c.network === this.id && isChannel(c.target))
      .map((c) => c.target);
  }

  /** A new puppet joins the channels of the portal rooms its user is in. */
  private async joinRoomsOf(conn: IrcConn, userId: string): Promise<void> {
    for (const portal of await this.ctx.listPortals()) {
      const chat = portal.chat.receiver ? null : parseChatId(portal.chat.id);
      if (!chat || chat.network !== this.id || !chat.channel) continue;
      if ((await this.ctx.portalMembers(portal)).includes(userId)) this.ensureIn(conn, chat.target);
    }
  }

  private async reap(): Promise<void> {
    const limit = Date.now() - this.cfg.idle_timeout_seconds * 1000;
    for (const [userId, conn] of this.puppets) {
      if (conn.lastActive > limit) continue;
      this.puppets.delete(userId);
      this.ctx.log.info('IRC puppet idle; disconnecting', { network: this.id, userId });
      await this.ctx.kv.delete(ACTIVE_KEY(this.id, userId)).catch(() => undefined);
      await conn.quit('Idle');
    }
  }

  /** Puppets active before a restart come back, through the gate (so not all at once). */
  private async restorePuppets(): Promise<void> {
    const idle = this.cfg.idle_timeout_seconds * 1000;
    for (const key of await this.ctx.kv.list(`active/${this.id}/`)) {
      const userId = key.slice(`active/${this.id}/`.length);
      const record = JSON.parse((await this.ctx.kv.get(key))?.toString() ?? '{}') as {
        at?: number;
        nick?: string | null;
      };
      if (idle > 0 && Date.now() - (record.at ?? 0) > idle) {
        await this.ctx.kv.delete(key);
        continue;
      }
      void this.puppet({ userId, displayName: userId }, undefined, record.nick ?? undefined).catch(
        (err: unknown) =>
          this.ctx.log.warn('IRC puppet not restored', { network: this.id, userId, error: String(err) }),
      );
    }
  }
}
