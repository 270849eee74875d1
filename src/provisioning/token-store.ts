import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../store/database';

/** The kv namespace: module ids are lower-case letters and digits, so no module can clash. */
const NS = '_provisioning';

export const SESSION_TTL_MS = 24 * 60 * 60_000;
export const LINK_TTL_MS = 10 * 60_000;

interface Grant {
  readonly user_id: string;
  readonly expires_at: number;
}

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * Web sessions and one-time sign-in codes, kept in the database (so they survive a restart
 * and any worker can check them, DESIGN §10) under the SHA-256 of the secret: a database dump
 * gives no usable token.
 */
export class TokenStore {
  constructor(
    private readonly db: Queryable,
    private readonly now: () => number = Date.now,
  ) {}

  /** A session token for `userId`, proven by an OpenID token or a one-time code. */
  async issueSession(userId: string): Promise<{ token: string; expiresAt: number }> {
    const token = `sbp_${randomBytes(32).toString('base64url')}`;
    const expiresAt = this.now() + SESSION_TTL_MS;
    await this.put(`session:${hash(token)}`, { user_id: userId, expires_at: expiresAt });
    return { token, expiresAt };
  }

  /** The user a session token belongs to, or null when unknown or expired. */
  async sessionUser(token: string): Promise<string | null> {
    const key = `session:${hash(token)}`;
    const res = await this.db.query<{ value: Uint8Array }>(
      'SELECT value FROM kv WHERE network = $1 AND key = $2',
      [NS, key],
    );
    const grant = res.rows[0] ? this.decode(res.rows[0].value) : null;
    if (grant && grant.expires_at <= this.now()) await this.remove(key);
    return grant && grant.expires_at > this.now() ? grant.user_id : null;
  }

  async revokeSession(token: string): Promise<void> {
    await this.remove(`session:${hash(token)}`);
  }

  /** A one-time sign-in code for the `web` command's link. */
  async issueLinkCode(userId: string): Promise<string> {
    const code = randomBytes(24).toString('base64url');
    await this.put(`link:${hash(code)}`, { user_id: userId, expires_at: this.now() + LINK_TTL_MS });
    return code;
  }

  /** Uses up a sign-in code: one DELETE ... RETURNING, so two tabs cannot both redeem it. */
  async redeemLinkCode(code: string): Promise<string | null> {
    const res = await this.db.query<{ value: Uint8Array }>(
      'DELETE FROM kv WHERE network = $1 AND key = $2 RETURNING value',
      [NS, `link:${hash(code)}`],
    );
    const grant = res.rows[0] ? this.decode(res.rows[0].value) : null;
    return grant && grant.expires_at > this.now() ? grant.user_id : null;
  }

  private async put(key: string, grant: Grant): Promise<void> {
    await this.db.query(
      `INSERT INTO kv (network, key, value, encrypted) VALUES ($1, $2, $3, false)
       ON CONFLICT (network, key) DO UPDATE SET value = EXCLUDED.value`,
      [NS, key, Buffer.from(JSON.stringify(grant))],
    );
  }

  private async remove(key: string): Promise<void> {
    await this.db.query('DELETE FROM kv WHERE network = $1 AND key = $2', [NS, key]);
  }

  private decode(value: Uint8Array): Grant | null {
    try {
      const g = JSON.parse(Buffer.from(value).toString('utf8')) as Partial<Grant>;
      return typeof g.user_id === 'string' && typeof g.expires_at === 'number'
        ? { user_id: g.user_id, expires_at: g.expires_at }
        : null;
    } catch {
      return null;
    }
  }
}
