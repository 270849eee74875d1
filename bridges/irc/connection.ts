/**
 * One IRC connection of the bridge: the network's bot or a Matrix user's puppet. It owns a
 * SafeClient (the only way to a socket) and remembers what the pool needs: who it belongs to, when
 * it last spoke, and how to connect through the network's gate.
 */
import { BridgeError } from '../../src/sdk';
import type { IrcNetworkConfig } from './config';
import type { ConnectGate } from './connect-gate';
import { reconnectDelay, type ReconnectOptions } from './reconnect';
import { IrcConnectError, SafeClient, type IrcConnectOptions } from './safe-client';

export interface ConnCredentials {
  readonly method: 'sasl' | 'nickserv';
  readonly account: string;
  readonly password: string;
  /** The login these came from, for its bridge state. */
  readonly loginId: string;
}

export class IrcConn {
  readonly client: SafeClient;
  /** When the owner last sent something (ms); drives idle reaping. */
  lastActive = Date.now();
  /** Set by quit(): the close that follows is expected. */
  closing = false;
  /** With NickServ credentials: whether NickServ accepted them (undefined: no clear answer in time). */
  identified: Promise<boolean | undefined> = Promise.resolve(undefined);
  /** Channels (folded) a JOIN was sent for and has not come back yet. */
  readonly joining = new Set<string>();

  constructor(
    readonly cfg: IrcNetworkConfig,
    private readonly gate: ConnectGate,
    /** The Matrix user of a puppet; undefined for the bot. */
    readonly owner: string | undefined,
    readonly credentials?: ConnCredentials,
  ) {
    this.client = new SafeClient({
      flood: { burst: cfg.flood.burst, linesPerSecond: cfg.flood.lines_per_second, maxQueued: 500 },
      reconnect: reconnectOptions(cfg),
      beforeReconnect: () => gate.wait(this.isBot),
      lineLength: cfg.line_length,
    });
  }

  get isBot(): boolean {
    return this.owner === undefined;
  }

  get nick(): string | undefined {
    return this.client.nick;
  }

  /** Waits for the gate, then connects once; failures become BridgeErrors a user can read. */
  async connect(nick: string, gecos: string, username: string): Promise<string> {
    await this.gate.wait(this.isBot);
    const creds = this.credentials;
    const opts: IrcConnectOptions = {
      host: this.cfg.host,
      port: this.cfg.port,
      tls: this.cfg.tls,
      rejectUnauthorized: this.cfg.tls_verify,
      nick,
      username,
      gecos,
      ...(this.cfg.password !== undefined ? { password: this.cfg.password } : {}),
      ...(creds?.method === 'sasl' ? { sasl: { account: creds.account, password: creds.password } } : {}),
    };
    try {
      const registered = await this.client.connect(opts);
      if (creds?.method === 'nickserv') this.identified = this.identify(creds);
      return registered.nick;
    } catch (err) {
      throw toBridgeError(err, this.cfg.name ?? this.cfg.host);
    }
  }

  /** Sends IDENTIFY and reads NickServ's answer (Atheme's and Anope's wording). */
  private identify(creds: ConnCredentials): Promise<boolean | undefined> {
    return new Promise((resolve) => {
      const done = (result: boolean | undefined) => {
        clearTimeout(timer);
        this.client.off('notice', onNotice);
        resolve(result);
      };
      const onNotice = (e: { nick: string; text: string }) => {
        if (e.nick.toLowerCase() !== 'nickserv') return;
        if (/invalid|incorrect|denied|failed|not registered|isn't registered/i.test(e.text)) done(false);
        else if (/now identified|now logged in|recognized|you are logged in/i.test(e.text)) done(true);
      };
      const timer = setTimeout(() => done(undefined), 10_000);
      this.client.on('notice', onNotice);
      this.client.say('NickServ', `IDENTIFY ${creds.account} ${creds.password}`).catch(() => done(undefined));
    });
  }

  /**
   * The bot keeps trying until it is in (a server that is down at start-up must not keep the
   * bridge from starting); only a refused password or nick stops it.
   */
  async connectForever(nick: string, onFatal: (err: BridgeError) => void): Promise<boolean> {
    for (let attempt = 0; !this.closing; attempt++) {
      try {
        await this.connect(nick, 'Switchboard Matrix bridge', nick.slice(0, 10));
        return true;
      } catch (err) {
        if (this.closing) break;
        const e = err instanceof BridgeError ? err : new BridgeError('remote_unreachable', String(err));
        if (e.code === 'bad_credentials' || e.code === 'invalid_input') {
          onFatal(e);
          break;
        }
        await new Promise((r) => setTimeout(r, reconnectDelay(attempt, reconnectOptions(this.cfg))));
      }
    }
    return false;
  }

  /**
   * Resolves once the connection is registered, waiting up to `ms` through a reconnect. A message
   * must not wait longer: the room's queue (everyone's messages in it) waits with it.
   */
  async ready(ms: number, network: string): Promise<void> {
    if (this.client.isRegistered) return;
    await new Promise<void>((resolve, reject) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.client.off('registered', onRegistered);
        if (ok) resolve();
        else
          reject(
            new BridgeError(
              'remote_unreachable',
              `not connected to ${network} right now (reconnecting); try again shortly`,
            ),
          );
      };
      const onRegistered = () => done(true);
      const timer = setTimeout(() => done(this.client.isRegistered), ms);
      this.client.on('registered', onRegistered);
    });
  }

  async quit(reason: string): Promise<void> {
    this.closing = true;
    await this.client.quit(reason).catch(() => undefined);
  }
}

function reconnectOptions(cfg: IrcNetworkConfig): ReconnectOptions {
  return { minDelayMs: cfg.reconnect.min_delay_ms, maxDelayMs: cfg.reconnect.max_delay_ms };
}

/** A SafeClient failure in words a Matrix user can act on. */
export function toBridgeError(err: unknown, network: string): BridgeError {
  if (err instanceof BridgeError) return err;
  if (err instanceof IrcConnectError) {
    switch (err.code) {
      case 'sasl_failed':
        return new BridgeError('bad_credentials', `${network} refused your SASL login (${err.message})`);
      case 'password_mismatch':
        return new BridgeError('bad_credentials', `${network} refused the server password`);
      case 'nick_unavailable':
        return new BridgeError('invalid_input', `${network}: ${err.message}`);
      default:
        return new BridgeError('remote_unreachable', `cannot connect to ${network}: ${err.message}`);
    }
  }
  if (err instanceof Error && err.name === 'IrcInputError')
    return new BridgeError('invalid_input', err.message);
  if (err instanceof Error && err.name === 'SendQueueFullError')
    return new BridgeError('rate_limited', `too much to send to ${network} at once; try again shortly`);
  if (err instanceof Error && err.name === 'SendQueueClosedError')
    return new BridgeError('remote_unreachable', `the connection to ${network} closed`);
  return new BridgeError('internal', 'an internal error occurred (see the bridge log)', false);
}
