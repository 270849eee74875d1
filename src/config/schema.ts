import { isIP } from 'node:net';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { DEFAULT_ROLE_LEVELS } from '../portals/power-levels';
import type { JsonObject } from '../sdk/ids';
import type { JsonSchema } from '../sdk/module';
import { CORE_DEFAULTS as D } from './defaults';

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST = `(?:\\[[0-9A-Fa-f:.]{2,45}\\]|(?:\\d{1,3}\\.){3}\\d{1,3}|${LABEL}(?:\\.${LABEL})*)`;
const SERVER_NAME = new RegExp(`^${HOST}(?::(\\d{1,5}))?$`);
const HOST_ONLY = new RegExp(`^${HOST}$`);
const USER_ID = new RegExp(`^@[^:\\s]+:(${HOST}(?::\\d{1,5})?)$`);

function isServerName(s: string): boolean {
  const m = SERVER_NAME.exec(s);
  return m !== null && s.length <= 255 && (m[1] === undefined || Number(m[1]) <= 65535);
}

function isUrlWith(s: string, protocols: readonly string[]): boolean {
  if (/\s/.test(s) || !URL.canParse(s)) return false;
  const url = new URL(s);
  return protocols.includes(url.protocol) && url.hostname !== '';
}

/**
 * Custom string formats, usable by module schemas too (`format: 'http-url'`). Each has the
 * phrase error messages use to say what is expected (the schema's example follows it), so a
 * failed check always comes with a fix. `secret` formats never show an example.
 */
export const FORMATS: Readonly<
  Record<string, { validate: (s: string) => boolean; hint: string; secret?: boolean }>
