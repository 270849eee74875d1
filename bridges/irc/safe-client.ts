/**
 * The only way the IRC bridge touches a socket. irc-framework does not strip CR/LF in action, setTopic,
 * join, part, changeNick or raw (a Matrix user could inject any command), has no flood control, and
 * reconnects on a fixed schedule. SafeClient builds every line itself from validated, stripped input,
 * sends it through a token-bucket SendQueue, and reconnects with jittered exponential backoff.
 * irc-framework is kept for parsing, CAP/SASL negotiation and PING/PONG.
 */
import { EventEmitter } from 'node:events';
import { Client, type ClientOptions, type MessageEvent } from 'irc-framework';
import {
  DEFAULT_LINE_LENGTH,
  hasLineBreakOrNul,
  isValidChannel,
  isValidMiddleParam,
  isValidNick,
  lineBudget,
} from './irc-text';
import { joinLines, rawLine, textLines, trailingLine } from './irc-lines';
import {
  buildClientOptions,
  IrcConnectError,
  IrcInputError,
  reconnectDelay,
  toTextEvent,
  type IrcConnectOptions,
  type IrcTextEvent,
  type SafeClientConfig,
  type SafeClientEvents,
} from './safe-client-types';
import { SendQueue } from './send-queue';

export {
  IrcConnectError,
  IrcInputError,
  reconnectDelay,
  type IrcConnectFailure,
  type IrcConnectOptions,
  type IrcTextEvent,
  type ReconnectOptions,
  type SafeClientConfig,
  type SafeClientEvents,
} from './safe-client-types';
export { RAW_ALLOWED } from './irc-lines';

const QUIT_GRACE_MS = 5000;

export class SafeClient extends EventEmitter<SafeClientEvents> {
  private client: Client | undefined;
  private clientOptions: ClientOptions | undefined;
  private queue: SendQueue | undefined;
  /** Channels we are in (lower-cased name → name and key), rejoined after a reconnect. */
  private readonly channels = new Map<string, { name: string; key?: string }>();
  private readonly requestedKeys = new Map<string, string>();
  private registered = false;
  private everRegistered = false;
  private quitting = false;
  private attempt = 0;
  private nickRetries = 0;
  /** Why the current attempt failed: final (fatal) or only a reason to report. */
  private fatal: IrcConnectError | undefined;
  private lastFailure: IrcConnectError | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private registrationTimer: NodeJS.Timeout | undefined;
  private pendingConnect: { resolve: (r: { nick: string }) => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly config: SafeClientConfig = {}) {
    super();
  }

  get nick(): string | undefined {
    return this.client?.user.nick;
  }

  /** Channel prefix mode letters the server announced (ISUPPORT PREFIX); RFC 1459's `ov` before. */
  get prefixModes(): string {
    const prefix: unknown = this.client?.network.supports('PREFIX');
    if (!Array.isArray(prefix)) return 'ov';
    return prefix.map((p: { mode?: unknown }) => (typeof p.mode === 'string' ? p.mode : '')).join('');
  }

  get isRegistered(): boolean {
    return this.registered;
  }

  /** Resolves once registered; rejects with IrcInputError or IrcConnectError. Reconnects only after that. */
  async connect(opts: IrcConnectOptions): Promise<{ nick: string }> {
    if (this.client) throw new Error('SafeClient is already connected or connecting');
    const clientOptions = buildClientOptions(opts);
    const client = new Client();
    this.client = client;
    this.clientOptions = clientOptions;
    this.queue = new SendQueue((line) => this.writeLine(line), this.config.flood);
    this.everRegistered = this.quitting = false;
    this.attempt = 0;
    this.fatal = this.lastFailure = undefined;
    this.bind(client);
    return new Promise((resolve, reject) => {
      this.pendingConnect = { resolve, reject };
      this.openSocket();
    });
  }

  say(target: string, text: string): Promise<void> {
    return this.sendText('PRIVMSG', target, text, false);
  }

  notice(target: string, text: string): Promise<void> {
    return this.sendText('NOTICE', target, text, false);
  }

  action(target: string, text: string): Promise<void> {
    return this.sendText('PRIVMSG', target, text, true);
  }

