import type { JsonSchema, ModuleContext } from '../../src/sdk';

/**
 * The `bridges.whatsapp` section. The core also reads `ghost_prefix` and `alias_prefix` here
 * (ghosts are `@<ghost_prefix><phone number>:domain`, by default `@whatsapp_3712345678`).
 */
export interface WhatsAppConfig {
  chromium: {
    /** Unset: `/usr/bin/chromium`, else `chromium` / `chromium-browser` on PATH. */
    path?: string;
    /** Extra flags appended to the bridge's own (e.g. `--proxy-server=…`). */
    args: string[];
    /** Scratch folder for browser profiles; sessions themselves live in the database. */
    data_dir?: string;
  };
  /** Each session is a Chromium (hundreds of MB): logins beyond this are refused. */
  max_sessions: number;
  bridge_chats: 'all' | 'dms' | 'groups';
  bridge_status_broadcasts: boolean;
  /** On a new login: the latest `messages` of the `chats` most recently active chats. */
  backfill: { messages: number; chats: number };
  /** Files larger than this are not bridged, either way. */
  max_media_bytes: number;
  /** How long a login may wait for the QR code to be scanned or the pairing code entered. */
  login_timeout_seconds: number;
}

export type WhatsAppContext = ModuleContext<WhatsAppConfig>;

const MiB = 1024 * 1024;

const chromium = {
  type: 'object',
  description: 'The Chromium that whatsapp-web.js drives, one browser per logged-in session.',
  additionalProperties: false,
  default: {},
  properties: {
    path: {
      type: 'string',
      minLength: 1,
      description:
        'Chromium executable; when unset /usr/bin/chromium, then chromium or chromium-browser on PATH.',
      examples: ['/usr/bin/chromium'],
    },
    args: {
      type: 'array',
      items: { type: 'string', pattern: '^--' },
      description: "Extra command-line flags for every browser, after the bridge's own headless flags.",
      default: [],
    },
    data_dir: {
      type: 'string',
      minLength: 1,
      description:
        'Scratch folder for the browser profiles (deleted when a session stops; the sessions themselves are stored encrypted in the database). Default: <tmp>/switchboard-whatsapp.',
      examples: ['/var/lib/switchboard/whatsapp'],
    },
  },
};

const properties = {
  chromium,
  max_sessions: {
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    default: 5,
    description:
      'Most WhatsApp sessions (logins and logins in progress) at once. Each runs its own Chromium, about 300 MB or more.',
  },
  bridge_chats: {
    type: 'string',
    enum: ['all', 'dms', 'groups'],
    default: 'all',
    description: 'Which WhatsApp chats become Matrix rooms: all, only direct chats (dms), or only groups.',
  },
  bridge_status_broadcasts: {
    type: 'boolean',
    default: false,
    description: 'Bridge status updates (status@broadcast) into a "WhatsApp Status" room.',
  },
  backfill: {
    type: 'object',
    additionalProperties: false,
    default: {},
    description: 'History copied into Matrix: at the first login, and when a chat gets its room later.',
    properties: {
      messages: {
        type: 'integer',
        minimum: 0,
        maximum: 500,
        default: 20,
        description: 'Messages per chat, at the first login and for each room made later (0: no history).',
      },
      chats: {
        type: 'integer',
        minimum: 0,
        maximum: 500,
        default: 10,
        description: 'The most recently active chats to backfill; each becomes a room right away.',
      },
    },
  },
  max_media_bytes: {
    type: 'integer',
    minimum: 1024,
    maximum: 2048 * MiB,
    default: 64 * MiB,
    description: 'Largest file bridged either way, in bytes; larger ones become a notice.',
  },
  login_timeout_seconds: {
    type: 'integer',
    minimum: 30,
    maximum: 3600,
    default: 180,
    description: 'How long a login waits for the QR code to be scanned or the pairing code to be entered.',
  },
};

/** The JSON schema of {@link WhatsAppConfig}; the core fills in the defaults. */
export const configSchema: JsonSchema = {
  type: 'object',
  description: 'WhatsApp, through whatsapp-web.js and a Chromium per logged-in account.',
  additionalProperties: false,
  properties,
};

/** What the generated sample config shows (the schema defaults). */
export const sampleConfig: WhatsAppConfig = {
  chromium: { args: [] },
  max_sessions: 5,
  bridge_chats: 'all',
  bridge_status_broadcasts: false,
  backfill: { messages: 20, chats: 10 },
  max_media_bytes: 64 * MiB,
  login_timeout_seconds: 180,
};
