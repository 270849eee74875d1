/**
 * Minimal types for the parts of irc-framework 4.x that Switchboard uses (the package ships none).
 * Only SafeClient (safe-client.ts and the parts it is split into) and the tests may use this module
 * directly: everything the bridge sends must go through SafeClient, which validates input and rate-limits. The unsafe methods (action, setTopic, ...)
 * are declared for the tests that demonstrate their CR/LF injection.
 */
declare module 'irc-framework' {
  export interface ClientOptions {
    host: string;
    port: number;
    nick: string;
    username?: string;
    gecos?: string;
    /** Server password (PASS). Without `account`, irc-framework also uses it for SASL. */
    password?: string;
    /** SASL PLAIN credentials. */
    account?: { account: string; password: string };
    sasl_disconnect_on_fail?: boolean;
    tls?: boolean;
    rejectUnauthorized?: boolean;
    /** Text of the automatic CTCP VERSION reply; null disables the reply. */
    version?: string | null;
    enable_echomessage?: boolean;
    auto_reconnect?: boolean;
    /** The transport class (default: irc-framework's TCP/TLS one). */
    transport?: unknown;
  }

  export type MessageTags = Record<string, string | true>;

  export interface MessageEvent {
    nick: string;
    ident: string;
    hostname: string;
    target: string;
    message: string;
    tags: MessageTags;
    /** server-time in ms since the epoch, when the server sent it. */
    time?: number;
    account?: string | false;
    from_server: boolean;
  }

  export interface JoinEvent {
    nick: string;
    ident: string;
    hostname: string;
    channel: string;
    gecos: string;
    account?: string | false;
    time?: number;
    tags: MessageTags;
  }

  export interface PartEvent {
    nick: string;
    ident: string;
    hostname: string;
    channel: string;
    message: string;
    time?: number;
  }

  export interface KickEvent {
    nick: string;
    kicked: string;
    channel: string;
    message: string;
    time?: number;
  }

  export interface QuitEvent {
    nick: string;
    ident: string;
    hostname: string;
    message: string;
    time?: number;
  }

  export interface NickEvent {
    nick: string;
    new_nick: string;
    time?: number;
  }

  export interface TopicEvent {
    channel: string;
    topic: string;
    nick?: string;
    time?: number;
  }

  /** RPL_NAMREPLY/RPL_ENDOFNAMES: `modes` are the prefix modes (o, v, ...) of each member. */
  export interface UserlistEvent {
    channel: string;
    users: { nick: string; ident?: string; hostname?: string; modes: string[] }[];
  }

  export interface ModeEvent {
    target: string;
    nick: string;
    modes: { mode: string; param?: string }[];
  }

  export interface RegisteredEvent {
    nick: string;
  }

  export interface NickErrorEvent {
    nick: string;
    reason: string;
  }

  export interface IrcErrorEvent {
    error: string;
    reason?: string;
    channel?: string;
    nick?: string;
  }

  export interface SaslFailedEvent {
    reason: string;
    message?: string;
  }

  export interface RawEvent {
    line: string;
    from_server: boolean;
  }

  export interface EventMap {
    privmsg: MessageEvent;
    notice: MessageEvent;
    action: MessageEvent;
    join: JoinEvent;
    part: PartEvent;
    kick: KickEvent;
    quit: QuitEvent;
    nick: NickEvent;
    topic: TopicEvent;
    userlist: UserlistEvent;
    mode: ModeEvent;
    registered: RegisteredEvent;
    'nick in use': NickErrorEvent;
    'nick invalid': NickErrorEvent;
    'irc error': IrcErrorEvent;
    'sasl failed': SaslFailedEvent;
    raw: RawEvent;
    /** Socket closed and irc-framework will not reconnect by itself (argument: closed with an error). */
    close: boolean;
  }

  export class Client {
    constructor(options?: Partial<ClientOptions>);
    readonly connected: boolean;
    readonly user: { nick: string; username: string; host: string };
    readonly network: {
      /** An ISUPPORT token's value: true for a bare token, a string, or (CHANTYPES) a list of characters. */
      supports(name: string): string | string[] | boolean | undefined;
    };
    readonly connection: { end(data?: string, hadError?: boolean): void };
    connect(options?: ClientOptions): void;
    /** Writes a line as is, or joins the arguments as IRC parameters. Does not strip CR/LF. */
    raw(...args: (string | number)[]): void;
    quit(message?: string): void;
    say(target: string, message: string): void;
    action(target: string, message: string): string[];
    join(channel: string, key?: string): void;
    setTopic(channel: string, topic: string): void;
    caseCompare(a: string, b: string): boolean;
    caseLower(s: string): string;
    on<E extends keyof EventMap>(event: E, listener: (event: EventMap[E]) => void): this;
    once<E extends keyof EventMap>(event: E, listener: (event: EventMap[E]) => void): this;
    removeAllListeners(event?: keyof EventMap): this;
  }
}

/** irc-framework's TCP/TLS transport, subclassed by compact-transport.ts. */
declare module 'irc-framework/src/transports/net' {
  import { EventEmitter } from 'node:events';
  export default class NetTransport extends EventEmitter {
    constructor(options?: unknown);
    /** Read data not yet split into lines. */
    incoming_buffer: Buffer;
    onSocketData(data: Buffer): void;
  }
}
