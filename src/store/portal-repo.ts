import type { ChatKind, JsonObject, PortalInfo, RemoteChatRef } from '../sdk/ids';
import { LruCache } from './cache';
import type { Queryable } from './database';

export interface PortalRow {
  network: string;
  remote_id: string;
  receiver: string;
  room_id: string | null;
  kind: ChatKind;
  name: string | null;
  topic: string | null;
  avatar_key: string | null;
  avatar_mxc: string | null;
  space_room: string | null;
  metadata: JsonObject;
}

export function toPortalInfo(row: PortalRow & { room_id: string }): PortalInfo {
  return {
    network: row.network,
    chat: row.receiver ? { id: row.remote_id, receiver: row.receiver } : { id: row.remote_id },
    roomId: row.room_id,
    kind: row.kind,
    ...(row.name !== null ? { name: row.name } : {}),
    ...(row.topic !== null ? { topic: row.topic } : {}),
    metadata: row.metadata,
  };
}

/** Callers may change what they get (metadata especially); the cached row must not change. */
const copy = (row: PortalRow | null): PortalRow | null =>
  row && { ...row, metadata: structuredClone(row.metadata) };

/**
 * Portals: remote chats and the Matrix rooms that stand for them. Both lookups run for every
 * bridged event, so rows (and absences) are cached; every write below drops the caches.
 * All writes to `portal` must go through this class.
 */
export class PortalRepo {
  private readonly byKey: LruCache<string, PortalRow | null>;
  private readonly byRoomId: LruCache<string, PortalRow | null>;

  constructor(
    private readonly db: Queryable,
    cacheSize = 10_000,
  ) {
    this.byKey = new LruCache(cacheSize);
    this.byRoomId = new LruCache(cacheSize);
  }

  async get(network: string, chat: RemoteChatRef): Promise<PortalRow | null> {
    const receiver = chat.receiver ?? '';
    const row = await this.byKey.load(`${network}\u0000${chat.id}\u0000${receiver}`, async () => {
      const res = await this.db.query<PortalRow>(
        'SELECT * FROM portal WHERE network = $1 AND remote_id = $2 AND receiver = $3',
        [network, chat.id, receiver],
      );
      return res.rows[0] ?? null;
    });
    return copy(row);
  }

  async byRoom(roomId: string): Promise<PortalRow | null> {
    const row = await this.byRoomId.load(roomId, async () => {
      const res = await this.db.query<PortalRow>('SELECT * FROM portal WHERE room_id = $1', [roomId]);
      return res.rows[0] ?? null;
    });
    return copy(row);
  }

  /**
   * Portal writes are rare (creation, renames, unbridging): any write drops both caches once
   * it is done (or failed), which also voids loads that started before it.
   */
  private async write(sql: string, params: readonly unknown[]): Promise<void> {
    try {
      await this.db.query(sql, params);
    } finally {
      this.byKey.clear();
      this.byRoomId.clear();
    }
  }

  async list(network?: string): Promise<PortalRow[]> {
    const res = network
      ? await this.db.query<PortalRow>('SELECT * FROM portal WHERE network = $1 AND room_id IS NOT NULL', [
          network,
        ])
      : await this.db.query<PortalRow>('SELECT * FROM portal WHERE room_id IS NOT NULL');
    return res.rows;
  }

  async insert(
    network: string,
    chat: RemoteChatRef,
    row: Partial<PortalRow> & { room_id: string },
  ): Promise<void> {
    await this.write(
      `INSERT INTO portal (network, remote_id, receiver, room_id, kind, name, name_set, topic, topic_set, space_room, metadata, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        network,
        chat.id,
        chat.receiver ?? '',
        row.room_id,
        row.kind ?? 'group',
        row.name ?? null,
        row.name != null,
        row.topic ?? null,
        row.topic != null,
        row.space_room ?? null,
        JSON.stringify(row.metadata ?? {}),
        Date.now(),
      ],
    );
  }

  async update(
    network: string,
    chat: RemoteChatRef,
    patch: Partial<
      Pick<PortalRow, 'name' | 'topic' | 'avatar_key' | 'avatar_mxc' | 'space_room' | 'metadata'>
    >,
  ): Promise<void> {
    const cols = Object.keys(patch) as (keyof typeof patch)[];
    if (cols.length === 0) return;
    const sets = cols.map((c, i) => `${c} = $${i + 4}`).join(', ');
    const values = cols.map((c) => (c === 'metadata' ? JSON.stringify(patch[c]) : patch[c]));
    await this.write(`UPDATE portal SET ${sets} WHERE network = $1 AND remote_id = $2 AND receiver = $3`, [
      network,
      chat.id,
      chat.receiver ?? '',
      ...values,
    ]);
  }

  /** A room upgrade: the portal of `oldRoom` is now `newRoom`. Message rows keep their own room. */
  async moveRoom(oldRoom: string, newRoom: string): Promise<void> {
    await this.write('UPDATE portal SET room_id = $2 WHERE room_id = $1', [oldRoom, newRoom]);
  }

  async delete(roomId: string): Promise<void> {
    await this.write('DELETE FROM portal WHERE room_id = $1', [roomId]);
  }
}
