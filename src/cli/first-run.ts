import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { SecretBox } from '../crypto/secret-box';

export interface FirstRunOptions {
  readonly domain: string;
  readonly homeserverUrl: string;
  readonly port: number;
}

/**
 * The config written when `switchboard start` finds none: fresh random tokens and
 * encryption key, the embedded database, and the example network so a new install has
 * something to talk to. Everything else is in config.sample.yaml.
 */
export function firstRunConfig(o: FirstRunOptions): Record<string, unknown> {
  return {
    homeserver: { url: o.homeserverUrl, domain: o.domain },
    appservice: {
      port: o.port,
      address: `http://127.0.0.1:${o.port}`,
      as_token: randomBytes(32).toString('base64url'),
      hs_token: randomBytes(32).toString('base64url'),
    },
    database: { path: './data/pglite', encryption_key: SecretBox.generateKey() },
    permissions: { '*': 'relay', [o.domain]: 'user' },
    bridges: { example: { enabled: true } },
  };
}

export function writeFirstRunConfig(path: string, o: FirstRunOptions): void {
  const header =
    '# Written by `switchboard start` on first run. Every option is described in config.sample.yaml.\n' +
    '# The tokens and the encryption key are secrets: keep this file private (mode 600).\n';
  writeFileSync(path, header + stringify(firstRunConfig(o)), { mode: 0o600 });
}
