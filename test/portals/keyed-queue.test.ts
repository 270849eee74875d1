import { KeyedQueue } from '../../src/portals/keyed-queue';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('KeyedQueue', () => {
  it('runs one key in order, one task at a time, and other keys alongside', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    let running = 0;
    let peakA = 0;
    for (let i = 0; i < 5; i++) {
      q.push('a', async () => {
        running++;
        peakA = Math.max(peakA, running);
        await tick();
        log.push(`a${i}`);
        running--;
      });
    }
    q.push('b', async () => void log.push('b0'));
    await q.idle();
    expect(log.filter((l) => l.startsWith('a'))).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(log.indexOf('b0')).toBeLessThan(log.indexOf('a4')); // b did not wait for a
    expect(peakA).toBe(1);
  });

  it('reports a failing task and goes on with the next one', async () => {
    const errors: string[] = [];
    const q = new KeyedQueue((key, err) => errors.push(`${key}: ${String(err)}`));
    const log: number[] = [];
    q.push('k', async () => {
      throw new Error('boom');
    });
    q.push('k', async () => void log.push(2));
    await q.idle();
    expect(errors).toEqual(['k: Error: boom']);
    expect(log).toEqual([2]);
  });

  it('counts waiting and running tasks and wakes a backpressure waiter when there is room', async () => {
    const q = new KeyedQueue();
    const gates: (() => void)[] = [];
    for (let i = 0; i < 4; i++) q.push(`k${i % 2}`, () => new Promise<void>((r) => gates.push(r)));
    expect(q.depth).toBe(4);
    expect(q.activeKeys).toBe(2);
    let roomy = false;
    const waiting = q.whenDepthBelow(3).then(() => (roomy = true));
    await tick();
    expect(roomy).toBe(false);
    gates.shift()?.(); // one finishes: depth 3, still not below 3
    await tick();
    expect(roomy).toBe(false);
    gates.shift()?.(); // depth 2
    await waiting;
    expect(q.depth).toBe(2);
    await expect(q.whenDepthBelow(10)).resolves.toBeUndefined();
    while (gates.length > 0 || q.depth > 0) {
      gates.shift()?.();
      await tick();
    }
    await q.idle();
    expect(q.depth).toBe(0);
  });
});
