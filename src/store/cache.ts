/**
 * A bounded least-recently-used read cache for repositories. The database stays the truth
 * (DESIGN §10): a repository caches only rows it reads, and every write through that
 * repository updates or drops the entries it touches, so a process never serves a row older
 * than its own last write. Writes made behind the repository's back (another process, raw
 * SQL) are not seen until the entry is evicted; see docs/performance.md.
 *
 * Loads that race with a write cannot re-insert the old value: each write bumps a generation,
 * and a load started under an older generation returns its result without caching it.
 * `null` is a cacheable value (a known absence), `undefined` is not.
 *
 * @example
 * const cache = new LruCache<string, PortalRow | null>(10_000);
 * const row = await cache.load(roomId, () => selectPortal(roomId));
 * cache.clear(); // after any write to the portal table
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  private readonly loading = new Map<K, Promise<V>>();
  private generation = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.map.size;
  }

  /** The cached value (refreshing its recency), or undefined on a miss. */
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  /** Returns the cached value, or runs `loader` once for concurrent callers and caches its result. */
  async load(key: K, loader: () => Promise<V>): Promise<V> {
    const cached = this.get(key);
    if (cached !== undefined) {
      this.hits++;
      return cached;
    }
    this.misses++;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const p = loader().then(
      (v) => {
        if (this.loading.get(key) === p) this.loading.delete(key);
        if (generation === this.generation && v !== undefined) this.insert(key, v);
        return v;
      },
      (err: unknown) => {
        if (this.loading.get(key) === p) this.loading.delete(key);
        throw err;
      },
    );
    this.loading.set(key, p);
    return p;
  }

  /** Stores the value just written to the database (write-through). */
  put(key: K, value: V): void {
    this.invalidateLoads();
    this.insert(key, value);
  }

  delete(key: K): void {
    this.invalidateLoads();
    this.map.delete(key);
  }

  clear(): void {
    this.invalidateLoads();
    this.map.clear();
  }

  private invalidateLoads(): void {
    this.generation++;
    this.loading.clear();
  }

  private insert(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }
}
