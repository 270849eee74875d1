import type { JsonSchema, ModuleContext } from '../../src/sdk';

/**
 * One IRC network. Puppets are the IRC connections of Matrix users; the bot is the bridge's own
 * connection that sits in every bridged channel so that IRC reaches Matrix even when no Matrix user
 * there has spoken yet (and so has no puppet).
 */
export interface IrcNetworkConfig {
  /** Shown to users (room topics, notices); defaults to the network id. */
  name?: string;
  host: string;
  port: number;
  tls: boolean;
  /** Off only for a test server with a self-signed certificate. */
  tls_verify: boolean;
  /** Server password (PASS), sent by the bot and every puppet. */
  password?: string;
  /** The bridge bot's nick. */
  bot_nick: string;
  /** Puppet nicks: `{localpart}` and `{displayname}` of the Matrix user, then made a valid nick. */
  nick_template: string;
  /** Puppet connections allowed at once (the bot not counted); beyond it a message is refused. */
  max_connections: number;
  /** A puppet that has not sent anything for this long quits; 0 keeps puppets forever. */
  idle_timeout_seconds: number;
  /** Channels that may be bridged (`#name`), or `["*"]` for all. */
  channels: string[];
  /** The server's line limit in bytes with CRLF (when it does not announce LINELEN). */
  line_length: number;
  /** Flood control per connection: lines sent back to back, then lines per second. */
  flood: { burst: number; lines_per_second: number };
  /** A Matrix message needing more IRC lines than this is sent as a link to it instead. */
  max_lines: number;
  /** New connections and reconnects per second for the whole network (no storm after a netsplit). */
  connects_per_second: number;
  /** Reconnect backoff: the first wait and the longest one (each with random jitter). */
  reconnect: { min_delay_ms: number; max_delay_ms: number };
}

/** The `bridges.irc` section; `ghost_prefix` / `alias_prefix` are core keys (default `irc_`). */
export interface IrcConfig {
  networks: Record<string, IrcNetworkConfig>;
}

export type IrcContext = ModuleContext<IrcConfig>;

const int = (minimum: number, maximum: number, def: number, description: string) => ({
  type: 'integer',
  minimum,
  maximum,
  default: def,
  description,
});

const network = {
  type: 'object',
  additionalProperties: false,
  required: ['host'],
  properties: {
    name: { type: 'string', maxLength: 60, description: 'Display name of the network.' },
    host: { type: 'string', minLength: 1, description: 'IRC server host name.' },
    port: int(1, 65535, 6697, 'IRC server port.'),
    tls: { type: 'boolean', default: true, description: 'Connect with TLS.' },
    tls_verify: {
      type: 'boolean',
      default: true,
      description: 'Check the server certificate (turn off only for a test server).',
    },
    password: {
      type: 'string',
      description: 'Server password (PASS), if the server needs one.',
      examples: ['server-password'],
    },
    bot_nick: {
      type: 'string',
      pattern: '^[A-Za-z\\[\\]\\\\`_^{|}][A-Za-z0-9\\[\\]\\\\`_^{|}-]{0,29}$',
      default: 'switchboard',
      description: "The bridge bot's nick; the bot sits in every bridged channel and relays it to Matrix.",
    },
    nick_template: {
      type: 'string',
      minLength: 1,
      maxLength: 60,
      default: '{localpart}[m]',
      description: 'Nick of a Matrix user on IRC: {localpart} and {displayname} are replaced.',
    },
    max_connections: int(0, 100000, 1000, 'Puppet connections at once; beyond it messages are refused.'),
    idle_timeout_seconds: int(0, 31536000, 86400, 'A puppet silent this long quits IRC; 0 = never.'),
    channels: {
      type: 'array',
      items: { type: 'string', pattern: '^([#&][^\\s,:\\x00-\\x1f]{1,49}|\\*)$' },
      default: ['*'],
      description: 'Channels that may be bridged, or "*" for all.',
    },
    line_length: int(
      128,
      8192,
      512,
      'Line limit in bytes (CRLF included) when the server does not announce one.',
    ),
    flood: {
      type: 'object',
      additionalProperties: false,
      properties: {
        burst: int(1, 1000, 5, 'Lines a connection may send back to back.'),
        lines_per_second: {
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 1000,
          default: 1,
          description: 'Sustained lines per second per connection.',
        },
      },
      default: { burst: 5, lines_per_second: 1 },
      description: 'Flood control per connection.',
    },
    max_lines: int(1, 100, 3, 'A message needing more lines is sent as a link to it.'),
    connects_per_second: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1000,
      default: 5,
      description: 'New connections and reconnects per second for the network.',
    },
    reconnect: {
      type: 'object',
      additionalProperties: false,
      properties: {
        min_delay_ms: int(10, 3600000, 2000, 'First reconnect wait.'),
        max_delay_ms: int(10, 86400000, 300000, 'Longest reconnect wait.'),
      },
      default: { min_delay_ms: 2000, max_delay_ms: 300000 },
      description: 'Reconnect backoff (exponential, with random jitter).',
    },
  },
};

/** The JSON schema of {@link IrcConfig}; the core fills in the defaults. */
export const configSchema: JsonSchema = {
  type: 'object',
  description: 'IRC: channels as shared portals, one IRC connection (puppet) per Matrix user who speaks.',
  additionalProperties: false,
  required: ['networks'],
  properties: {
    networks: {
      type: 'object',
      description: 'IRC networks by id (lower-case letters and digits; used in aliases and ghost ids).',
      propertyNames: { pattern: '^[a-z][a-z0-9]{0,15}$' },
      minProperties: 1,
      additionalProperties: network,
    },
  },
};

/** What the generated sample config shows. */
export const sampleConfig: IrcConfig = {
  networks: {
    libera: {
      name: 'Libera.Chat',
      host: 'irc.libera.chat',
      port: 6697,
      tls: true,
      tls_verify: true,
      bot_nick: 'switchboard',
      nick_template: '{localpart}[m]',
      max_connections: 1000,
      idle_timeout_seconds: 86400,
      channels: ['#switchboard'],
      line_length: 512,
      flood: { burst: 5, lines_per_second: 1 },
      max_lines: 3,
      connects_per_second: 5,
      reconnect: { min_delay_ms: 2000, max_delay_ms: 300000 },
    },
  },
};

/** A network section with every default applied (Ajv fills them only where a parent object exists). */
export function withDefaults(id: string, n: Partial<IrcNetworkConfig> & { host: string }): IrcNetworkConfig {
  return {
    name: n.name ?? id,
    host: n.host,
    port: n.port ?? 6697,
    tls: n.tls ?? true,
    tls_verify: n.tls_verify ?? true,
    ...(n.password !== undefined ? { password: n.password } : {}),
    bot_nick: n.bot_nick ?? 'switchboard',
    nick_template: n.nick_template ?? '{localpart}[m]',
    max_connections: n.max_connections ?? 1000,
    idle_timeout_seconds: n.idle_timeout_seconds ?? 86400,
    channels: n.channels ?? ['*'],
    line_length: n.line_length ?? 512,
    flood: { burst: n.flood?.burst ?? 5, lines_per_second: n.flood?.lines_per_second ?? 1 },
    max_lines: n.max_lines ?? 3,
    connects_per_second: n.connects_per_second ?? 5,
    reconnect: {
      min_delay_ms: n.reconnect?.min_delay_ms ?? 2000,
      max_delay_ms: n.reconnect?.max_delay_ms ?? 300000,
    },
  };
}