> = {
  'server-name': {
    validate: isServerName,
    hint: 'a Matrix server name: a host name with an optional port, no scheme or path',
  },
  'http-url': {
    validate: (s) => isUrlWith(s, ['http:', 'https:']),
    hint: 'an http:// or https:// URL',
  },
  'postgres-url': {
    validate: (s) => isUrlWith(s, ['postgres:', 'postgresql:']),
    hint: 'a postgres:// connection URL',
  },
  token: {
    // Printable ASCII without spaces: it travels in HTTP headers and query strings.
    validate: (s) => /^[\x21-\x7e]{32,}$/.test(s),
    hint: 'a random string of at least 32 characters without spaces (generate one with `openssl rand -hex 32`)',
    secret: true,
  },
  'base64-key': {
    // Buffer.from(..., 'base64') skips bad characters silently, so check the alphabet first.
    validate: (s) => /^[A-Za-z0-9+/_-]{43}=?$/.test(s) && Buffer.from(s, 'base64').length === 32,
    hint: '32 random bytes in base64 (generate them with `openssl rand -base64 32`)',
    secret: true,
  },
  localpart: {
    validate: (s) => /^[a-z0-9._=/+-]{1,255}$/.test(s),
    hint: 'lower-case letters, digits and ._=-/+ only',
  },
  'module-id': {
    validate: (s) => /^[a-z][a-z0-9]{0,31}$/.test(s),
    hint: 'lower-case letters and digits starting with a letter',
  },
  'permission-subject': {
    validate: (s) =>
      s === '*' || isServerName(s) || (USER_ID.test(s) && isServerName(s.slice(s.indexOf(':') + 1))),
    hint: '"*", a server name (example.org) or a user id (@alice:example.org)',
  },
  'bind-address': {
    validate: (s) => isIP(s) !== 0 || (HOST_ONLY.test(s) && !s.startsWith('[')),
    hint: 'an IP address or host name to listen on',
  },
  'mxc-uri': {
    validate: (s) => new RegExp(`^mxc://${HOST}(?::\\d{1,5})?/[A-Za-z0-9_-]+$`).test(s),
    hint: 'an mxc:// URI of uploaded media',
  },
  'url-path': {
    validate: (s) => /^\/[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/.test(s) && !s.endsWith('/'),
    hint: 'a URL path starting with / and not ending with /',
  },
};

const PERMISSION_LEVELS = ['block', 'relay', 'user', 'admin'];

function section(description: string, properties: JsonObject, required: string[] = []): JsonObject {
  const s: JsonObject = { type: 'object', description, additionalProperties: false, properties };
  // A section without required keys may be left out entirely: `{}` then receives its defaults.
  if (required.length > 0) s.required = required;
  else s.default = {};
  return s;
}

const port = (description: string, def: number): JsonObject => ({
  type: 'integer',
  minimum: 1,
  maximum: 65535,
  description,
  default: def,
});

/**
 * The JSON Schema (2020-12) of the core config sections. `bridges.<id>` sections are checked
 * here only for `enabled`/`module`; the rest goes through the module's own schema
 * (`validateBridgeSection`). Descriptions become comments in the sample config.
 *
 * @example
 * const validate = createAjv().compile(CORE_SCHEMA);
 */
export const CORE_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Switchboard configuration',
  type: 'object',
  additionalProperties: false,
  required: ['homeserver', 'appservice', 'database', 'permissions'],
  properties: {
    homeserver: section(
      'The Matrix homeserver the bridge belongs to.',
      {
        domain: {
          type: 'string',
          format: 'server-name',
          description: 'Server name: the part after the colon in user ids (@alice:example.org). Not a URL.',
          examples: ['example.org'],
        },
        url: {
          type: 'string',
          format: 'http-url',
          description:
            'Client-server API base URL. Leave it out to discover it from https://<domain>/.well-known/matrix/client.',
          examples: ['https://matrix.example.org'],
        },
      },
      ['domain'],
    ),
    appservice: section(
      'The application service: how the homeserver and the bridge reach and trust each other.',
      {
        id: {
          type: 'string',
          format: 'localpart',
          description: 'Registration id; unique on the homeserver and never changed afterwards.',
          default: D.appservice.id,
        },
        bind: {
          type: 'string',
          format: 'bind-address',
          description:
            'Address to listen on. Use 0.0.0.0 when the homeserver runs in another container or host.',
          default: D.appservice.bind,
        },
        port: port('Port the appservice HTTP server listens on.', D.appservice.port),
        address: {
          type: 'string',
          format: 'http-url',
          description: 'URL the homeserver reaches the bridge at (the registration `url`).',
          examples: [`http://localhost:${D.appservice.port}`],
        },
        as_token: {
          type: 'string',
          format: 'token',
          description:
            'Token the bridge sends to the homeserver (`as_token` in the registration); or set SWITCHBOARD_AS_TOKEN. Generate with `openssl rand -hex 32`.',
          examples: ['CHANGE_ME'],
        },
        hs_token: {
          type: 'string',
          format: 'token',
          description:
            'Token the homeserver sends to the bridge (`hs_token`); different from as_token; or set SWITCHBOARD_HS_TOKEN. Generate with `openssl rand -hex 32`.',
          examples: ['CHANGE_ME'],
        },
        double_puppet_token: {
          type: 'string',
          format: 'token',
          description:
            "Double puppeting: what a user sends from another device (their phone) appears from their own Matrix account instead of their account's ghost. This is the as_token of a second registration, `double-puppet.yaml`, which `switchboard generate-registration` writes next to registration.yaml when this is set; register it with the homeserver too. Leave it out to keep the ghost. Generate with `openssl rand -hex 32`.",
          examples: ['CHANGE_ME'],
        },
        bot: section('The bridge bot user, which runs the management rooms.', {
          localpart: {
            type: 'string',
            format: 'localpart',
            description: 'Bot user localpart: @<localpart>:<domain>.',
            default: D.appservice.bot.localpart,
          },
          displayname: {
            type: 'string',
            minLength: 1,
            maxLength: 256,
            description: 'Bot display name.',
            default: D.appservice.bot.displayname,
          },
          avatar: {
            type: 'string',
            format: 'mxc-uri',
            description: 'Bot avatar, an mxc:// URI of media already uploaded to the homeserver.',
            examples: ['mxc://example.org/switchboard-avatar'],
          },
        }),
        max_body_bytes: {
          type: 'integer',
          minimum: 65536,
          maximum: 1073741824,
          description: 'Largest transaction body accepted from the homeserver, in bytes.',
          default: D.appservice.max_body_bytes,
        },
      },
      ['address', 'as_token', 'hs_token'],
    ),
    database: section(
      'Where the bridge keeps its state.',
      {
        url: {
          type: 'string',
          format: 'postgres-url',
          description:
            'PostgreSQL connection URL; or set SWITCHBOARD_DATABASE_URL. Leave it out to use the embedded PGlite database in `path`.',
          examples: ['postgres://switchboard:password@localhost/switchboard'],
        },
        path: {
          type: 'string',
          minLength: 1,
          description: 'Directory of the embedded PGlite database, used when `url` is not set.',
          default: D.database.path,
        },
        encryption_key: {
          type: 'string',
          format: 'base64-key',
          description:
            'Encrypts credentials and session blobs at rest; keep it out of database backups. Generate with `openssl rand -base64 32`.',
          examples: ['CHANGE_ME'],
        },
      },
      ['encryption_key'],
    ),
    permissions: {
      type: 'object',
      description:
        'Who may use the bridge: keys are "*", a server name or a user id; values block, relay, user or admin. The most specific key wins; users matching no key are blocked.',
      minProperties: 1,
      propertyNames: { format: 'permission-subject' },
      additionalProperties: { enum: PERMISSION_LEVELS, description: 'Permission level.' },
      examples: [{ '*': 'relay', 'example.org': 'user', '@admin:example.org': 'admin' }],
    },
    media: section('Media handling.', {
      public_url: {
        type: 'string',
        format: 'http-url',
        description:
          'Public base URL of the bridge media proxy; needed for networks that fetch avatars by URL (Discord).',
        examples: ['https://bridge.example.org'],
      },
      max_file_bytes: {
        type: 'integer',
        minimum: 1,
        description: 'Largest file bridged in either direction, in bytes.',
        default: D.media.max_file_bytes,
      },
    }),
    logging: section('Logging. Tokens, passwords and session data are always redacted.', {
      level: {
        enum: ['debug', 'info', 'warn', 'error'],
        description: 'Least severe level written.',
        default: D.logging.level,
      },
      format: {
        enum: ['json', 'pretty'],
        description: 'json: one JSON object per line; pretty: readable lines for a terminal.',
        default: D.logging.format,
      },
    }),
    metrics: section('Prometheus metrics, health and readiness endpoints.', {
      enabled: {
        type: 'boolean',
        description: 'Serve /metrics, /health and /ready.',
        default: D.metrics.enabled,
      },
      bind: {
        type: 'string',
        format: 'bind-address',
        description: 'Address the metrics server listens on.',
        default: D.metrics.bind,
      },
      port: port('Port of the metrics server.', D.metrics.port),
    }),
    provisioning: section('The provisioning HTTP API and login web page.', {
      enabled: {
        type: 'boolean',
        description: 'Serve the provisioning API.',
        default: D.provisioning.enabled,
      },
      prefix: {
        type: 'string',
        format: 'url-path',
        description: 'Path prefix of the API on the appservice HTTP server.',
        default: D.provisioning.prefix,
      },
      shared_secret: {
        type: 'string',
        format: 'token',
        description:
          'Secret for server-to-server API calls; without it, only Matrix OpenID tokens are accepted. Generate with `openssl rand -hex 32`.',
        examples: ['CHANGE_ME'],
      },
    }),
    bridges: {
      type: 'object',
      description: 'One section per network. Third-party networks name their package or path in `module`.',
      default: {},
      propertyNames: { format: 'module-id', examples: ['irc'] },
      additionalProperties: {
        type: 'object',
        description: 'A network section; keys other than these are checked by the module.',
        required: ['enabled'],
        properties: {
          enabled: { type: 'boolean', description: 'Whether this network is bridged.' },
          module: {
            type: 'string',
            minLength: 1,
            description: 'npm package name or path of a third-party module (built-in networks need none).',
          },
          ghost_prefix: {
            type: 'string',
            format: 'localpart',
            description: 'Localpart prefix of this network\'s ghost users; defaults to "<network id>_".',
          },
          alias_prefix: {
            type: 'string',
            format: 'localpart',
            description: 'Localpart prefix of this network\'s room aliases; defaults to "<network id>_".',
          },
          role_power_levels: {
            type: 'object',
            description:
              'Power level each remote role (IRC op/voice, group admins) asks for in portal rooms. A ghost still stays below the bot, below @room and below the Matrix users given power there.',
            additionalProperties: false,
            examples: [DEFAULT_ROLE_LEVELS],
            properties: Object.fromEntries(
              Object.entries(DEFAULT_ROLE_LEVELS).map(([role, level]) => [
                role,
                {
                  type: 'integer',
                  minimum: 0,
                  maximum: 100,
                  description: `Level a remote ${role} asks for; default ${level}.`,
                  examples: [level],
                },
              ]),
            ),
          },
        },
      },
    },
  },
};

/**
 * Keys of a `bridges.<id>` section that the core reads (and validates); the module's schema
 * sees the rest of the section.
 */
export const CORE_BRIDGE_KEYS: readonly string[] = [
  'enabled',
  'module',
  'ghost_prefix',
  'alias_prefix',
  'role_power_levels',
];

/**
 * An Ajv instance set up the way config validation needs: every error at once, the schema
 * attached to each error (to phrase the fix), defaults filled in, and the custom formats.
 *
 * @example
 * const validate = createAjv().compile(CORE_SCHEMA);
 * validate(data); // data now carries the defaults
 */
export function createAjv(): Ajv2020 {
  // strictTypes off: module authors write ordinary schemas, not Ajv-strict ones; unknown
  // keywords (strictSchema) still fail, which catches typos such as `defualt`.
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    useDefaults: true,
    strictTypes: false,
    strictTuples: false,
    allowUnionTypes: true,
  });
  addFormats(ajv);
  for (const [name, f] of Object.entries(FORMATS))
    ajv.addFormat(name, { type: 'string', validate: f.validate });
  return ajv;
}
