export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter: spreads retries of many clients apart. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * Sleeps `ms`, or less if woken: the sleep adds a waker to `wakers` (and removes it when it ends),
 * so whoever owns the set can end every sleep at once (a shutdown, a change worth waking for).
 *
 * @example
 * const wakers = new Set<() => void>();
 * await sleepUntilWoken(60_000, wakers); // elsewhere: for (const wake of [...wakers]) wake();
 */
export function sleepUntilWoken(ms: number, wakers: Set<() => void>): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      wakers.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    wakers.add(wake);
  });
}