  async join(channel: string, key?: string): Promise<void> {
    this.checkChannel(channel);
    if (key !== undefined && (!isValidMiddleParam(key) || key.includes(','))) {
      throw new IrcInputError('channel key', 'must be one word without commas or control characters');
    }
    if (key !== undefined) this.requestedKeys.set(this.lower(channel), key);
    await this.send([key === undefined ? `JOIN ${channel}` : `JOIN ${channel} ${key}`]);
  }

  async part(channel: string, reason?: string): Promise<void> {
    this.checkChannel(channel);
    await this.send([this.trailing(`PART ${channel}`, reason)]);
  }

  async setTopic(channel: string, topic: string): Promise<void> {
    this.checkChannel(channel);
    await this.send([this.trailing(`TOPIC ${channel}`, topic, true)]);
  }

  async changeNick(nick: string): Promise<void> {
    this.checkNick(nick);
    await this.send([`NICK ${nick}`]);
  }

  async kick(channel: string, nick: string, reason?: string): Promise<void> {
    this.checkChannel(channel);
    this.checkNick(nick);
    await this.send([this.trailing(`KICK ${channel} ${nick}`, reason)]);
  }

  /** An allow-listed command (see RAW_ALLOWED) with checked parameters. */
  async raw(command: string, ...params: string[]): Promise<void> {
    await this.send([rawLine(command, params, this.lineLength())]);
  }

  /** Sends QUIT after everything already queued and closes; resolves once the socket is closed. */
  async quit(reason = 'Quit'): Promise<void> {
    const client = this.client;
    if (!client || this.quitting) return;
    this.quitting = true;
    clearTimeout(this.reconnectTimer);
    if (!client.connected) {
      // Between reconnect attempts, or the socket is still opening.
      client.connection.end();
      return this.finish(undefined);
    }
    const closed = new Promise<void>((resolve) => this.once('close', () => resolve()));
    if (this.registered) await this.send([this.trailing('QUIT', reason, true)]).catch(() => undefined);
    // The server closes after QUIT (closing first could lose the reason); a server that does not,
    // or a connection still registering, gets its socket destroyed.
    const grace = setTimeout(
      () => client.connection.end(undefined, true),
      this.registered ? QUIT_GRACE_MS : 0,
    );
    await closed;
    clearTimeout(grace);
  }

  private bind(client: Client): void {
    client.on('registered', (e) => this.onRegistered(e.nick));
    client.on('close', () => this.onClose());
    // irc-framework disconnects by itself (sasl_disconnect_on_fail). No SASL on offer (services not
    // linked yet) is worth retrying after a reconnect; a refused login is not.
    client.on('sasl failed', (e) => {
      if (e.reason === 'capability_missing') {
        this.lastFailure = new IrcConnectError('sasl_unavailable', 'the server offers no SASL');
      } else {
        this.fatal = new IrcConnectError('sasl_failed', `SASL login failed: ${e.message ?? e.reason}`);
      }
    });
    client.on('irc error', (e) => {
      // ERROR: the server is closing the link. Lines written until the socket reports the close would
      // be lost with it; they wait for the next registration instead.
      if (e.error === 'irc') this.queue?.pause();
      if (e.error === 'password_mismatch')
        this.fatal = new IrcConnectError('password_mismatch', 'server password refused');
      else if (!this.registered) this.lastFailure = new IrcConnectError('closed', e.reason ?? e.error);
      else this.emit('ircError', { error: e.error, reason: e.reason, channel: e.channel, nick: e.nick });
    });
    client.on('nick in use', (e) => this.onNickRejected(e.nick, e.reason, 'nick_in_use'));
    client.on('nick invalid', (e) => this.onNickRejected(e.nick, e.reason, 'nick_invalid'));
    client.on('privmsg', (e) => this.emit('message', this.textEvent(e)));
    client.on('action', (e) => this.emit('action', this.textEvent(e)));
    // Server notices ("*** Looking up your hostname") are not conversation.
    client.on('notice', (e) => !e.from_server && this.emit('notice', this.textEvent(e)));
    client.on('join', (e) => {
      if (this.isMe(e.nick)) {
        const key = this.requestedKeys.get(this.lower(e.channel));
        this.channels.set(
          this.lower(e.channel),
          key === undefined ? { name: e.channel } : { name: e.channel, key },
        );
      }
      const account = typeof e.account === 'string' ? e.account : undefined;
      this.emit('join', { nick: e.nick, ident: e.ident, hostname: e.hostname, channel: e.channel, account });
    });
    client.on('part', (e) => {
      if (this.isMe(e.nick)) this.forget(e.channel);
      this.emit('part', { nick: e.nick, channel: e.channel, reason: e.message });
    });
    client.on('kick', (e) => {
      if (this.isMe(e.kicked)) this.forget(e.channel);
      this.emit('kick', { nick: e.nick, kicked: e.kicked, channel: e.channel, reason: e.message });
    });
    client.on('quit', (e) => this.emit('quit', { nick: e.nick, reason: e.message }));
    client.on('nick', (e) => {
      // irc-framework proxies the event before updating its own nick, so ours still matches the old
      // one here (or already the new one in later versions). A reconnect should come back under it.
      if (this.clientOptions && (this.isMe(e.nick) || this.isMe(e.new_nick)))
        this.clientOptions.nick = e.new_nick;
      this.emit('nick', { nick: e.nick, newNick: e.new_nick });
    });
    client.on('topic', (e) => this.emit('topic', { channel: e.channel, topic: e.topic, nick: e.nick }));
    client.on('userlist', (e) =>
      this.emit('names', {
        channel: e.channel,
        users: e.users.map((u) => ({ nick: u.nick, modes: u.modes })),
      }),
    );
    client.on('mode', (e) => this.emit('mode', { target: e.target, nick: e.nick, modes: e.modes }));
  }

