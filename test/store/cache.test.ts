import { LruCache } from '../../src/store/cache';
import { SecretBox } from '../../src/crypto/secret-box';
import { Store } from '../../src/store/store';
import { BACKENDS, freshDatabase } from '../support/databases';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('LruCache', () => {
  it('loads once for concurrent callers and caches null as a known absence', async () => {
    const cache = new LruCache<string, string | null>(10);
    let calls = 0;
    const loader = async () => {
      calls++;
      return null;
    };
    expect(await Promise.all([cache.load('a', loader), cache.load('a', loader)])).toEqual([null, null]);
    expect(await cache.load('a', loader)).toBeNull();
    expect(calls).toBe(1);
  });

  it('evicts the least recently used entry', async () => {
    const cache = new LruCache<string, number>(2);
    cache.put('a', 1);
    cache.put('b', 2);
    cache.get('a'); // b is now the oldest
    cache.put('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('never caches a load that raced with a write', async () => {
    const cache = new LruCache<string, string>(10);
    const slow = deferred<string>();
    const stale = cache.load('k', () => slow.promise);
    cache.delete('k'); // a write happened while the old value was being read
    slow.resolve('old');
    expect(await stale).toBe('old');
    expect(await cache.load('k', async () => 'new')).toBe('new');
  });

  it('does not cache failures', async () => {
    const cache = new LruCache<string, string>(10);
    await expect(cache.load('k', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await cache.load('k', async () => 'v')).toBe('v');
  });
});

describe.each(BACKENDS)('repository caches on %s', (backend) => {
  let store: Store;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshDatabase(backend);
    store = new Store(fresh.db, new SecretBox(SecretBox.generateKey()));
    drop = fresh.drop;
  });
  afterAll(() => drop());

  it('sees portal writes at once, by room and by chat, absences included', async () => {
    const chat = { id: 'c1' };
    expect(await store.portals.byRoom('!p1:x')).toBeNull();
    expect(await store.portals.get('net', chat)).toBeNull();
    await store.portals.insert('net', chat, { room_id: '!p1:x', name: 'One', metadata: { a: 1 } });
    expect((await store.portals.byRoom('!p1:x'))?.name).toBe('One');
    await store.portals.update('net', chat, { name: 'Two' });
    expect((await store.portals.get('net', chat))?.name).toBe('Two');
    expect((await store.portals.byRoom('!p1:x'))?.name).toBe('Two');
    await store.portals.delete('!p1:x');
    expect(await store.portals.byRoom('!p1:x')).toBeNull();
    expect(await store.portals.get('net', chat)).toBeNull();
  });

  it('hands out copies: a caller changing a portal row does not change the cache', async () => {
    await store.portals.insert('net', { id: 'c2' }, { room_id: '!p2:x', metadata: { a: 1 } });
    const row = await store.portals.byRoom('!p2:x');
    (row?.metadata as Record<string, unknown>).a = 2;
    expect((await store.portals.byRoom('!p2:x'))?.metadata).toEqual({ a: 1 });
  });

  it('follows management room changes, the old room losing its owner', async () => {
    expect(await store.users.ownerOfManagementRoom('!m1:x')).toBeNull();
    await store.users.setManagementRoom('@a:x', '!m1:x');
    expect(await store.users.ownerOfManagementRoom('!m1:x')).toBe('@a:x');
    expect(await store.users.managementRoom('@a:x')).toBe('!m1:x');
    await store.users.setManagementRoom('@a:x', '!m2:x');
    expect(await store.users.ownerOfManagementRoom('!m1:x')).toBeNull();
    expect(await store.users.ownerOfManagementRoom('!m2:x')).toBe('@a:x');
  });

  it('follows membership and display name changes', async () => {
    const row = { room_id: '!r:x', user_id: '@u:x', membership: 'join', displayname: 'U', avatar_url: null };
    expect(await store.members.get('!r:x', '@u:x')).toBeNull();
    await store.members.set(row);
    expect((await store.members.get('!r:x', '@u:x'))?.displayname).toBe('U');
    await store.members.set({ ...row, displayname: 'U2', membership: 'leave' });
    expect(await store.members.get('!r:x', '@u:x')).toMatchObject({ displayname: 'U2', membership: 'leave' });
  });
});
