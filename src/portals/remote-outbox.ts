import type { NetworkRuntime } from '../modules/runtime';
import type { Logger } from '../sdk/context';
import type { RemoteEvent } from '../sdk/remote-events';
import type { ReadAhead } from '../store/message-repo';
import type { Store } from '../store/store';
import { HomeserverUnreachableError, MatrixApiError } from '../matrix/errors';
import { backoffDelay, sleepUntilWoken } from '../util/sleep';
import { Batcher } from './batcher';
import { KeyedQueue } from './keyed-queue';
import type { RemoteEventHandler } from './remote-handler';

/** Whether a failed delivery should wait and try again (homeserver down or overloaded). */
function isTransient(err: unknown): boolean {
  return err instanceof HomeserverUnreachableError || (err instanceof MatrixApiError && err.retryable);
}

/**
 * The remote → Matrix outbox (DESIGN §2, §10). `emit` stores the event before it resolves;
 * a per-chat queue delivers in order and waits out a homeserver outage (retrying with
 * backoff, holding that chat's later events behind it); rows are deleted once delivered, and
 * anything left over after a crash is delivered at start-up.
 *
 * Delivery does not wait for the row to commit. The row is there so that a crash cannot lose
 * an event the module was told is safe; an event delivered before its row committed is not
 * lost either (and a replay of it is caught by the message mapping and the stable transaction
 * id). Waiting put a commit's fsync in front of every message: on a busy disk, 40–60 ms stalls
 * (docs/performance.md). An event whose row cannot be stored is still delivered, and `emit`
 * rejects: dropping it would lose a message the bridge already holds.
 */
export class RemoteOutbox {
  private readonly queue: KeyedQueue;
  private readonly done: Batcher<number>;
  private stopping = false;
  /** Backoff waits, ended by stop(): a chat waiting out an outage does not hold up shutdown. */
  private readonly waits = new Set<() => void>();
  /** Delivered events whose row is still being inserted, to be deleted once it is. */
  private readonly deleting = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly handler: RemoteEventHandler,
    private readonly networks: ReadonlyMap<string, NetworkRuntime>,
    private readonly log: Logger,
    private readonly onDelivered: (network: string, type: string, ok: boolean) => void = () => undefined,
  ) {
    this.queue = new KeyedQueue((key, err) =>
      log.error('remote event queue error', { key, error: String(err) }),
    );
    this.done = new Batcher(
      (seqs) => store.outbox.delete(seqs),
      5,
      (err) => log.error('outbox cleanup failed', { error: String(err) }),
    );
  }

  async emit(network: string, ev: RemoteEvent): Promise<void> {
    const net = this.networks.get(network);
    if (!net) throw new Error(`unknown network ${network}`);
    // A per-chat name (user_info with `chat`) queues behind that chat's messages: the message that
    // introduced the ghost sets its global profile first, which would otherwise overwrite the name.
    const chat = ev.type === 'user_info' ? (ev.chat ?? { id: `user:${ev.user.id}` }) : ev.chat;
    const [chatId, receiver] = [chat.id, chat.receiver ?? ''];
    // Whether this message was bridged already (an echo, a duplicate) is read while it is
    // stored, not after, and asked first: on PGlite's one connection it would otherwise queue
    // behind the insert's commit, which delivery does not wait for.
    const ahead =
      ev.type === 'message' ? this.store.messages.startReadAhead(network, receiver, ev.id) : undefined;
    // JSON drops the closures (media loaders); a replay after a restart uses `RemotePart.ref`.
    const stored = this.store.outbox.insert(network, chatId, receiver, ev);
    // The chat's queue place is taken now, in emit order, not when the insert returns: inserts
    // run concurrently and may finish out of order.
    this.enqueue(net, chatId, receiver, stored, ev, ahead);
    await stored;
  }

  /** Delivers what a previous run stored but did not send. */
  async replay(): Promise<number> {
    const rows = await this.store.outbox.pending();
    for (const row of rows) {
      const net = this.networks.get(row.network);
      if (!net) continue;
      this.enqueue(net, row.chat_id, row.receiver, row.seq, row.body as unknown as RemoteEvent);
    }
    return rows.length;
  }

  private enqueue(
    net: NetworkRuntime,
    chatId: string,
    receiver: string,
    stored: number | Promise<number>,
    ev: RemoteEvent,
    readAhead?: ReadAhead,
  ): void {
    // A rejected insert is emit()'s to report; here it only means there is no row to delete.
    const row = Promise.resolve(stored).catch(() => null);
    this.queue.push(`${net.id}\u0000${chatId}\u0000${receiver}`, async () => {
      for (let attempt = 0; !this.stopping; attempt++) {
        try {
          await this.handler.handle(net, ev, readAhead ? { readAhead } : {});
          this.onDelivered(net.id, ev.type, true);
          break;
        } catch (err) {
          if (this.stopping) break; // stays in the outbox for the next start
          if (isTransient(err)) {
            const delay = backoffDelay(attempt, 500, 60_000);
            this.log.warn('homeserver unavailable; remote event waits', {
              network: net.id,
              type: ev.type,
              delay,
            });
            await sleepUntilWoken(delay, this.waits);
            continue;
          }
          // A permanent failure (bad content, forbidden): retrying cannot help. Drop it, loudly.
          this.onDelivered(net.id, ev.type, false);
          this.log.error('remote event could not be delivered', {
            network: net.id,
            type: ev.type,
            error: String(err),
          });
          break;
        }
      }
      // Not awaited: the chat's next event does not wait for this one's commit either.
      const deleted = row.then((seq) => void (seq !== null && !this.stopping && this.done.add(seq)));
      this.deleting.add(deleted);
      void deleted.finally(() => this.deleting.delete(deleted));
    });
  }

  get depth(): number {
    return this.queue.depth;
  }

  async idle(): Promise<void> {
    await this.queue.idle();
    await Promise.all([...this.deleting]);
    await this.done.flush();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of [...this.waits]) wake();
    await this.done.flush();
  }
}
