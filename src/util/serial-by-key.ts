/**
 * Runs tasks one at a time per key, keys in parallel, and hands each caller its own task's
 * outcome (unlike `KeyedQueue`, which reports failures to one handler). A failed task does not
 * stop the next one of its key; a key whose chain is done is forgotten.
 *
 * @example
 * const perUser = new SerialByKey();
 * await perUser.run('@alice:hs', () => rename('@alice:hs', 'Ally')); // after any earlier alice task
 */
export class SerialByKey {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => this.tails.get(key) === tail && this.tails.delete(key));
    return result;
  }

  /** Keys with a task waiting or running. */
  get size(): number {
    return this.tails.size;
  }
}
