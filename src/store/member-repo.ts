import { LruCache } from './cache';
import type { Queryable } from './database';

export interface MemberRow {
  room_id: string;
  user_id: string;
  membership: string;
  displayname: string | null;
  avatar_url: string | null;
}

/**
 * The membership of rooms we bridge, as seen in the events we receive. `get` runs for every
 * Matrix message (the sender's display name) and every remote one (is the ghost joined?), so
 * rows are cached and `set` drops the entry it wrote. All writes to `room_member` must go through here.
 */
export class MemberRepo {
  private readonly cache: LruCache<string, MemberRow | null>;

  constructor(
    private readonly db: Queryable,
    cacheSize = 50_000,
  ) {
    this.cache = new LruCache(cacheSize);
  }

  async set(row: MemberRow): Promise<void> {
    try {
      await this.db.query(
        `INSERT INTO room_member (room_id, user_id, membership, displayname, avatar_url) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (room_id, user_id) DO UPDATE
         SET membership = EXCLUDED.membership, displayname = EXCLUDED.displayname, avatar_url = EXCLUDED.avatar_url`,
        [row.room_id, row.user_id, row.membership, row.displayname, row.avatar_url],
      );
    } finally {
      // Dropped rather than written through: two racing writers could cache out of order.
      this.cache.delete(`${row.room_id}\u0000${row.user_id}`);
    }
  }

  async get(roomId: string, userId: string): Promise<MemberRow | null> {
    const row = await this.cache.load(`${roomId}\u0000${userId}`, async () => {
      const res = await this.db.query<MemberRow>(
        'SELECT * FROM room_member WHERE room_id = $1 AND user_id = $2',
        [roomId, userId],
      );
      return res.rows[0] ?? null;
    });
    return row && { ...row };
  }

  async joined(roomId: string): Promise<MemberRow[]> {
    const res = await this.db.query<MemberRow>(
      "SELECT * FROM room_member WHERE room_id = $1 AND membership = 'join' ORDER BY user_id",
      [roomId],
    );
    return res.rows;
  }
}
