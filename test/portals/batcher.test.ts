import { Batcher } from '../../src/portals/batcher';

describe('Batcher', () => {
  it('flushes what was added within the delay in one call, in order', async () => {
    const calls: number[][] = [];
    const b = new Batcher<number>(async (items) => void calls.push(items), 5);
    b.add(1);
    b.add(2);
    b.add(3);
    expect(calls).toEqual([]);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('flush() writes at once and waits for earlier writes', async () => {
    const calls: number[][] = [];
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const b = new Batcher<number>(async (items) => {
      calls.push(items);
      if (calls.length === 1) await slow;
    }, 1000);
    b.add(1);
    const first = b.flush();
    b.add(2);
    const second = b.flush();
    let secondDone = false;
    void second.then(() => (secondDone = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(secondDone).toBe(false); // the second write waits behind the first
    release();
    await Promise.all([first, second]);
    expect(calls).toEqual([[1], [2]]);
  });

  it('reports a failed write and keeps working', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const written: number[] = [];
    const b = new Batcher<number>(
      async (items) => {
        if (fail) throw new Error('db down');
        written.push(...items);
      },
      1,
      (err) => errors.push(err),
    );
    b.add(1);
    await b.flush();
    fail = false;
    b.add(2);
    await b.flush();
    expect(errors).toHaveLength(1);
    expect(written).toEqual([2]);
  });
});
