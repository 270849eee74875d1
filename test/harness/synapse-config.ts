/** Writes the files of a throw-away test homeserver: homeserver.yaml, its log config and signing key. */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import YAML from 'yaml';

/** File names inside a data dir; the fixture cache copies DB_FILE and SIGNING_KEY_FILE. */
export const CONFIG_FILE = 'homeserver.yaml';
export const DB_FILE = 'homeserver.db';
export const SIGNING_KEY_FILE = 'signing.key';
export const LOG_FILE = 'homeserver.log';

export interface HomeserverConfigOptions {
  dataDir: string;
  serverName: string;
  port: number;
  sharedSecret: string;
  /** Paths of appservice registration files. */
  appserviceFiles: string[];
}

// Synapse's defaults throttle a test that registers users, creates rooms or sends in a burst
// (e.g. 0.17 room creations/s). Every limiter it knows in 1.163, set out of reach.
const UNLIMITED = { per_second: 1_000_000, burst_count: 1_000_000 };
const RATE_LIMITS = {
  rc_message: UNLIMITED,
  rc_registration: UNLIMITED,
  rc_registration_token_validity: UNLIMITED,
  rc_login: { address: UNLIMITED, account: UNLIMITED, failed_attempts: UNLIMITED },
  rc_admin_redaction: UNLIMITED,
  rc_joins: { local: UNLIMITED, remote: UNLIMITED },
  rc_joins_per_room: UNLIMITED,
  rc_key_requests: UNLIMITED,
  rc_3pid_validation: UNLIMITED,
  rc_invites: { per_room: UNLIMITED, per_user: UNLIMITED, per_issuer: UNLIMITED },
  rc_third_party_invite: UNLIMITED,
  rc_media_create: UNLIMITED,
  rc_presence: { per_user: UNLIMITED },
  rc_delayed_event_mgmt: UNLIMITED,
  rc_room_creation: UNLIMITED,
  rc_reports: UNLIMITED,
  rc_user_directory: UNLIMITED,
  rc_profile: UNLIMITED,
};

/**
 * The key under which each Synapse's `/.well-known/matrix/client` names its instance (the data
 * directory's name). Start-up waits for this instance's answer, not any answer on the port: two
 * test workers can be handed the same free port, and the one that loses the bind must not take
 * the winner's answers for its own (it would then register users with the wrong shared secret).
 */
export const INSTANCE_KEY = 'org.switchboard.test.instance';

/** Writes homeserver.yaml and its log config into `dataDir`; returns the homeserver.yaml path. */
export async function writeHomeserverConfig(opts: HomeserverConfigOptions): Promise<string> {
  const { dataDir, port } = opts;
  const logConfigPath = join(dataDir, 'log.yaml');
  const config = {
    server_name: opts.serverName,
    // Setting public_baseurl is what makes Synapse serve /.well-known/matrix/client (there is no
    // `serve_client_wellknown` option); tests of .well-known discovery read it from 127.0.0.1.
    public_baseurl: `http://127.0.0.1:${port}/`,
    extra_well_known_client_content: { [INSTANCE_KEY]: basename(dataDir) },
    pid_file: join(dataDir, 'homeserver.pid'),
    listeners: [
      {
        port,
        bind_addresses: ['127.0.0.1'],
        type: 'http',
        tls: false,
        x_forwarded: false,
        // `client` also mounts /_synapse/admin, /.well-known and the media repository; `openid`
        // serves /_matrix/federation/v1/openid/userinfo (provisioning API sign-in) without federation.
        resources: [{ names: ['client', 'openid'], compress: false }],
      },
    ],
    database: { name: 'sqlite3', args: { database: join(dataDir, DB_FILE) } },
    log_config: logConfigPath,
    signing_key_path: join(dataDir, SIGNING_KEY_FILE),
    media_store_path: join(dataDir, 'media'),
    enable_media_repo: true,
    enable_authenticated_media: true,
    registration_shared_secret: opts.sharedSecret,
    enable_registration: false,
    report_stats: false,
    // Offline: no key servers, no federation in either direction, so nothing reaches for the internet.
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    federation_domain_whitelist: [],
    federation_sender_instances: [],
    app_service_config_files: opts.appserviceFiles,
    use_appservice_legacy_authorization: false,
    ...RATE_LIMITS,
  };
  const logConfig = {
    version: 1,
    formatters: { plain: { format: '%(asctime)s %(levelname)s %(name)s: %(message)s' } },
    handlers: {
      file: { class: 'logging.FileHandler', formatter: 'plain', filename: join(dataDir, LOG_FILE) },
    },
    root: { level: 'WARNING', handlers: ['file'] },
    disable_existing_loggers: false,
  };
  const configPath = join(dataDir, CONFIG_FILE);
  await writeFile(logConfigPath, YAML.stringify(logConfig));
  await writeFile(configPath, YAML.stringify(config));
  return configPath;
}

/**
 * Writes a fresh ed25519 signing key in Synapse's `ed25519 <key id> <unpadded base64 seed>` format:
 * any 32 random bytes are a valid seed, and this saves the few seconds of `--generate-keys`.
 */
export async function writeSigningKey(dataDir: string): Promise<void> {
  const seed = randomBytes(32).toString('base64').replace(/=+$/, '');
  const keyId = 'a_' + randomBytes(3).toString('hex');
  await writeFile(join(dataDir, SIGNING_KEY_FILE), `ed25519 ${keyId} ${seed}\n`);
}
