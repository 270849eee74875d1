import type { Queryable } from './database';

export interface MemberRow {
  room_id: string;
  user_id: string;
  membership: string;
  displayname: string | null;
  avatar_url: string | null;
}

/** The membership of rooms we bridge, as seen in the events we receive. */
export class MemberRepo {
  constructor(private readonly db: Queryable) {}

  async set(row: MemberRow): Promise<void> {
    await this.db.query(
      `INSERT INTO room_member (room_id, user_id, membership, displayname, avatar_url) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (room_id, user_id) DO UPDATE
         SET membership = EXCLUDED.membership, displayname = EXCLUDED.displayname, avatar_url = EXCLUDED.avatar_url`,
      [row.room_id, row.user_id, row.membership, row.displayname, row.avatar_url],
    );
  }

  async get(roomId: string, userId: string): Promise<MemberRow | null> {
    const res = await this.db.query<MemberRow>(
      'SELECT * FROM room_member WHERE room_id = $1 AND user_id = $2',
      [roomId, userId],
    );
    return res.rows[0] ?? null;
  }

  async joined(roomId: string): Promise<MemberRow[]> {
    const res = await this.db.query<MemberRow>(
      "SELECT * FROM room_member WHERE room_id = $1 AND membership = 'join' ORDER BY user_id",
      [roomId],
    );
    return res.rows;
  }
}
