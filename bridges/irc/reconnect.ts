/**
 * Coming back after a drop: when to try again, and which channels to rejoin. irc-framework's own
 * reconnect retries on a fixed schedule and forgets channel keys, and a netsplit that drops hundreds
 * of our connections at once would bring them all back in the same second.
 */
import { joinLines } from './irc-lines';

export interface ReconnectOptions {
  minDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failed attempts before giving up with a 'close' event (default: never give up). */
  maxAttempts?: number;
}

const DEFAULT_RECONNECT: ReconnectOptions = { minDelayMs: 2000, maxDelayMs: 300_000 };

/**
 * Exponential backoff with full jitter above a floor: attempt n waits a uniformly random time in
 * [min, min(max, min·2ⁿ)], so connections dropped together by a netsplit or restart do not return
 * together, and none retries sooner than `min`.
 */
export function reconnectDelay(attempt: number, opts: ReconnectOptions, random = Math.random): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.minDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(opts.minDelayMs + random() * Math.max(0, ceiling - opts.minDelayMs));
}

/** One connection's run of failed attempts; a registration ends the run. */
export class Backoff {
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ReconnectOptions = DEFAULT_RECONNECT) {}

  get maxAttempts(): number {
    return this.opts.maxAttempts ?? Infinity;
  }

  reset(): void {
    this.attempt = 0;
  }

  /** The next attempt and how long to wait for it; undefined once `maxAttempts` are spent. */
  next(): { attempt: number; delayMs: number } | undefined {
    this.attempt += 1;
    if (this.attempt > this.maxAttempts) return undefined;
    return { attempt: this.attempt, delayMs: reconnectDelay(this.attempt, this.opts) };
  }

  schedule(delayMs: number, attempt: () => void): void {
    this.timer = setTimeout(attempt, delayMs);
  }

  cancel(): void {
    clearTimeout(this.timer);
  }
}

/**
 * The channels a connection is in, with the keys it joined them with: the server forgets both when
 * the link drops. A JOIN's key is only known when we send it, the join itself only when the server
 * confirms it; a part or kick of ours forgets the channel.
 */
export class JoinedChannels {
  /** Folded name → name as joined, and its key. */
  private readonly channels = new Map<string, { name: string; key?: string }>();
  private readonly requestedKeys = new Map<string, string>();

  constructor(
    private readonly isMe: (nick: string) => boolean,
    /** The server's case folding. */
    private readonly lower: (channel: string) => string,
  ) {}

  get size(): number {
    return this.channels.size;
  }

  requested(channel: string, key: string): void {
    this.requestedKeys.set(this.lower(channel), key);
  }

  joined(nick: string, channel: string): void {
    if (!this.isMe(nick)) return;
    const key = this.requestedKeys.get(this.lower(channel));
    this.channels.set(this.lower(channel), key === undefined ? { name: channel } : { name: channel, key });
  }

  left(nick: string, channel: string): void {
    if (!this.isMe(nick)) return;
    this.channels.delete(this.lower(channel));
    this.requestedKeys.delete(this.lower(channel));
  }

  /** As few JOIN lines as fit within `lineLength`. */
  rejoinLines(lineLength: number): string[] {
    return joinLines([...this.channels.values()], lineLength);
  }

  clear(): void {
    this.channels.clear();
    this.requestedKeys.clear();
  }
}
