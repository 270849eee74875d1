import { LruCache } from './cache';
import type { Queryable } from './database';

export interface MemberRow {
  room_id: string;
  user_id: string;
  membership: string;
  displayname: string | null;
  avatar_url: string | null;
  /** The ghost's own name in this room (`GhostManager.setRoomName`); null: the global name. */
  room_displayname: string | null;
}

/** What a membership event says; the per-room name is kept apart (`setRoomName`). */
export type MemberUpdate = Omit<MemberRow, 'room_displayname'>;

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

  /**
   * Records a membership and returns the per-room name (null when there is none), so a ghost's
   * join event can be checked against it. The name is forgotten only with `forgetRoomName`: the
   * remote side's leave, handled in the chat's order. A leave event from the homeserver keeps it,
   * as it may arrive after the ghost came back and was named again (and a ghost kicked on Matrix
   * keeps the name the remote side gave it).
   */
  async set(row: MemberUpdate, forgetRoomName = false): Promise<string | null> {
    try {
      const res = await this.db.query<{ room_displayname: string | null }>(
        `INSERT INTO room_member (room_id, user_id, membership, displayname, avatar_url) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (room_id, user_id) DO UPDATE
         SET membership = EXCLUDED.membership, displayname = EXCLUDED.displayname, avatar_url = EXCLUDED.avatar_url,
             room_displayname = CASE WHEN $6 THEN NULL ELSE room_member.room_displayname END
       RETURNING room_displayname`,
        [row.room_id, row.user_id, row.membership, row.displayname, row.avatar_url, forgetRoomName],
      );
      return res.rows[0]?.room_displayname ?? null;
    } finally {
      // Dropped rather than written through: two racing writers could cache out of order.
      this.cache.delete(`${row.room_id}\u0000${row.user_id}`);
    }
  }

  /** Sets (or, with null, clears) a joined ghost's own name in the room. */
  async setRoomName(roomId: string, userId: string, name: string | null): Promise<void> {
    try {
      await this.db.query(
        `INSERT INTO room_member (room_id, user_id, membership, room_displayname) VALUES ($1, $2, 'join', $3)
       ON CONFLICT (room_id, user_id) DO UPDATE SET room_displayname = EXCLUDED.room_displayname`,
        [roomId, userId, name],
      );
    } finally {
      this.cache.delete(`${roomId}\u0000${userId}`);
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
