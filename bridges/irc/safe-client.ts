/**
 * The only way the IRC bridge touches a socket. irc-framework does not strip CR/LF in action, setTopic,
 * join, part, changeNick or raw (a Matrix user could inject any command), has no flood control, and
 * reconnects on a fixed schedule. SafeClient builds every line itself from validated, stripped input
 * (irc-lines.ts, server-limits.ts), sends it through a token-bucket SendQueue, and reconnects with
 * jittered exponential backoff (reconnect.ts). irc-framework is kept for parsing, CAP/SASL
 * negotiation and PING/PONG.
 */
import { EventEmitter } from 'node:events';
import { Client, type ClientOptions } from 'irc-framework';
import { forwardEvents, type SafeClientEvents } from './client-events';
import { isValidMiddleParam } from './irc-text';
import { rawLine, textLines, trailingLine } from './irc-lines';
import { Backoff, JoinedChannels } from './reconnect';
import { Registration } from './registration';
import {
  buildClientOptions,
  IrcConnectError,
  IrcInputError,
  type IrcConnectOptions,
  type SafeClientConfig,
} from './safe-client-types';
import { SendQueue } from './send-queue';
import { ServerLimits } from './server-limits';

export {
  IrcConnectError,
  IrcInputError,
  type IrcConnectFailure,
  type IrcConnectOptions,
  type SafeClientConfig,
} from './safe-client-types';
export { type IrcTextEvent, type SafeClientEvents } from './client-events';
export { reconnectDelay, type ReconnectOptions } from './reconnect';
export { RAW_ALLOWED } from './irc-lines';

const QUIT_GRACE_MS = 5000;

export class SafeClient extends EventEmitter<SafeClientEvents> {
  private client: Client | undefined;
  private clientOptions: ClientOptions | undefined;
  private queue: SendQueue | undefined;
  private readonly limits: ServerLimits;
  private readonly backoff: Backoff;
  private readonly registration: Registration;
  private readonly joined = new JoinedChannels(
    (nick) => this.isMe(nick),
    (channel) => (this.client ? this.client.caseLower(channel) : channel.toLowerCase()),
  );
  private registered = false;
  private everRegistered = false;
  private quitting = false;
  private pendingConnect: { resolve: (r: { nick: string }) => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly config: SafeClientConfig = {}) {
    super();
    this.limits = new ServerLimits(() => this.client, config.lineLength);
    this.backoff = new Backoff(config.reconnect);
    this.registration = new Registration(config.registrationTimeoutMs ?? 30_000);
  }

  get nick(): string | undefined {
    return this.client?.user.nick;
  }

  /** Channel prefix mode letters the server announced (ISUPPORT PREFIX); RFC 1459's `ov` before. */
  get prefixModes(): string {
    return this.limits.prefixModes;
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
    this.backoff.reset();
    this.registration.reset();
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
    this.limits.checkChannel(channel);
    if (key !== undefined && (!isValidMiddleParam(key) || key.includes(','))) {
      throw new IrcInputError('channel key', 'must be one word without commas or control characters');
    }
    if (key !== undefined) this.joined.requested(channel, key);
    await this.send([key === undefined ? `JOIN ${channel}` : `JOIN ${channel} ${key}`]);
  }

  async part(channel: string, reason?: string): Promise<void> {
    this.limits.checkChannel(channel);
    await this.send([this.trailing(`PART ${channel}`, reason)]);
  }

  async setTopic(channel: string, topic: string): Promise<void> {
    this.limits.checkChannel(channel);
    await this.send([this.trailing(`TOPIC ${channel}`, topic, true)]);
  }

  async changeNick(nick: string): Promise<void> {
    this.limits.checkNick(nick);
    await this.send([`NICK ${nick}`]);
  }

  async kick(channel: string, nick: string, reason?: string): Promise<void> {
    this.limits.checkChannel(channel);
    this.limits.checkNick(nick);
    await this.send([this.trailing(`KICK ${channel} ${nick}`, reason)]);
  }

  /** An allow-listed command (see RAW_ALLOWED) with checked parameters. */
  async raw(command: string, ...params: string[]): Promise<void> {
    await this.send([rawLine(command, params, this.limits.lineLength)]);
  }

