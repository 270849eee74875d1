/**
 * Default values of the core config. The schema (`schema.ts`) copies them into its `default`
 * keywords, so Ajv fills them in while validating and the sample config shows them: one
 * source for both.
 */

/** The port the appservice HTTP server listens on, and the one the sample address uses. */
export const DEFAULT_APPSERVICE_PORT = 29300;

/** The metrics port: next to the appservice port so firewall rules can cover both. */
export const DEFAULT_METRICS_PORT = 29301;

/**
 * Synapse sends at most 100 events per transaction and an event is at most 64 KiB, so
 * ~6.5 MB plus ephemeral data is the real ceiling; 16 MiB leaves room without inviting abuse.
 */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** 100 MiB: above every supported network's own upload limit, so the network's limit decides. */
export const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;

/**
 * Every core default, shaped like the config file. Keys absent here have no default: they
 * are either required or optional without a value (e.g. `homeserver.url`).
 *
 * @example
 * CORE_DEFAULTS.appservice.port; // 29300
 */
export const CORE_DEFAULTS = {
  appservice: {
    id: 'switchboard',
    // Loopback only: exposing the appservice port is opt-in (Synapse in Docker needs 0.0.0.0).
    bind: '127.0.0.1',
    port: DEFAULT_APPSERVICE_PORT,
    bot: { localpart: 'switchboardbot', displayname: 'Switchboard bridge bot' },
    max_body_bytes: DEFAULT_MAX_BODY_BYTES,
  },
  database: { path: './data/pglite' },
  media: { max_file_bytes: DEFAULT_MAX_FILE_BYTES },
  logging: { level: 'info', format: 'json' },
  metrics: { enabled: false, bind: '127.0.0.1', port: DEFAULT_METRICS_PORT },
  provisioning: { enabled: false, prefix: '/_switchboard/provision' },
} as const;