  private openSocket(): void {
    const client = this.client as Client;
    this.registered = false;
    this.nickRetries = 0;
    this.fatal = undefined;
    this.registrationTimer = setTimeout(() => {
      this.lastFailure = new IrcConnectError(
        'registration_timeout',
        'no RPL_WELCOME from the server in time',
      );
      client.connection.end(undefined, true);
    }, this.config.registrationTimeoutMs ?? 30_000);
    client.connect(this.clientOptions);
  }

  /** A reconnect attempt, once the gate (if any) lets it through and unless quit() came meanwhile. */
  private async reopen(): Promise<void> {
    const client = this.client;
    await this.config.beforeReconnect?.().catch(() => undefined);
    if (this.client === client && !this.quitting) this.openSocket();
  }

  private onRegistered(nick: string): void {
    clearTimeout(this.registrationTimer);
    const queue = this.queue as SendQueue;
    this.registered = true;
    this.attempt = 0;
    if (this.everRegistered && this.channels.size > 0) {
      queue
        .push(joinLines([...this.channels.values()], this.lineLength()), { front: true })
        .catch(() => undefined);
    }
    this.everRegistered = true;
    queue.resume();
    this.emit('registered', { nick });
    this.pendingConnect?.resolve({ nick });
    this.pendingConnect = undefined;
  }

  private onClose(): void {
    clearTimeout(this.registrationTimer);
    this.registered = false;
    this.queue?.pause();
    if (this.quitting) return this.finish(undefined);
    if (this.fatal) return this.finish(this.fatal);
    if (!this.everRegistered)
      return this.finish(
        this.lastFailure ?? new IrcConnectError('closed', 'connection closed before registration'),
      );
    this.attempt += 1;
    const maxAttempts = this.config.reconnect?.maxAttempts ?? Infinity;
    if (this.attempt > maxAttempts) {
      return this.finish(new IrcConnectError('closed', `gave up reconnecting after ${maxAttempts} attempts`));
    }
    const delayMs = reconnectDelay(
      this.attempt,
      this.config.reconnect ?? { minDelayMs: 2000, maxDelayMs: 300_000 },
    );
    this.emit('reconnecting', { attempt: this.attempt, delayMs });
    this.reconnectTimer = setTimeout(() => void this.reopen(), delayMs);
  }

