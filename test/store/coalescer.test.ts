import { SecretBox } from '../../src/crypto/secret-box';
import { Coalescer } from '../../src/store/coalescer';
import { MessageRepo, type MessageRow } from '../../src/store/message-repo';
import { Store } from '../../src/store/store';
import { BACKENDS, freshDatabase } from '../support/databases';

describe('Coalescer', () => {
  it('runs a lone call at once and groups the calls that arrive while it is in flight', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const c = new Coalescer<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((i) => i * 10);
    });
    const first = c.run(1);
    await Promise.resolve(); // the first batch starts
    await Promise.resolve();
    const rest = [c.run(2), c.run(3), c.run(4)];
    release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps at most maxInFlight batches running and caps their size', async () => {
    let running = 0;
    let peak = 0;
    const sizes: number[] = [];
    const c = new Coalescer<number, number>(
      async (items) => {
        sizes.push(items.length);
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return items;
      },
      { maxInFlight: 2, maxBatch: 3 },
    );
    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => c.run(i)));
    expect(out).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(peak).toBeLessThanOrEqual(2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
  });

  it('fails only the item that fails, not the rest of its batch', async () => {
    const c = new Coalescer<number, number>(async (items) => {
      if (items.includes(13)) throw new Error('unlucky');
      return items;
    });
    const results = await Promise.allSettled([c.run(1), c.run(13), c.run(2)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe.each(BACKENDS)('grouped statements on %s', (backend) => {
  let store: Store;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshDatabase(backend);
    store = new Store(fresh.db, new SecretBox(SecretBox.generateKey()));
    drop = fresh.drop;
  });
  afterAll(() => drop());

  const row = (remoteId: string, part: string, eventId: string): MessageRow => ({
    network: 'n',
    receiver: '',
    remote_id: remoteId,
    part,
    room_id: '!r:x',
    event_id: eventId,
    sender_remote: null,
    sender_mxid: '@a:x',
    ts: 1,
  });

  it('inserts message mappings together, reporting duplicates per call', async () => {
    const results = await Promise.all([
      store.messages.insert(row('m1', '0', '$1')),
      store.messages.insert(row('m1', '1', '$2')),
      store.messages.insert(row('m2', '0', '$3')),
      store.messages.insert(row('m1', '0', '$4')), // same remote message and part
      store.messages.insert(row('m9', '0', '$3')), // same event
    ]);
    expect(results).toEqual([true, true, true, false, false]);
    expect(await store.messages.insert(row('m2', '0', '$3'))).toBe(false);
  });

  it('looks remote ids up together, each caller getting its own parts in order', async () => {
    const [m1, m2, none, again] = await Promise.all([
      store.messages.byRemoteId('n', '', 'm1'),
      store.messages.byRemoteId('n', '', 'm2'),
      store.messages.byRemoteId('n', '', 'nope'),
      store.messages.byRemoteId('n', '', 'm1'),
    ]);
    expect(m1?.map((m) => m.event_id)).toEqual(['$1', '$2']);
    expect(m2?.map((m) => m.event_id)).toEqual(['$3']);
    expect(none).toEqual([]);
    expect(again).toEqual(m1);
    expect(again).not.toBe(m1);
  });

  it('trusts a read-ahead only while nothing was written to that remote message', async () => {
    const spy = jest.spyOn(store.messages, 'byRemoteId');
    const fresh = store.messages.startReadAhead('n', '', 'ra1');
    expect(spy).toHaveBeenCalledTimes(1);
    expect(await store.messages.readAhead(fresh, 'n', '', 'ra1')).toEqual([]);
    expect(spy).toHaveBeenCalledTimes(1); // answered from the read-ahead

    const stale = store.messages.startReadAhead('n', '', 'ra2');
    await stale.rows; // read: nothing there yet
    await store.messages.insert(row('ra2', '0', '$ra2')); // then our own send maps it (an echo race)
    expect((await store.messages.readAhead(stale, 'n', '', 'ra2')).map((m) => m.event_id)).toEqual(['$ra2']);

    const other = store.messages.startReadAhead('n', '', 'ra3');
    await store.messages.insert(row('ra4', '0', '$ra4')); // a write to another message does not matter
    spy.mockClear();
    expect(await store.messages.readAhead(other, 'n', '', 'ra3')).toEqual([]);
    expect(spy).not.toHaveBeenCalled();
    // A read-ahead for another message is not used.
    expect((await store.messages.readAhead(other, 'n', '', 'ra4')).map((m) => m.event_id)).toEqual(['$ra4']);
    spy.mockRestore();
  });

  it('reads again when it no longer remembers every write since the read-ahead', async () => {
    const repo = new MessageRepo(store.db, { writesRemembered: 2 });
    const ahead = repo.startReadAhead('n', '', 'rb1');
    await ahead.rows;
    for (const id of ['rb2', 'rb3', 'rb4']) await repo.insert(row(id, '0', `$${id}`)); // rb2 forgotten
    const spy = jest.spyOn(repo, 'byRemoteId');
    expect(await repo.readAhead(ahead, 'n', '', 'rb1')).toEqual([]);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('numbers outbox rows inserted together in call order', async () => {
    const seqs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.outbox.insert('n', `c${i % 3}`, '', { i })),
    );
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const pending = await store.outbox.pending();
    expect(pending.map((p) => (p.body as { i: number }).i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
