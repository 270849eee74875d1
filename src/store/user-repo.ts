import type { Queryable } from './database';

/** Matrix users of the bridge: their management room. */
export class UserRepo {
  constructor(private readonly db: Queryable) {}

  async managementRoom(userId: string): Promise<string | null> {
    const res = await this.db.query<{ management_room: string | null }>(
      'SELECT management_room FROM matrix_user WHERE user_id = $1',
      [userId],
    );
    return res.rows[0]?.management_room ?? null;
  }

  async setManagementRoom(userId: string, roomId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO matrix_user (user_id, management_room) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET management_room = EXCLUDED.management_room`,
      [userId, roomId],
    );
  }

  async ownerOfManagementRoom(roomId: string): Promise<string | null> {
    const res = await this.db.query<{ user_id: string }>(
      'SELECT user_id FROM matrix_user WHERE management_room = $1',
      [roomId],
    );
    return res.rows[0]?.user_id ?? null;
  }
}
