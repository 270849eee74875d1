/**
 * Runs tasks one at a time per key, keys in parallel: events of one room (or one remote
 * chat) keep their order while a slow room does not hold up the others.
 *
 * @example
 * const q = new KeyedQueue();
 * q.push('!room:a', async () => handle(ev1));
 * q.push('!room:a', async () => handle(ev2)); // runs after ev1
 */
export class KeyedQueue {
  private readonly queues = new Map<string, (() => Promise<void>)[]>();
  private readonly idleWaiters: (() => void)[] = [];
  private running = 0;

  constructor(private readonly onError: (key: string, err: unknown) => void = () => undefined) {}

  push(key: string, task: () => Promise<void>): void {
    const queue = this.queues.get(key);
    if (queue) {
      queue.push(task);
      return;
    }
    this.queues.set(key, [task]);
    this.running++;
    void this.drain(key);
  }

  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key) as (() => Promise<void>)[];
    while (queue.length > 0) {
      const task = queue[0] as () => Promise<void>;
      try {
        await task();
      } catch (err) {
        this.onError(key, err);
      }
      queue.shift();
    }
    this.queues.delete(key);
    this.running--;
    if (this.running === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Tasks waiting or running, over all keys. */
  get depth(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  get activeKeys(): number {
    return this.queues.size;
  }

  /** Resolves when no task is queued or running. */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
