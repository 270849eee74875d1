import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../crypto/secret-box';
import type { BridgeStateKind } from '../sdk/context';
import type { JsonObject, JsonValue } from '../sdk/ids';
import type { LoginRecord } from '../sdk/module';
import type { Queryable } from './database';

interface LoginRow {
  id: string;
  network: string;
  user_id: string;
  remote_id: string;
  remote_name: string;
  state: BridgeStateKind;
  state_message: string | null;
  credentials: Uint8Array | null;
  metadata: JsonObject;
}

export interface LoginWithState extends LoginRecord {
  readonly state: BridgeStateKind;
  readonly stateMessage: string | null;
}

/** Logins, with credentials sealed by the SecretBox before they touch the database. */
export class LoginRepo {
  constructor(
    private readonly db: Queryable,
    private readonly box: SecretBox,
  ) {}

  private decode(row: LoginRow): LoginWithState {
    return {
      id: row.id,
      network: row.network,
      userId: row.user_id,
      remoteId: row.remote_id,
      remoteName: row.remote_name,
      credentials: row.credentials ? (this.box.openJson(Buffer.from(row.credentials)) as JsonValue) : null,
      metadata: row.metadata,
      state: row.state,
      stateMessage: row.state_message,
    };
  }

  /** Stores a login; logging in again to the same remote account replaces the credentials. */
  async upsert(l: Omit<LoginRecord, 'id'>): Promise<LoginWithState> {
    const res = await this.db.query<LoginRow>(
      `INSERT INTO login (id, network, user_id, remote_id, remote_name, credentials, metadata, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (network, user_id, remote_id) DO UPDATE
         SET remote_name = EXCLUDED.remote_name, credentials = EXCLUDED.credentials, metadata = EXCLUDED.metadata
       RETURNING *`,
      [
        randomUUID(),
        l.network,
        l.userId,
        l.remoteId,
        l.remoteName,
        this.box.sealJson(l.credentials),
        JSON.stringify(l.metadata),
        Date.now(),
      ],
    );
    return this.decode(res.rows[0] as LoginRow);
  }

  /** Who owns a login, without decrypting its credentials (per-message routing needs only this). */
  async owner(id: string): Promise<{ network: string; userId: string; remoteId: string } | null> {
    const res = await this.db.query<{ network: string; user_id: string; remote_id: string }>(
      'SELECT network, user_id, remote_id FROM login WHERE id = $1',
      [id],
    );
    const row = res.rows[0];
    return row ? { network: row.network, userId: row.user_id, remoteId: row.remote_id } : null;
  }

  async get(id: string): Promise<LoginWithState | null> {
    const res = await this.db.query<LoginRow>('SELECT * FROM login WHERE id = $1', [id]);
    return res.rows[0] ? this.decode(res.rows[0]) : null;
  }

  async list(filter: { network?: string; userId?: string } = {}): Promise<LoginWithState[]> {
    const res = await this.db.query<LoginRow>(
      `SELECT * FROM login WHERE ($1::text IS NULL OR network = $1) AND ($2::text IS NULL OR user_id = $2)
       ORDER BY created_at`,
      [filter.network ?? null, filter.userId ?? null],
    );
    return res.rows.map((r) => this.decode(r));
  }

  async setState(id: string, state: BridgeStateKind, message: string | null): Promise<void> {
    await this.db.query('UPDATE login SET state = $2, state_message = $3 WHERE id = $1', [
      id,
      state,
      message,
    ]);
  }

  async update(id: string, patch: { credentials?: JsonValue; metadata?: JsonObject }): Promise<void> {
    if (patch.credentials !== undefined) {
      await this.db.query('UPDATE login SET credentials = $2 WHERE id = $1', [
        id,
        this.box.sealJson(patch.credentials),
      ]);
    }
    if (patch.metadata !== undefined) {
      await this.db.query('UPDATE login SET metadata = metadata || $2::jsonb WHERE id = $1', [
        id,
        JSON.stringify(patch.metadata),
      ]);
    }
  }

  async delete(id: string): Promise<void> {
    await this.db.query('DELETE FROM login WHERE id = $1', [id]);
  }
}