  private finish(error: Error | undefined): void {
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.registrationTimer);
    this.queue?.close();
    this.client?.removeAllListeners();
    this.client = this.queue = this.clientOptions = undefined;
    this.registered = false;
    this.channels.clear();
    this.requestedKeys.clear();
    this.pendingConnect?.reject(error ?? new IrcConnectError('closed', 'quit before registration'));
    this.pendingConnect = undefined;
    this.emit('close', error ? { error } : {});
  }

  /** Before registration a taken nick gets '_' added (3 tries); afterwards changeNick failures are reported. */
  private onNickRejected(nick: string, reason: string, error: string): void {
    if (this.registered) {
      this.emit('ircError', { error, reason, nick });
      return;
    }
    const base = this.clientOptions?.nick ?? nick;
    if (error === 'nick_in_use' && this.nickRetries < 3) {
      this.nickRetries += 1;
      const limit = Math.max(base.length, 9);
      const alternative =
        (base.length + this.nickRetries <= limit ? base : base.slice(0, limit - this.nickRetries)) +
        '_'.repeat(this.nickRetries);
      this.client?.raw(`NICK ${alternative}`);
      return;
    }
    this.fatal = new IrcConnectError('nick_unavailable', `nick ${nick} refused: ${reason}`);
    this.client?.connection.end();
  }

  /** Bytes of text one PRIVMSG/NOTICE line to `target` can carry, as say() splits it. */
  textBudget(target: string): number {
    return lineBudget(target, { lineLength: this.lineLength(), hostmaskLength: this.worstHostmaskLength() });
  }

  private async sendText(
    command: 'PRIVMSG' | 'NOTICE',
    target: string,
    text: string,
    action: boolean,
  ): Promise<void> {
    if (this.isChannelName(target)) this.checkChannel(target);
    else this.checkNick(target);
    await this.send(textLines(command, target, text, this.textBudget(target), action));
  }

  private send(lines: string[]): Promise<void> {
    if (!this.queue) return Promise.reject(new IrcConnectError('closed', 'not connected'));
    return this.queue.push(lines);
  }

  private trailing(head: string, text: string | undefined, keepEmpty = false): string {
    return trailingLine(head, text, this.lineLength(), keepEmpty);
  }

  /** Last line of defence: whatever reaches the socket is one protocol line within the server's limit. */
  private writeLine(line: string): void {
    if (hasLineBreakOrNul(line) || Buffer.byteLength(line) > this.lineLength() - 2) {
      throw new Error(`refusing to write an unsafe IRC line (${Buffer.byteLength(line)} bytes)`);
    }
    this.client?.raw(line);
  }

  private checkNick(nick: string): void {
    const maxLength = Number(this.client?.network.supports('NICKLEN')) || 30;
    if (!isValidNick(nick, { maxLength }))
      throw new IrcInputError('nick', `${JSON.stringify(nick)} is not a valid nick`);
  }

  private checkChannel(channel: string): void {
    const maxLength = Number(this.client?.network.supports('CHANNELLEN')) || 50;
    if (!isValidChannel(channel, { chantypes: this.chantypes(), maxLength })) {
      throw new IrcInputError('channel', `${JSON.stringify(channel)} is not a valid channel name`);
    }
  }

  private chantypes(): string {
    const types = this.client?.network.supports('CHANTYPES');
    return Array.isArray(types) ? types.join('') : typeof types === 'string' ? types : '#&';
  }

  private isChannelName(target: string): boolean {
    return target !== '' && this.chantypes().includes(target[0] as string);
  }

  private lineLength(): number {
    return Number(this.client?.network.supports('LINELEN')) || this.config.lineLength || DEFAULT_LINE_LENGTH;
  }

  /**
   * `nick!~user@host` at the longest the server allows: the host others see may be cloaked, and the
   * nick may change while lines wait in the queue.
   */
  private worstHostmaskLength(): number {
    const network = this.client?.network;
    const nickLen = Math.max(Number(network?.supports('NICKLEN')) || 30, Buffer.byteLength(this.nick ?? ''));
    const userLen = Number(network?.supports('USERLEN')) || 10;
    const hostLen = Number(network?.supports('HOSTLEN')) || 64;
    return nickLen + 1 + 1 + userLen + 1 + hostLen;
  }

  private textEvent(e: MessageEvent): IrcTextEvent {
    return toTextEvent(e, this.isMe(e.nick));
  }

  private isMe(nick: string): boolean {
    return this.client !== undefined && this.client.caseCompare(nick, this.client.user.nick);
  }

  private lower(channel: string): string {
    return this.client ? this.client.caseLower(channel) : channel.toLowerCase();
  }

  private forget(channel: string): void {
    this.channels.delete(this.lower(channel));
    this.requestedKeys.delete(this.lower(channel));
  }
}
