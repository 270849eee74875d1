/**
 * Collects values and flushes them together after a short delay: marking hundreds of events
 * done in one UPDATE instead of one each keeps the database off the hot path.
 */
export class Batcher<T> {
  private items: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inflight: Promise<void> = Promise.resolve();

  constructor(
    private readonly flushFn: (items: T[]) => Promise<void>,
    private readonly delayMs = 5,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  add(item: T): void {
    this.items.push(item);
    this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const items = this.items;
    this.items = [];
    if (items.length > 0) {
      this.inflight = this.inflight.then(() => this.flushFn(items)).catch(this.onError);
    }
    await this.inflight;
  }
}
