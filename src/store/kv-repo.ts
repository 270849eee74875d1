import type { SecretBox } from '../crypto/secret-box';
import type { ModuleKv } from '../sdk/context';
import type { Queryable } from './database';

/** Per-module key-value storage; `encrypt` values are sealed with the SecretBox. */
export class KvRepo {
  constructor(
    private readonly db: Queryable,
    private readonly box: SecretBox,
  ) {}

  forNetwork(network: string): ModuleKv {
    return {
      get: async (key) => {
        const res = await this.db.query<{ value: Uint8Array; encrypted: boolean }>(
          'SELECT value, encrypted FROM kv WHERE network = $1 AND key = $2',
          [network, key],
        );
        const row = res.rows[0];
        if (!row) return null;
        const value = Buffer.from(row.value);
        return row.encrypted ? this.box.open(value) : value;
      },
      set: async (key, value, opts) => {
        const encrypted = opts?.encrypt ?? false;
        await this.db.query(
          `INSERT INTO kv (network, key, value, encrypted) VALUES ($1, $2, $3, $4)
           ON CONFLICT (network, key) DO UPDATE SET value = EXCLUDED.value, encrypted = EXCLUDED.encrypted`,
          [network, key, encrypted ? this.box.seal(value) : value, encrypted],
        );
      },
      delete: async (key) => {
        await this.db.query('DELETE FROM kv WHERE network = $1 AND key = $2', [network, key]);
      },
      list: async (prefix) => {
        const res = await this.db.query<{ key: string }>(
          'SELECT key FROM kv WHERE network = $1 AND starts_with(key, $2) ORDER BY key',
          [network, prefix],
        );
        return res.rows.map((r) => r.key);
      },
    };
  }
}
