import type { Queryable } from './database';
import { toJsonb } from './jsonb';

/** A Matrix event as received from the homeserver, stored before we answer 200. */
export interface StoredEvent {
  seq: number;
  event_id: string;
  room_id: string;
  body: Record<string, unknown>;
  attempts: number;
  /**
   * Stored by an earlier run and picked up again at start-up: it may have been delivered just
   * before the crash. A fresh event was never seen before (the insert deduplicates by event_id).
   */
  replayed?: boolean;
}

export interface IncomingEvent {
  eventId: string;
  roomId: string;
  body: Record<string, unknown>;
}

export const EVENT_PENDING = 0;
export const EVENT_DONE = 1;
export const EVENT_FAILED = 2;

/**
 * The durable half of the transaction endpoint (DESIGN §2): a transaction id and its events
 * are written in ONE database transaction, deduplicated by txnId and by event_id.
 */
export class IngestRepo {
  constructor(private readonly db: Queryable) {}

  /**
   * Returns the newly stored events; none when the transaction was seen before. One
   * statement, so one round trip and atomic without BEGIN/COMMIT: the transaction id and
   * its events are committed together or not at all (the CTE always runs; the events go in
   * only when the id was new).
   */
  async storeTransaction(txnId: string, events: readonly IncomingEvent[]): Promise<StoredEvent[]> {
    const res = await this.db.query<{ seq: number; event_id: string }>(
      `WITH txn AS (
         INSERT INTO as_txn (txn_id, received_at) VALUES ($5, $4) ON CONFLICT DO NOTHING RETURNING 1
       )
       INSERT INTO as_event (event_id, room_id, body, received_at)
       SELECT e, r, b::jsonb, $4 FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(e, r, b, n)
       WHERE EXISTS (SELECT 1 FROM txn)
       ORDER BY n
       ON CONFLICT (event_id) DO NOTHING RETURNING seq, event_id`,
      [
        events.map((e) => e.eventId),
        events.map((e) => e.roomId),
        events.map((e) => toJsonb(e.body)),
        Date.now(),
        txnId,
      ],
    );
    const seqById = new Map(res.rows.map((r) => [r.event_id, r.seq]));
    return events
      .filter((e) => seqById.has(e.eventId))
      .map((e) => ({
        seq: seqById.get(e.eventId) as number,
        event_id: e.eventId,
        room_id: e.roomId,
        body: e.body,
        attempts: 0,
      }))
      .sort((a, b) => a.seq - b.seq);
  }

  /** Events acknowledged to the homeserver but not yet handled (after a crash), in order. */
  async pending(): Promise<StoredEvent[]> {
    const res = await this.db.query<StoredEvent>(
      'SELECT seq, event_id, room_id, body, attempts FROM as_event WHERE status = 0 ORDER BY seq',
    );
    return res.rows;
  }

  async markDone(seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.db.query('UPDATE as_event SET status = 1 WHERE seq = ANY($1::bigint[])', [seqs]);
  }

  async markFailed(seq: number): Promise<void> {
    await this.db.query('UPDATE as_event SET status = 2, attempts = attempts + 1 WHERE seq = $1', [seq]);
  }

  /** Forgets handled events and transaction ids older than `ageMs` (dedup needs only a window). */
  async prune(ageMs: number): Promise<void> {
    const cutoff = Date.now() - ageMs;
    await this.db.query('DELETE FROM as_event WHERE status <> 0 AND received_at < $1', [cutoff]);
    await this.db.query('DELETE FROM as_txn WHERE received_at < $1', [cutoff]);
  }
}
