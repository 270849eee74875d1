import type { BridgedMessageRef } from '../sdk/ids';
import { Coalescer } from './coalescer';
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

type RemoteKey = { network: string; receiver: string; remoteId: string };
const keyOf = (network: string, receiver: string, remoteId: string) =>
  `${network}\u0000${receiver}\u0000${remoteId}`;

/**
 * A remote message's parts, read ahead of time (when the event is queued rather than when it
 * is handled). Use it through `MessageRepo.readAhead`, which says whether it may have gone stale.
 */
export interface ReadAhead {
  readonly key: string;
  /** The repository's write counter when the read was issued. */
  readonly since: number;
  /** The rows, or null when the read failed (read again). */
  readonly rows: Promise<MessageRow[] | null>;
}

/**
 * Messages: which Matrix event stands for which remote message (and part). Every bridged
 * message inserts a mapping and every remote one looks its id up first, so concurrent calls
 * (from different rooms' queues) are grouped into one statement each (see `Coalescer`).
 */
export class MessageRepo {
  private readonly inserts: Coalescer<MessageRow, boolean>;
  private readonly remoteLookups: Coalescer<RemoteKey, MessageRow[]>;
  /** Counts finished writes; `lastWrite` holds, per remote id, the count of its last one. */
  private writes = 0;
  private readonly lastWrite = new Map<string, number>();
  /** The newest write count no longer in `lastWrite` (evicted). */
  private forgottenUpTo = 0;

  private readonly writesRemembered: number;

  /** `writesRemembered`: remote ids whose last write is remembered for `readAhead`. */
  constructor(
    private readonly db: Queryable,
    o: { maxInFlight?: number; writesRemembered?: number } = {},
  ) {
    this.writesRemembered = o.writesRemembered ?? 50_000;
    this.inserts = new Coalescer((rows) => this.insertMany(rows), o);
    this.remoteLookups = new Coalescer((keys) => this.byRemoteIds(keys), o);
  }

  /** Returns false when the mapping already existed (a duplicate delivery). */
  async insert(row: MessageRow): Promise<boolean> {
    try {
      return await this.inserts.run(row);
    } finally {
      this.noteWrite(keyOf(row.network, row.receiver, row.remote_id));
    }
  }

  /**
   * Starts reading a remote message's parts now, for use later: a queued remote message is
   * looked up while it waits, so its handling does not wait for the read.
   */
  startReadAhead(network: string, receiver: string, remoteId: string): ReadAhead {
    return {
      key: keyOf(network, receiver, remoteId),
      since: this.writes,
      rows: this.byRemoteId(network, receiver, remoteId).catch(() => null),
    };
  }

  /**
   * The parts of a remote message: from `ahead` when nothing was written to that message
   * through this repository since it was read (writes elsewhere are seen by no read anyway),
   * else read again now.
   */
  async readAhead(
    ahead: ReadAhead | undefined,
    network: string,
    receiver: string,
    remoteId: string,
  ): Promise<MessageRow[]> {
    const key = keyOf(network, receiver, remoteId);
    if (ahead?.key === key) {
      const rows = await ahead.rows;
      // Checked after the read finished: a write finishing meanwhile also counts as a change.
      const last = this.lastWrite.get(key);
      if (rows && this.forgottenUpTo <= ahead.since && (last === undefined || last <= ahead.since))
        return rows;
    }
    return this.byRemoteId(network, receiver, remoteId);
  }

  /** Remembers that a write to this remote message finished (or failed: it may have landed). */
  private noteWrite(key: string): void {
    this.lastWrite.delete(key);
    this.lastWrite.set(key, ++this.writes);
    if (this.lastWrite.size > this.writesRemembered) {
      const [oldest, count] = this.lastWrite.entries().next().value as [string, number];
      this.lastWrite.delete(oldest);
      this.forgottenUpTo = count;
    }
  }

  private async insertMany(rows: MessageRow[]): Promise<boolean[]> {
    const col = <K extends keyof MessageRow>(k: K) => rows.map((r) => r[k]);
    const res = await this.db.query<{ event_id: string }>(
      `INSERT INTO message (network, receiver, remote_id, part, room_id, event_id, sender_remote, sender_mxid, ts)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[])
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [
        col('network'),
        col('receiver'),
        col('remote_id'),
        col('part'),
        col('room_id'),
        col('event_id'),
        col('sender_remote'),
        col('sender_mxid'),
        col('ts'),
      ],
    );
    const inserted = new Set(res.rows.map((r) => r.event_id));
    // Two rows of one batch with the same event id: only the first can have been inserted.
    return rows.map((r) => inserted.delete(r.event_id));
  }

  async byEventId(eventId: string): Promise<MessageRow | null> {
    const res = await this.db.query<MessageRow>('SELECT * FROM message WHERE event_id = $1', [eventId]);
    return res.rows[0] ?? null;
  }

  /** All parts of a remote message, first part first. */
  byRemoteId(network: string, receiver: string, remoteId: string): Promise<MessageRow[]> {
    return this.remoteLookups.run({ network, receiver, remoteId });
  }

  private async byRemoteIds(keys: RemoteKey[]): Promise<MessageRow[][]> {
    if (keys.length === 1) {
      const k = keys[0] as RemoteKey;
      const res = await this.db.query<MessageRow>(
        'SELECT * FROM message WHERE network = $1 AND receiver = $2 AND remote_id = $3 ORDER BY part',
        [k.network, k.receiver, k.remoteId],
      );
      return [res.rows];
    }
    // Two callers may ask for the same message: ask the database once.
    const unique = [...new Map(keys.map((k) => [keyOf(k.network, k.receiver, k.remoteId), k])).values()];
    const res = await this.db.query<MessageRow>(
      `SELECT m.* FROM message m
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(network, receiver, remote_id)
         ON m.network = k.network AND m.receiver = k.receiver AND m.remote_id = k.remote_id
       ORDER BY m.part`,
      [unique.map((k) => k.network), unique.map((k) => k.receiver), unique.map((k) => k.remoteId)],
    );
    const found = new Map<string, MessageRow[]>();
    for (const row of res.rows) {
      const k = keyOf(row.network, row.receiver, row.remote_id);
      const list = found.get(k);
      if (list) list.push(row);
      else found.set(k, [row]);
    }
    // Each caller gets its own array.
    return keys.map((k) => [...(found.get(keyOf(k.network, k.receiver, k.remoteId)) ?? [])]);
  }

  async deleteByRemoteId(network: string, receiver: string, remoteId: string): Promise<void> {
    try {
      await this.db.query('DELETE FROM message WHERE network = $1 AND receiver = $2 AND remote_id = $3', [
        network,
        receiver,
        remoteId,
      ]);
    } finally {
      this.noteWrite(keyOf(network, receiver, remoteId));
    }
  }
}
