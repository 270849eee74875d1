import { SecretBox } from '../../src/crypto/secret-box';
import { Store } from '../../src/store/store';
import { BACKENDS, freshDatabase } from '../support/databases';

const box = new SecretBox(SecretBox.generateKey());

describe.each(BACKENDS)('repositories on %s', (backend) => {
  let store: Store;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshDatabase(backend);
    store = new Store(fresh.db, box);
    drop = fresh.drop;
  });
  afterAll(() => drop());

  it('stores a transaction once, deduplicating by txnId and event_id, in order', async () => {
    const ev = (id: string) => ({
      eventId: id,
      roomId: '!r:x',
      body: { event_id: id, type: 'm.room.message' },
    });
    const first = await store.ingest.storeTransaction('t1', [ev('$a'), ev('$b'), ev('$c')]);
    expect(first.map((e) => e.event_id)).toEqual(['$a', '$b', '$c']);
    expect(await store.ingest.storeTransaction('t1', [ev('$a'), ev('$b'), ev('$c')])).toEqual([]);
    const second = await store.ingest.storeTransaction('t2', [ev('$c'), ev('$d')]);
    expect(second.map((e) => e.event_id)).toEqual(['$d']);
    await store.ingest.markDone([first[0]?.seq as number]);
    expect((await store.ingest.pending()).map((e) => e.event_id)).toEqual(['$b', '$c', '$d']);
  });

  it('keeps login credentials encrypted at rest', async () => {
    const login = await store.logins.upsert({
      network: 'example',
      userId: '@alice:x',
      remoteId: 'alice',
      remoteName: 'Alice',
      credentials: { token: 'super-secret-token' },
      metadata: {},
    });
    expect((await store.logins.get(login.id))?.credentials).toEqual({ token: 'super-secret-token' });
    const raw = await store.db.query<{ credentials: Uint8Array }>(
      'SELECT credentials FROM login WHERE id = $1',
      [login.id],
    );
    expect(Buffer.from(raw.rows[0]?.credentials as Uint8Array).toString('latin1')).not.toContain(
      'super-secret',
    );
    const other = new Store(store.db, new SecretBox(SecretBox.generateKey()));
    await expect(other.logins.get(login.id)).rejects.toThrow(/wrong encryption key/);
  });

  it('maps messages both ways and reports duplicates', async () => {
    const row = {
      network: 'example',
      receiver: '',
      remote_id: 'm1',
      part: '0',
      room_id: '!r:x',
      event_id: '$e1',
      sender_remote: 'bob',
      sender_mxid: null,
      ts: 1,
    };
    expect(await store.messages.insert(row)).toBe(true);
    expect(await store.messages.insert(row)).toBe(false);
    expect((await store.messages.byEventId('$e1'))?.remote_id).toBe('m1');
    expect(await store.messages.byRemoteId('example', '', 'm1')).toHaveLength(1);
  });

  it('keeps module kv values, encrypted on request', async () => {
    const kv = store.kv.forNetwork('example');
    await kv.set('session/a', Buffer.from('blob-secret'), { encrypt: true });
    await kv.set('plain', Buffer.from('x'));
    expect((await kv.get('session/a'))?.toString()).toBe('blob-secret');
    expect(await kv.list('session/')).toEqual(['session/a']);
    const raw = await store.db.query<{ value: Uint8Array }>("SELECT value FROM kv WHERE key = 'session/a'");
    expect(Buffer.from(raw.rows[0]?.value as Uint8Array).toString('latin1')).not.toContain('blob-secret');
    await kv.delete('session/a');
    expect(await kv.get('session/a')).toBeNull();
  });
});
