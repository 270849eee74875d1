/**
 * Group commit for one kind of statement: calls that arrive while earlier ones are still in
 * the database are collected and sent together as one statement (one round trip, one commit).
 * Nothing waits on a timer: under light load every call runs at once and alone; under heavy
 * load batches grow by themselves. Each caller still gets its own result, and only once the
 * statement that carried it has finished, so durability and read-your-writes are unchanged.
 *
 * @example
 * const insert = new Coalescer<Row, boolean>((rows) => insertMany(rows), { maxInFlight: 2 });
 * const inserted = await insert.run(row); // resolves when the batch holding `row` committed
 */
export class Coalescer<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  /** `exec` must return one result per item, in the items' order. */
  constructor(
    private readonly exec: (items: I[]) => Promise<O[]>,
    o: { maxBatch?: number; maxInFlight?: number } = {},
  ) {
    this.maxBatch = o.maxBatch ?? 500;
    this.maxInFlight = o.maxInFlight ?? 1;
  }

  run(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      // Calls made in the same synchronous stretch join one batch.
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.exec(batch.map((b) => b.item))
        .then(
          (results) => {
            if (results.length !== batch.length) throw new Error('coalesced statement lost results');
            batch.forEach((b, i) => b.resolve(results[i] as O));
          },
          (err: unknown) => {
            if (batch.length === 1) return (batch[0] as (typeof batch)[0]).reject(err);
            // One bad item must not fail the others: run each alone to find out whose it was.
            for (const b of batch) {
              this.exec([b.item]).then(
                (r) => (r.length === 1 ? b.resolve(r[0] as O) : b.reject(err)),
                (e: unknown) => b.reject(e),
              );
            }
          },
        )
        .catch((err: unknown) => batch.forEach((b) => b.reject(err)))
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
