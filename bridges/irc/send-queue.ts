/**
 * Per-connection flood control. irc-framework writes every line straight to the socket; a Matrix user
 * pasting a long text (or a reconnect rejoining 50 channels) would then exceed the server's flood
 * allowance and get the connection killed ("Excess Flood"). Lines here leave in order through a token
 * bucket: up to `burst` at once, then `linesPerSecond`.
 */

export interface SendQueueOptions {
  /** Lines that may be sent back to back after a quiet period. */
  burst: number;
  /** Sustained rate once the burst is spent. */
  linesPerSecond: number;
  /** Pending lines beyond which new sends are refused instead of growing memory without bound. */
  maxQueued: number;
}

export const DEFAULT_SEND_QUEUE_OPTIONS: SendQueueOptions = { burst: 5, linesPerSecond: 1, maxQueued: 200 };

/** The queue is full: the send was refused as a whole and nothing of it will be written. */
export class SendQueueFullError extends Error {
  override readonly name = 'SendQueueFullError';
  constructor(
    readonly queued: number,
    readonly requested: number,
    readonly maxQueued: number,
  ) {
    super(`IRC send queue full: ${queued} lines pending, ${requested} more refused (limit ${maxQueued})`);
  }
}

/** The queue was closed (connection quit or given up) before these lines were written. */
export class SendQueueClosedError extends Error {
  override readonly name = 'SendQueueClosedError';
  constructor() {
    super('IRC connection closed before the lines were sent');
  }
}

/** One push: its promise settles when its last line is written or when any of its lines fails. */
interface Batch {
  resolve: () => void;
  reject: (err: Error) => void;
}

interface Pending {
  line: string;
  batch: Batch;
  last: boolean;
}

export class SendQueue {
  private readonly opts: SendQueueOptions;
  private readonly pending: Pending[] = [];
  private tokens: number;
  private lastRefill = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private paused = true;
  private closed = false;

  /** `write` puts one line (without CRLF) on the socket. The queue starts paused. */
  constructor(
    private readonly write: (line: string) => void,
    opts: Partial<SendQueueOptions> = {},
  ) {
    this.opts = { ...DEFAULT_SEND_QUEUE_OPTIONS, ...opts };
    if (!(this.opts.burst >= 1 && this.opts.linesPerSecond > 0 && this.opts.maxQueued >= 1)) {
      throw new RangeError(`invalid send queue options ${JSON.stringify(this.opts)}`);
    }
    this.tokens = this.opts.burst;
  }

  /** Lines waiting to be written. */
  get length(): number {
    return this.pending.length;
  }

  /**
   * Queues lines to be written in order, all or none. Resolves once the last one is written;
   * rejects with SendQueueFullError (nothing queued) or SendQueueClosedError.
   * `front` puts them before everything pending (rejoins after a reconnect must precede messages).
   */
  push(lines: readonly string[], opts: { front?: boolean } = {}): Promise<void> {
    if (this.closed) return Promise.reject(new SendQueueClosedError());
    if (this.pending.length + lines.length > this.opts.maxQueued) {
      return Promise.reject(new SendQueueFullError(this.pending.length, lines.length, this.opts.maxQueued));
    }
    if (lines.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const batch = { resolve, reject };
      const items = lines.map((line, i) => ({ line, batch, last: i === lines.length - 1 }));
      if (opts.front) this.pending.unshift(...items);
      else this.pending.push(...items);
      this.drain();
    });
  }

  /** Stops writing (socket down); pending lines stay queued. */
  pause(): void {
    this.paused = true;
    this.clearTimer();
  }

  /** Starts writing again, with a full bucket: the server counts a new connection's flood from zero. */
  resume(): void {
    if (this.closed) return;
    this.paused = false;
    this.tokens = this.opts.burst;
    this.lastRefill = Date.now();
    this.drain();
  }

  /** Rejects everything pending and refuses further pushes. */
  close(): void {
    this.closed = true;
    this.paused = true;
    this.clearTimer();
    for (const item of this.pending.splice(0)) if (item.last) item.batch.reject(new SendQueueClosedError());
  }

  private drain(): void {
    if (this.paused || this.timer) return;
    this.refill();
    while (this.pending.length > 0 && this.tokens >= 1) {
      const item = this.pending.shift() as Pending;
      this.tokens -= 1;
      try {
        this.write(item.line);
      } catch (err) {
        // The rest of a half-written push is dropped: its caller hears of the failure once.
        for (let i = this.pending.length - 1; i >= 0; i--) {
          if (this.pending[i]?.batch === item.batch) this.pending.splice(i, 1);
        }
        item.batch.reject(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      if (item.last) item.batch.resolve();
    }
    if (this.pending.length > 0) {
      const waitMs = Math.ceil(((1 - this.tokens) / this.opts.linesPerSecond) * 1000);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, waitMs);
    }
  }

  private refill(): void {
    const now = Date.now();
    const earned = ((now - this.lastRefill) / 1000) * this.opts.linesPerSecond;
    this.tokens = Math.min(this.opts.burst, this.tokens + earned);
    this.lastRefill = now;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