  /** Sends QUIT after everything already queued and closes; resolves once the socket is closed. */
  async quit(reason = 'Quit'): Promise<void> {
    const client = this.client;
    if (!client || this.quitting) return;
    this.quitting = true;
    this.backoff.cancel();
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

  /** Bytes of text one PRIVMSG/NOTICE line to `target` can carry, as say() splits it. */
  textBudget(target: string): number {
    return this.limits.textBudget(target);
  }

  private bind(client: Client): void {
    client.on('registered', (e) => this.onRegistered(e.nick));
    client.on('close', () => this.onClose());
    client.on('sasl failed', (e) => this.registration.saslFailed(e));
    client.on('irc error', (e) => {
      // ERROR: the server is closing the link. Lines written until the socket reports the close would
      // be lost with it; they wait for the next registration instead.
      if (e.error === 'irc') this.queue?.pause();
      // After our QUIT, ERROR ("Closing link: ... [Quit: ...]") is the server's goodbye, not a failure:
      // reported, it became a warning to the user (and, on stop, a notice sent as the core shut down).
      if (e.error === 'irc' && this.quitting) return;
      if (this.registered && e.error !== 'password_mismatch')
        this.emit('ircError', { error: e.error, reason: e.reason, channel: e.channel, nick: e.nick });
      else this.registration.serverError(e.error, e.reason);
    });
    client.on('nick in use', (e) => this.onNickRejected(e.nick, e.reason, 'nick_in_use'));
    client.on('nick invalid', (e) => this.onNickRejected(e.nick, e.reason, 'nick_invalid'));
    // Our own bookkeeping comes before anyone listening to us hears of the event.
    client.on('join', (e) => this.joined.joined(e.nick, e.channel));
    client.on('part', (e) => this.joined.left(e.nick, e.channel));
    client.on('kick', (e) => this.joined.left(e.kicked, e.channel));
    client.on('nick', (e) => {
      // irc-framework proxies the event before updating its own nick, so ours still matches the old
      // one here (or already the new one in later versions). A reconnect should come back under it.
      if (this.clientOptions && (this.isMe(e.nick) || this.isMe(e.new_nick)))
        this.clientOptions.nick = e.new_nick;
    });
    forwardEvents(client, this, (nick) => this.isMe(nick));
  }

  private openSocket(): void {
    const client = this.client as Client;
    this.registered = false;
    this.registration.begin(client);
    client.connect(this.clientOptions);
  }

  /** A reconnect attempt, once the gate (if any) lets it through and unless quit() came meanwhile. */
  private async reopen(): Promise<void> {
    const client = this.client;
    await this.config.beforeReconnect?.().catch(() => undefined);
    if (this.client === client && !this.quitting) this.openSocket();
  }

  private onRegistered(nick: string): void {
    this.registration.end();
    const queue = this.queue as SendQueue;
    this.registered = true;
    this.backoff.reset();
    if (this.everRegistered && this.joined.size > 0) {
      queue.push(this.joined.rejoinLines(this.limits.lineLength), { front: true }).catch(() => undefined);
    }
    this.everRegistered = true;
    queue.resume();
    this.emit('registered', { nick });
    this.pendingConnect?.resolve({ nick });
    this.pendingConnect = undefined;
  }

  private onClose(): void {
    this.registration.end();
    this.registered = false;
    this.queue?.pause();
    if (this.quitting) return this.finish(undefined);
    if (this.registration.fatal) return this.finish(this.registration.fatal);
    if (!this.everRegistered) return this.finish(this.registration.failure);
    const next = this.backoff.next();
    if (!next) {
      const tries = this.backoff.maxAttempts;
      return this.finish(new IrcConnectError('closed', `gave up reconnecting after ${tries} attempts`));
    }
    this.emit('reconnecting', next);
    this.backoff.schedule(next.delayMs, () => void this.reopen());
  }

  private finish(error: Error | undefined): void {
    this.backoff.cancel();
    this.registration.end();
    this.queue?.close();
    this.client?.removeAllListeners();
    this.client = this.queue = this.clientOptions = undefined;
    this.registered = false;
    this.joined.clear();
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
    const alternative = this.registration.nickRejected(this.clientOptions?.nick ?? nick, nick, reason, error);
    if (alternative !== undefined) this.client?.raw(`NICK ${alternative}`);
    else this.client?.connection.end();
  }

  private async sendText(
    command: 'PRIVMSG' | 'NOTICE',
    target: string,
    text: string,
    action: boolean,
  ): Promise<void> {
    this.limits.checkTarget(target);
    await this.send(textLines(command, target, text, this.limits.textBudget(target), action));
  }

  private send(lines: string[]): Promise<void> {
    if (!this.queue) return Promise.reject(new IrcConnectError('closed', 'not connected'));
    return this.queue.push(lines);
  }

  private trailing(head: string, text: string | undefined, keepEmpty = false): string {
    return trailingLine(head, text, this.limits.lineLength, keepEmpty);
  }

  private writeLine(line: string): void {
    this.limits.checkWritable(line);
    this.client?.raw(line);
  }

  private isMe(nick: string): boolean {
    return this.client !== undefined && this.client.caseCompare(nick, this.client.user.nick);
  }
}
