import { SecretBox } from '../../src/crypto/secret-box';
import { createLogger } from '../../src/logging/logger';
import { MatrixIngest } from '../../src/portals/matrix-ingest';
import type { StoredEvent } from '../../src/store/ingest-repo';
import { Store } from '../../src/store/store';
import { freshDatabase } from '../support/databases';

const log = createLogger({ level: 'error', format: 'json' } as never);
const ev = (id: string, room: string) => ({
  eventId: id,
  roomId: room,
  body: { event_id: id, room_id: room },
});

describe('MatrixIngest', () => {
  let store: Store;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    const fresh = await freshDatabase('pglite');
    store = new Store(fresh.db, new SecretBox(SecretBox.generateKey()));
    drop = fresh.drop;
  });
  afterEach(() => drop());

  it('hands fresh events over once, in order per room, not marked as replayed', async () => {
    const seen: StoredEvent[] = [];
    const ingest = new MatrixIngest(store, async (e) => void seen.push(e), log);
    await ingest.ingest('t1', [ev('$1', '!a'), ev('$2', '!b'), ev('$3', '!a')]);
    await ingest.ingest('t1', [ev('$1', '!a')]); // the same transaction again
    await ingest.ingest('t2', [ev('$3', '!a'), ev('$4', '!a')]); // $3 again in a new transaction
    await ingest.idle();
    expect(seen.filter((e) => e.room_id === '!a').map((e) => e.event_id)).toEqual(['$1', '$3', '$4']);
    expect(seen.map((e) => e.replayed)).toEqual([undefined, undefined, undefined, undefined]);
    expect(await store.ingest.pending()).toEqual([]);
  });

  it('makes the homeserver wait while too many events are queued (backpressure)', async () => {
    const gates: (() => void)[] = [];
    const ingest = new MatrixIngest(store, () => new Promise<void>((r) => gates.push(r)), log, 3);
    await ingest.ingest('t1', [ev('$1', '!a'), ev('$2', '!b'), ev('$3', '!c')]);
    let acked = false;
    const second = ingest.ingest('t2', [ev('$4', '!a')]).then(() => (acked = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(acked).toBe(false);
    expect((await store.ingest.pending()).map((e) => e.event_id)).toEqual(['$1', '$2', '$3']); // not even stored yet
    gates.shift()?.();
    await second;
    while (gates.length > 0 || ingest.depth > 0) {
      gates.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    await ingest.idle();
    expect(await store.ingest.pending()).toEqual([]);
  });

  it('replays what an earlier run stored but did not finish, marked as replayed', async () => {
    // An earlier run: stored and acknowledged, then died before handling.
    await store.ingest.storeTransaction('t1', [ev('$1', '!a'), ev('$2', '!a')]);
    const seen: StoredEvent[] = [];
    const ingest = new MatrixIngest(store, async (e) => void seen.push(e), log);
    expect(await ingest.resume()).toBe(2);
    await ingest.idle();
    expect(seen.map((e) => [e.event_id, e.replayed])).toEqual([
      ['$1', true],
      ['$2', true],
    ]);
    expect(await ingest.resume()).toBe(0);
  });
});
