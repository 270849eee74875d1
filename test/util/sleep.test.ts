import { backoffDelay, sleepUntilWoken } from '../../src/util/sleep';

describe('sleepUntilWoken', () => {
  it('ends when woken, long before its time, and leaves the set empty', async () => {
    const wakers = new Set<() => void>();
    const started = Date.now();
    const sleeping = sleepUntilWoken(60_000, wakers);
    expect(wakers.size).toBe(1);
    for (const wake of [...wakers]) wake();
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(wakers.size).toBe(0);
  });

  it('ends by itself after its time and removes its waker', async () => {
    const wakers = new Set<() => void>();
    await sleepUntilWoken(5, wakers);
    expect(wakers.size).toBe(0);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    expect(backoffDelay(0, 500, 60_000, () => 0.999)).toBe(499);
    expect(backoffDelay(3, 500, 60_000, () => 0.5)).toBe(2000);
    expect(backoffDelay(20, 500, 60_000, () => 0.999)).toBe(59_940);
    expect(backoffDelay(5, 500, 60_000, () => 0)).toBe(0);
  });
});
