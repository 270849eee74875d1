import type { Queryable } from './database';

export interface GhostRow {
  network: string;
  remote_id: string;
  user_id: string;
  displayname: string | null;
  avatar_key: string | null;
  avatar_mxc: string | null;
  registered: boolean;
}

/** Ghosts: Matrix users the bridge puppets for remote users. */
export class GhostRepo {
  constructor(private readonly db: Queryable) {}

  async get(network: string, remoteId: string): Promise<GhostRow | null> {
    const res = await this.db.query<GhostRow>('SELECT * FROM ghost WHERE network = $1 AND remote_id = $2', [
      network,
      remoteId,
    ]);
    return res.rows[0] ?? null;
  }

  async byUserId(userId: string): Promise<GhostRow | null> {
    const res = await this.db.query<GhostRow>('SELECT * FROM ghost WHERE user_id = $1', [userId]);
    return res.rows[0] ?? null;
  }

  async upsertRegistered(network: string, remoteId: string, userId: string): Promise<void> {
    await this.db.query(
      // Another worker may insert the same ghost concurrently (it hits either unique key): no conflict target.
      `INSERT INTO ghost (network, remote_id, user_id, registered) VALUES ($1, $2, $3, true) ON CONFLICT DO NOTHING`,
      [network, remoteId, userId],
    );
    await this.db.query('UPDATE ghost SET registered = true WHERE network = $1 AND remote_id = $2', [
      network,
      remoteId,
    ]);
  }

  async setProfile(
    network: string,
    remoteId: string,
    patch: Partial<Pick<GhostRow, 'displayname' | 'avatar_key' | 'avatar_mxc'>>,
  ): Promise<void> {
    const cols = Object.keys(patch) as (keyof typeof patch)[];
    if (cols.length === 0) return;
    const sets = cols.map((c, i) => `${c} = $${i + 3}`).join(', ');
    await this.db.query(`UPDATE ghost SET ${sets} WHERE network = $1 AND remote_id = $2`, [
      network,
      remoteId,
      ...cols.map((c) => patch[c]),
    ]);
  }
}
