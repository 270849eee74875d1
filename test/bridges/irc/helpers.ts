/**
 * Test helpers for the IRC tests: a plain irc-framework client that records what it sees (the
 * "observer" on the real server), bounded waiting, and SafeClient set-up against the harness server.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, type ClientOptions } from 'irc-framework';
import { SafeClient, type IrcConnectOptions, type SafeClientConfig } from '../../../bridges/irc/safe-client';
import type { InspircdServer } from '../../harness/inspircd';

export type SeenType = 'privmsg' | 'action' | 'notice' | 'join' | 'part' | 'quit' | 'kick' | 'topic' | 'nick';

/** One event as a plain client saw it; `text` is the message, reason, topic or new nick. */
export interface Seen {
  type: SeenType;
  nick: string;
  target: string;
  text: string;
  kicked?: string;
  gecos?: string;
}

/** Polls `check` every 20 ms until it returns a value, or throws after `timeoutMs`. */
export async function waitUntil<T>(check: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = check();
    if (value !== undefined) return value;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A plain irc-framework client (what an ordinary IRC user runs), recording events and raw lines. */
export class Observer {
  readonly seen: Seen[] = [];
  /** Lines from the server, without CRLF. */
  readonly rawLines: string[] = [];
  private closed = false;

  private constructor(readonly client: Client) {
    const record = (type: SeenType, e: Omit<Seen, 'type'>): void => void this.seen.push({ type, ...e });
    client.on('raw', (e) => e.from_server && this.rawLines.push(e.line.replace(/\r?\n$/, '')));
    client.on('privmsg', (e) => record('privmsg', { nick: e.nick, target: e.target, text: e.message }));
    client.on('action', (e) => record('action', { nick: e.nick, target: e.target, text: e.message }));
    client.on('notice', (e) => record('notice', { nick: e.nick, target: e.target, text: e.message }));
    client.on('join', (e) => record('join', { nick: e.nick, target: e.channel, text: '', gecos: e.gecos }));
    client.on('part', (e) => record('part', { nick: e.nick, target: e.channel, text: e.message }));
    client.on('quit', (e) => record('quit', { nick: e.nick, target: '', text: e.message }));
    client.on('kick', (e) =>
      record('kick', { nick: e.nick, target: e.channel, text: e.message, kicked: e.kicked }),
    );
    client.on('topic', (e) => record('topic', { nick: e.nick ?? '', target: e.channel, text: e.topic }));
    client.on('nick', (e) => record('nick', { nick: e.nick, target: '', text: e.new_nick }));
    client.on('close', () => (this.closed = true));
  }

  /** `options` adds to or overrides the defaults (e.g. `enable_echomessage` to learn own msgids). */
  static async connect(
    server: InspircdServer,
    nick: string,
    options: Partial<ClientOptions> = {},
  ): Promise<Observer> {
    const client = new Client();
    const observer = new Observer(client);
    const registered = new Promise<void>((resolve, reject) => {
      client.once('registered', () => resolve());
      client.once('close', () => reject(new Error(`${nick} could not connect`)));
    });
    client.connect({
      host: server.host,
      port: server.port,
      nick,
      username: 'observer',
      auto_reconnect: false,
      ...options,
    });
    await registered;
    return observer;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async join(channel: string): Promise<void> {
    this.client.join(channel);
    await this.waitFor((e) => e.type === 'join' && e.nick === this.client.user.nick && e.target === channel);
  }

  /** The first recorded event matching `match`, waiting for it if needed. */
  waitFor(match: (e: Seen) => boolean, timeoutMs = 10_000): Promise<Seen> {
    return waitUntil(() => this.seen.find(match), 'an IRC event', timeoutMs);
  }

  from(nick: string): Seen[] {
    return this.seen.filter((e) => e.nick === nick);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    let timer: NodeJS.Timeout | undefined;
    const closed = new Promise<void>((resolve) => {
      this.client.once('close', () => resolve());
      // A server that never closes the socket must not hang the test.
      timer = setTimeout(() => {
        this.client.connection.end(undefined, true);
        resolve();
      }, 5000);
    });
    this.client.quit('test over');
    await closed;
    clearTimeout(timer);
  }
}

/** A SafeClient registered on the harness server, with test-friendly flood and reconnect settings. */
export async function connectSafe(
  server: InspircdServer,
  nick: string,
  config: SafeClientConfig = {},
  opts: Partial<IrcConnectOptions> = {},
): Promise<SafeClient> {
  const client = new SafeClient({
    flood: { burst: 50, linesPerSecond: 50, maxQueued: 1000 },
    reconnect: { minDelayMs: 100, maxDelayMs: 1000, maxAttempts: 20 },
    ...config,
  });
  await client.connect({ host: server.host, port: server.port, nick, ...opts });
  return client;
}

/** A nick unique within the test file (each file starts its own server). */
let counter = 0;
export function uniqueNick(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}`;
}
