/**
 * Token buckets keyed by caller: `capacity` requests at once, refilled at `capacity` per
 * `windowMs`. In memory on purpose: a limit that resets on restart costs nothing in
 * correctness, and it answers without a database round trip.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; returns 0 when allowed, else the milliseconds until one is available. */
  take(key: string): number {
    const now = this.now();
    const rate = this.capacity / this.windowMs;
    const b = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    b.tokens = Math.min(this.capacity, b.tokens + (now - b.at) * rate);
    b.at = now;
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      return Math.ceil((1 - b.tokens) / rate);
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > 10_000) this.prune(now, rate);
    return 0;
  }

  /** Whether `key` has a token left, without taking it. */
  wouldAllow(key: string): boolean {
    const b = this.buckets.get(key);
    if (!b) return true;
    return b.tokens + (this.now() - b.at) * (this.capacity / this.windowMs) >= 1;
  }

  /** Forgets full buckets so that many one-off callers cannot grow the map without bound. */
  private prune(now: number, rate: number): void {
    for (const [key, b] of this.buckets)
      if (b.tokens + (now - b.at) * rate >= this.capacity) this.buckets.delete(key);
  }
}
