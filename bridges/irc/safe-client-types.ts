/**
 * What SafeClient is configured and connected with, how it fails, and the checks on the connect
 * options (irc-framework writes NICK, USER and PASS as given).
 */
import type { ClientOptions } from 'irc-framework';
import { CompactNetTransport } from './compact-transport';
import { hasLineBreakOrNul, isValidMiddleParam, isValidNick, toSingleLine } from './irc-text';
import type { ReconnectOptions } from './reconnect';
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
