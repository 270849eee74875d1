import type { Logger } from '../sdk/context';
import type { IncomingEvent, StoredEvent } from '../store/ingest-repo';
import type { Store } from '../store/store';
import { Batcher } from './batcher';
import { KeyedQueue } from './keyed-queue';

/**
 * Matrix → remote ingest (DESIGN §2): events are stored with their transaction before the
 * homeserver gets its 200, then handled in order per room. Whatever was stored but not
 * handled when the process died is handled at the next start, once.
 */
export class MatrixIngest {
  private readonly queue: KeyedQueue;
  private readonly done: Batcher<number>;
  private readonly inFlight = new Set<number>();
  private readonly storing = new Set<Promise<unknown>>();
  private stopped = false;

  /**
   * @param maxQueued Backpressure: while this many events wait to be handled, the next
   *   transaction is answered only once the queue has room. The homeserver sends one
   *   transaction at a time, so it slows down to the bridge's pace instead of the bridge
   *   holding an ever-growing backlog in memory.
   */
  constructor(
    private readonly store: Store,
    private readonly handle: (ev: StoredEvent) => Promise<void>,
    private readonly log: Logger,
    private readonly maxQueued = 2000,
  ) {
    this.queue = new KeyedQueue((key, err) =>
      log.error('matrix event queue error', { key, error: String(err) }),
    );
    this.done = new Batcher(
      (seqs) => store.ingest.markDone(seqs),
      5,
      (err) => log.error('marking events done failed', { error: String(err) }),
    );
  }

  /** Stores a transaction durably; resolves when the homeserver may be told 200. */
  async ingest(txnId: string, events: readonly IncomingEvent[]): Promise<void> {
    // While shutting down, refuse: the homeserver keeps the transaction and retries it later.
    if (this.stopped) throw new Error('shutting down');
    await this.queue.whenDepthBelow(this.maxQueued);
    if (this.stopped) throw new Error('shutting down');
    const storing = this.store.ingest.storeTransaction(txnId, events);
    this.storing.add(storing);
    try {
      const stored = await storing;
      if (!this.stopped) for (const ev of stored) this.enqueue(ev);
    } finally {
      this.storing.delete(storing);
    }
  }

  /** Re-queues events stored by an earlier run that were never handled. */
  async resume(): Promise<number> {
    const pending = await this.store.ingest.pending();
    let n = 0;
    for (const ev of pending) {
      if (this.inFlight.has(ev.seq)) continue;
      this.enqueue({ ...ev, replayed: true });
      n++;
    }
    return n;
  }

  private enqueue(ev: StoredEvent): void {
    this.inFlight.add(ev.seq);
    this.queue.push(ev.room_id, async () => {
      try {
        await this.handle(ev);
        this.done.add(ev.seq);
      } catch (err) {
        this.log.error('matrix event handling failed', { eventId: ev.event_id, error: String(err) });
        await this.store.ingest.markFailed(ev.seq);
      } finally {
        this.inFlight.delete(ev.seq);
      }
    });
  }

  get depth(): number {
    return this.queue.depth;
  }

  async idle(): Promise<void> {
    await this.queue.idle();
    await this.done.flush();
  }

  /**
   * Stops taking transactions and finishes the events already queued. An event stored but not
   * queued (a transaction committed while stopping) stays pending and is handled at the next start.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.storing]);
    await this.idle();
  }
}
