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
  private readonly depthWaiters: { below: number; resolve: () => void }[] = [];
  private running = 0;
  private size = 0;

  constructor(private readonly onError: (key: string, err: unknown) => void = () => undefined) {}

  push(key: string, task: () => Promise<void>): void {
    this.size++;
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
      this.size--;
      if (this.depthWaiters.length > 0) this.wakeDepthWaiters();
    }
    this.queues.delete(key);
    this.running--;
    if (this.running === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Tasks waiting or running, over all keys. */
  get depth(): number {
    return this.size;
  }

  /** Resolves once fewer than `below` tasks are waiting or running (backpressure). */
  whenDepthBelow(below: number): Promise<void> {
    if (this.size < below) return Promise.resolve();
    return new Promise((resolve) => this.depthWaiters.push({ below, resolve }));
  }

  private wakeDepthWaiters(): void {
    for (let i = this.depthWaiters.length - 1; i >= 0; i--) {
      const w = this.depthWaiters[i] as { below: number; resolve: () => void };
      if (this.size < w.below) {
        this.depthWaiters.splice(i, 1);
        w.resolve();
      }
    }
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
