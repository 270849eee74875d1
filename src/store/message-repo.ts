import type { BridgedMessageRef } from '../sdk/ids';
import type { Queryable } from './database';

export interface MessageRow {
  network: string;
  receiver: string;
  remote_id: string;
  part: string;
  room_id: string;
  event_id: string;
  sender_remote: string | null;
  sender_mxid: string | null;
  ts: number;
}

export function toMessageRef(row: MessageRow): BridgedMessageRef {
  return {
    remoteId: row.remote_id,
    part: row.part,
    eventId: row.event_id,
    ...(row.sender_remote ? { remoteSender: row.sender_remote } : {}),
    ...(row.sender_mxid ? { matrixSender: row.sender_mxid } : {}),
  };
}

/** Messages: which Matrix event stands for which remote message (and part). */
export class MessageRepo {
  constructor(private readonly db: Queryable) {}

  /** Returns false when the mapping already existed (a duplicate delivery). */
  async insert(row: MessageRow): Promise<boolean> {
    const res = await this.db.query(
      `INSERT INTO message (network, receiver, remote_id, part, room_id, event_id, sender_remote, sender_mxid, ts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [
        row.network,
        row.receiver,
        row.remote_id,
        row.part,
        row.room_id,
        row.event_id,
        row.sender_remote,
        row.sender_mxid,
        row.ts,
      ],
    );
    return res.rowCount > 0;
  }

  async byEventId(eventId: string): Promise<MessageRow | null> {
    const res = await this.db.query<MessageRow>('SELECT * FROM message WHERE event_id = $1', [eventId]);
    return res.rows[0] ?? null;
  }

  /** All parts of a remote message, first part first. */
  async byRemoteId(network: string, receiver: string, remoteId: string): Promise<MessageRow[]> {
    const res = await this.db.query<MessageRow>(
      'SELECT * FROM message WHERE network = $1 AND receiver = $2 AND remote_id = $3 ORDER BY part',
      [network, receiver, remoteId],
    );
    return res.rows;
  }

  async deleteByRemoteId(network: string, receiver: string, remoteId: string): Promise<void> {
    await this.db.query('DELETE FROM message WHERE network = $1 AND receiver = $2 AND remote_id = $3', [
      network,
      receiver,
      remoteId,
    ]);
  }
}
