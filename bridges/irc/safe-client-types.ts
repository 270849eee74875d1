/**
 * SafeClient's public types and the pure parts of its connection handling: input checks on the
 * connect options and the reconnect schedule.
 */
import type { ClientOptions, MessageEvent } from 'irc-framework';
import { CompactNetTransport } from './compact-transport';
import { hasLineBreakOrNul, isValidMiddleParam, isValidNick, toSingleLine } from './irc-text';
import type { SendQueueOptions } from './send-queue';

/** Input that may not be sent (bad nick, channel, parameter, empty text). Nothing was sent. */
export class IrcInputError extends Error {
  override readonly name = 'IrcInputError';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`invalid IRC ${field}: ${reason}`);
  }
}

/** sasl_failed, password_mismatch and nick_unavailable are final; the others may pass with time. */
export type IrcConnectFailure =
  | 'sasl_failed'
  | 'sasl_unavailable'
  | 'password_mismatch'
  | 'nick_unavailable'
  | 'registration_timeout'
  | 'closed';

export class IrcConnectError extends Error {
  override readonly name = 'IrcConnectError';
  constructor(
    readonly code: IrcConnectFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface IrcConnectOptions {
  host: string;
  port: number;
  tls?: boolean;
  /** Default true; only a test against a self-signed server should turn it off. */
  rejectUnauthorized?: boolean;
  nick: string;
  username?: string;
  gecos?: string;
  /** Server password (PASS). */
  password?: string;
  /** SASL PLAIN. A wrong password ends connect() with IrcConnectError('sasl_failed'). */
  sasl?: { account: string; password: string };
  /** Request echo-message (default true) so own lines come back with the server's msgid and time. */
  echoMessage?: boolean;
}

export interface ReconnectOptions {
  minDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failed attempts before giving up with a 'close' event (default: never give up). */
  maxAttempts?: number;
}

export interface SafeClientConfig {
  flood?: Partial<SendQueueOptions>;
  reconnect?: ReconnectOptions;
  /** Time from socket opening to RPL_WELCOME before the attempt counts as failed (default 30 s). */
  registrationTimeoutMs?: number;
  /**
   * Awaited before each reconnect attempt (after the backoff delay): a network-wide gate lets many
   * connections dropped together by a netsplit or server restart come back a few at a time.
   */
  beforeReconnect?: () => Promise<void>;
  /** Line limit (bytes, CRLF included) when the server announces no LINELEN (default 512). */
  lineLength?: number;
}

/** PRIVMSG, NOTICE or CTCP ACTION. server-time is always requested (irc-framework asks for it). */
export interface IrcTextEvent {
  nick: string;
  ident: string;
  hostname: string;
  target: string;
  text: string;
  time?: Date;
  msgid?: string;
  account?: string;
  /** Our own line coming back through echo-message. */
  echo: boolean;
}

export type SafeClientEvents = {
  message: [IrcTextEvent];
  notice: [IrcTextEvent];
  action: [IrcTextEvent];
  join: [{ nick: string; ident: string; hostname: string; channel: string; account?: string }];
  part: [{ nick: string; channel: string; reason: string }];
  quit: [{ nick: string; reason: string }];
  kick: [{ nick: string; kicked: string; channel: string; reason: string }];
  nick: [{ nick: string; newNick: string }];
  topic: [{ channel: string; topic: string; nick?: string }];
  /** The member list after a JOIN (or a NAMES query), with each member's prefix modes (o, v...). */
  names: [{ channel: string; users: { nick: string; modes: string[] }[] }];
  /** Channel or user modes; `modes` like `[{ mode: '+o', param: 'alice' }]`. */
  mode: [{ target: string; nick: string; modes: { mode: string; param?: string }[] }];
  registered: [{ nick: string }];
  reconnecting: [{ attempt: number; delayMs: number }];
  /** Numeric errors after registration, e.g. cannot_send_to_channel, nick_in_use. */
  ircError: [{ error: string; reason?: string; channel?: string; nick?: string }];
  /** Final: no more reconnects. `error` is absent after quit(). */
  close: [{ error?: Error }];
};

/** irc-framework's PRIVMSG/NOTICE/ACTION event in SafeClient's shape (Date, msgid, account). */
export function toTextEvent(e: MessageEvent, echo: boolean): IrcTextEvent {
  const msgid = e.tags.msgid;
  return {
    nick: e.nick,
    ident: e.ident,
    hostname: e.hostname,
    target: e.target,
    text: e.message,
    time: e.time === undefined ? undefined : new Date(e.time),
    msgid: typeof msgid === 'string' ? msgid : undefined,
    account: typeof e.account === 'string' ? e.account : undefined,
    echo,
  };
}

/**
 * Exponential backoff with full jitter above a floor: attempt n waits a uniformly random time in
 * [min, min(max, min·2ⁿ)], so connections dropped together by a netsplit or restart do not return
 * together, and none retries sooner than `min`.
 */
export function reconnectDelay(attempt: number, opts: ReconnectOptions, random = Math.random): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.minDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(opts.minDelayMs + random() * Math.max(0, ceiling - opts.minDelayMs));
}

/** Checks and cleans what goes into NICK, USER and PASS, which irc-framework writes unescaped. */
export function buildClientOptions(opts: IrcConnectOptions): ClientOptions {
  if (!isValidNick(opts.nick, { maxLength: 30 }))
    throw new IrcInputError('nick', `${JSON.stringify(opts.nick)} is not a valid nick`);
  const username = opts.username ?? opts.nick;
  if (!isValidMiddleParam(username) || username.includes('@'))
    throw new IrcInputError('username', 'must be one word without @');
  for (const [field, value] of [
    ['password', opts.password],
    ['SASL account', opts.sasl?.account],
    ['SASL password', opts.sasl?.password],
  ] as const) {
    if (value !== undefined && hasLineBreakOrNul(value))
      throw new IrcInputError(field, 'contains CR, LF or NUL');
  }
  return {
    host: opts.host,
    port: opts.port,
    tls: opts.tls ?? false,
    rejectUnauthorized: opts.rejectUnauthorized ?? true,
    nick: opts.nick,
    username,
    gecos: toSingleLine(opts.gecos ?? opts.nick) || opts.nick,
    ...(opts.password !== undefined && { password: opts.password }),
    // An empty account object stops irc-framework from reusing the server password for SASL.
    account: opts.sasl ?? { account: '', password: '' },
    sasl_disconnect_on_fail: true,
    enable_echomessage: opts.echoMessage ?? true,
    // irc-framework would answer CTCP VERSION straight on the socket, outside the send queue.
    version: null,
    // Reconnecting is ours (backoff with jitter, rejoin).
    auto_reconnect: false,
    // Does not keep each connection's last read chunk alive (see compact-transport.ts).
    transport: CompactNetTransport,
  };
}
