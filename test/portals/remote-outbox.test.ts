import { createLogger } from '../../src/logging/logger';
import type { NetworkRuntime } from '../../src/modules/runtime';
import type { RemoteEventHandler } from '../../src/portals/remote-handler';
import { RemoteOutbox } from '../../src/portals/remote-outbox';
import type { RemoteEvent } from '../../src/sdk/remote-events';
import type { Store } from '../../src/store/store';

const log = createLogger({ level: 'error', format: 'json' } as never);
const net = { id: 'n' } as NetworkRuntime;
const msg = (chat: string, id: string): RemoteEvent => ({
  type: 'message',
  id,
  chat: { id: chat },
  sender: { id: 'bob' },
  parts: [{ kind: 'text', text: id }],
});

/** An outbox table whose inserts finish in whatever order the test says. */
function fakeStore() {
  const inserts: { resolve: (seq: number) => void; reject: (e: Error) => void }[] = [];
  const deleted: number[] = [];
  const store = {
    outbox: {
      insert: () => new Promise<number>((resolve, reject) => inserts.push({ resolve, reject })),
      delete: async (seqs: number[]) => void deleted.push(...seqs),
      pending: async () => [],
    },
    messages: {
      startReadAhead: (n: string, r: string, id: string) => ({
        key: `${n} ${r} ${id}`,
        since: 0,
        rows: Promise.resolve([]),
      }),
    },
  } as unknown as Store;
  return { store, inserts, deleted };
}

/** An outbox over `store` whose handler is `handle` (the network is always `n`). */
function outboxOver(store: Store, handle: (ev: RemoteEvent, hints: unknown) => Promise<void>): RemoteOutbox {
  const handler = { handle: (_n: NetworkRuntime, ev: RemoteEvent, h: unknown) => handle(ev, h) };
  return new RemoteOutbox(store, handler as unknown as RemoteEventHandler, new Map([['n', net]]), log);
}

describe('RemoteOutbox', () => {
  it('delivers in emit order without waiting for the rows, and deletes each row once delivered and stored', async () => {
    const { store, inserts, deleted } = fakeStore();
    const handled: string[] = [];
    const outbox = outboxOver(store, async (ev) => void handled.push((ev as { id: string }).id));
    const emits = [
      outbox.emit('n', msg('c', 'first')),
      outbox.emit('n', msg('c', 'second')),
      outbox.emit('n', msg('d', 'other')),
    ];
    // No insert has committed, yet everything is delivered: a commit's fsync is not on the path.
    await new Promise((resolve) => setImmediate(resolve));
    expect(handled.filter((id) => id !== 'other')).toEqual(['first', 'second']); // chat c in order
    expect(handled).toContain('other');
    expect(deleted).toEqual([]);
    inserts[2]?.resolve(3);
    inserts[1]?.resolve(2);
    inserts[0]?.resolve(1);
    await Promise.all(emits);
    await outbox.idle();
    expect(deleted.sort()).toEqual([1, 2, 3]);
  });

  it('hands a queued message its mapping read-ahead, started at emit', async () => {
    const { store, inserts } = fakeStore();
    const hints: unknown[] = [];
    const outbox = outboxOver(store, async (_ev, h) => void hints.push(h));
    const emitted = outbox.emit('n', msg('c', 'm1'));
    await Promise.resolve();
    inserts[0]?.resolve(1);
    await emitted;
    await outbox.idle();
    expect(hints).toEqual([{ readAhead: expect.objectContaining({ key: 'n  m1' }) }]);
  });

  it('rejects the emit of an event it could not store, but still delivers it (losing it would not help)', async () => {
    const { store, inserts, deleted } = fakeStore();
    const handled: string[] = [];
    const outbox = outboxOver(store, async (ev) => void handled.push((ev as { id: string }).id));
    const unstored = outbox.emit('n', msg('c', 'unstored'));
    const kept = outbox.emit('n', msg('c', 'kept'));
    await Promise.resolve();
    inserts[0]?.reject(new Error('database down'));
    inserts[1]?.resolve(7);
    await expect(unstored).rejects.toThrow('database down');
    await kept;
    await outbox.idle();
    expect(handled).toEqual(['unstored', 'kept']);
    expect(deleted).toEqual([7]);
  });
});
