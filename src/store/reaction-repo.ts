import type { Queryable } from './database';

export interface ReactionRow {
  network: string;
  receiver: string;
  target_id: string;
  /** A remote user id for remote reactions, a Matrix user id for Matrix ones. */
  sender: string;
  key: string;
  room_id: string;
  event_id: string;
  remote_id: string | null;
}

/** Reactions, keyed by who reacted with what to which message. */
export class ReactionRepo {
  constructor(private readonly db: Queryable) {}

  async insert(r: ReactionRow): Promise<boolean> {
    const res = await this.db.query(
      `INSERT INTO reaction (network, receiver, target_id, sender, key, room_id, event_id, remote_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      [r.network, r.receiver, r.target_id, r.sender, r.key, r.room_id, r.event_id, r.remote_id],
    );
    return res.rowCount > 0;
  }

  async get(
    network: string,
    receiver: string,
    targetId: string,
    sender: string,
    key: string,
  ): Promise<ReactionRow | null> {
    const res = await this.db.query<ReactionRow>(
      'SELECT * FROM reaction WHERE network = $1 AND receiver = $2 AND target_id = $3 AND sender = $4 AND key = $5',
      [network, receiver, targetId, sender, key],
    );
    return res.rows[0] ?? null;
  }

  async byEventId(eventId: string): Promise<ReactionRow | null> {
    const res = await this.db.query<ReactionRow>('SELECT * FROM reaction WHERE event_id = $1', [eventId]);
    return res.rows[0] ?? null;
  }

  async deleteByEventId(eventId: string): Promise<void> {
    await this.db.query('DELETE FROM reaction WHERE event_id = $1', [eventId]);
  }
}
