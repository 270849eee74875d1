import type { JsonObject } from '../sdk/ids';

/** Permission levels, lowest to highest. `relay` may talk through relays only. */
export type PermissionLevel = 'block' | 'relay' | 'user' | 'admin';

/** The whole config file after validation, with defaults applied. */
export interface Config {
  readonly homeserver: {
    /** Client-server API base URL; absent: discovered from `domain` via `.well-known/matrix/client`. */
    readonly url?: string;
    readonly domain: string;
  };
  readonly appservice: {
    readonly id: string;
    readonly bind: string;
    readonly port: number;
    /** The URL the homeserver reaches us at (the registration's `url`). */
    readonly address: string;
    readonly as_token: string;
    readonly hs_token: string;
    /** as_token of the double-puppet registration; absent: no double puppeting. */
    readonly double_puppet_token?: string;
    readonly bot: { readonly localpart: string; readonly displayname: string; readonly avatar?: string };
    /** Largest transaction body accepted, in bytes. */
    readonly max_body_bytes: number;
  };
  readonly database: {
    /** `postgres://...`; absent: the embedded PGlite database in `path`. */
    readonly url?: string;
    readonly path: string;
    /** 32 random bytes, base64: encrypts credentials and session blobs at rest. */
    readonly encryption_key: string;
  };
  /** Keys: a user id, a server name, or `*`. The most specific entry wins. */
  readonly permissions: Readonly<Record<string, PermissionLevel>>;
  readonly media: {
    /** Public base URL of the bridge's signed media route (needed by Discord avatars). */
    readonly public_url?: string;
    readonly max_file_bytes: number;
  };
  readonly logging: {
    readonly level: 'debug' | 'info' | 'warn' | 'error';
    readonly format: 'json' | 'pretty';
  };
  readonly metrics: { readonly enabled: boolean; readonly bind: string; readonly port: number };
  readonly provisioning: {
    readonly enabled: boolean;
    readonly prefix: string;
    readonly shared_secret?: string;
  };
  /** One section per network module; `enabled` and `module` are read by the core, the rest by the module. */
  readonly bridges: Readonly<Record<string, BridgeSection>>;
}

export interface BridgeSection extends JsonObject {
  enabled: boolean;
}
