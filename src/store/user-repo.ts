import { LruCache } from './cache';
import type { Queryable } from './database';

/**
 * Matrix users of the bridge: their management room. Every Matrix event asks whether its room
 * is a management room, so both directions of the mapping are cached; a write drops them.
 * All writes to `matrix_user.management_room` must go through this class.
 */
export class UserRepo {
  private readonly roomOf: LruCache<string, string | null>;
  private readonly ownerOf: LruCache<string, string | null>;

  constructor(
    private readonly db: Queryable,
    cacheSize = 10_000,
  ) {
    this.roomOf = new LruCache(cacheSize);
    this.ownerOf = new LruCache(cacheSize);
  }

  async managementRoom(userId: string): Promise<string | null> {
    return this.roomOf.load(userId, async () => {
      const res = await this.db.query<{ management_room: string | null }>(
        'SELECT management_room FROM matrix_user WHERE user_id = $1',
        [userId],
      );
      return res.rows[0]?.management_room ?? null;
    });
  }

  async setManagementRoom(userId: string, roomId: string): Promise<void> {
    try {
      await this.db.query(
        `INSERT INTO matrix_user (user_id, management_room) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET management_room = EXCLUDED.management_room`,
        [userId, roomId],
      );
    } finally {
      // The user's previous room lost its owner: drop everything rather than track it.
      this.roomOf.clear();
      this.ownerOf.clear();
    }
  }

  /** `roomId` is no one's management room any more (it became a portal). */
  async releaseManagementRoom(roomId: string): Promise<void> {
    try {
      await this.db.query('UPDATE matrix_user SET management_room = NULL WHERE management_room = $1', [
        roomId,
      ]);
    } finally {
      this.roomOf.clear();
      this.ownerOf.clear();
    }
  }

  async ownerOfManagementRoom(roomId: string): Promise<string | null> {
    return this.ownerOf.load(roomId, async () => {
      const res = await this.db.query<{ user_id: string }>(
        'SELECT user_id FROM matrix_user WHERE management_room = $1',
        [roomId],
      );
      return res.rows[0]?.user_id ?? null;
    });
  }
}
