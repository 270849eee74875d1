/**
 * whatsapp-web.js's real RemoteAuth (zip, unzip, timers) running against our SessionStore, with
 * the faults CompleteRestoreRemoteAuth fixes. No browser is needed: RemoteAuth only reads the
 * client's options and emits on it.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KvSessionStore } from '../../../bridges/whatsapp/session-store';
import { CompleteRestoreRemoteAuth, remoteAuthStore } from '../../../bridges/whatsapp/wwebjs-driver';
import { MemoryKeyValue } from '../../fakes/whatsapp/memory-kv';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-remote-auth-'));
});
afterEach(async () => {
  jest.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

/** The parts of RemoteAuth (plain JS) the tests drive; absent from its typings. */
interface RemoteAuthInternals {
  setup(client: unknown): void;
  beforeBrowserInitialized(): Promise<void>;
  afterAuthReady(): Promise<void>;
  storeRemoteSession(options?: { emit?: boolean }): Promise<void>;
  destroy(): Promise<void>;
  logout(): Promise<void>;
  userDataDir: string;
}

function remoteAuth(
  store: KvSessionStore,
  dataPath: string,
  hooks: { onSaveError?: (error: unknown) => void; emitted?: string[] } = {},
): RemoteAuthInternals {
  const auth = new CompleteRestoreRemoteAuth({
    store: remoteAuthStore(store, dataPath),
    clientId: 'alice',
    dataPath,
    backupSyncIntervalMs: 60_000,
    onSaveError:
      hooks.onSaveError ??
      ((error) => {
        throw error;
      }),
  }) as unknown as RemoteAuthInternals;
  // RemoteAuth only reads client.options.puppeteer and, with emit, calls client.emit.
  auth.setup({ options: { puppeteer: {} }, emit: (event: string) => hooks.emitted?.push(event) });
  return auth;
}

describe('KvSessionStore behind the real RemoteAuth', () => {
  it('round-trips a Chromium profile through its real zip and restores it on another "machine"', async () => {
    const kv = new MemoryKeyValue();
    const store = new KvSessionStore(kv);
    const dataPath = join(dir, 'data');

    const first = remoteAuth(store, dataPath);
    await first.beforeBrowserInitialized();
    expect(first.userDataDir).toBe(join(dataPath, 'RemoteAuth-alice'));
    // What Chromium leaves in the profile; RemoteAuth keeps Default/{IndexedDB,Local Storage}.
    const idb = join(first.userDataDir, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb');
    await mkdir(idb, { recursive: true });
    await writeFile(join(idb, '000003.log'), 'noise keys and signal sessions');
    await mkdir(join(first.userDataDir, 'Default', 'Local Storage', 'leveldb'), { recursive: true });
    await writeFile(
      join(first.userDataDir, 'Default', 'Local Storage', 'leveldb', 'CURRENT'),
      'MANIFEST-000001',
    );
    await writeFile(join(first.userDataDir, 'Default', 'Cache-not-kept'), 'x');

    // Stock stores read `<session>.zip` from the working directory and fail here with ENOENT.
    await first.storeRemoteSession();
    const saved = kv.data.get('session/RemoteAuth-alice');
    expect(saved?.subarray(0, 2).toString()).toBe('PK'); // a real zip
    expect(existsSync(join(dataPath, 'RemoteAuth-alice.zip'))).toBe(false); // RemoteAuth cleaned up

    // Another machine: nothing on disk but the store.
    await rm(dataPath, { recursive: true, force: true });
    const second = remoteAuth(store, dataPath);
    await second.beforeBrowserInitialized();
    // Read at once: the stock RemoteAuth resolves before the files are written (see CompleteRestoreRemoteAuth).
    expect(await readFile(join(idb, '000003.log'), 'utf8')).toBe('noise keys and signal sessions');
    expect(
      await readFile(join(second.userDataDir, 'Default', 'Local Storage', 'leveldb', 'CURRENT'), 'utf8'),
    ).toBe('MANIFEST-000001');
    expect(existsSync(join(second.userDataDir, 'Default', 'Cache-not-kept'))).toBe(false);
    expect(existsSync(join(dataPath, 'RemoteAuth-alice.zip'))).toBe(false);

    // Logout deletes the stored session and the profile.
    await second.logout();
    expect(await store.sessionExists({ session: 'RemoteAuth-alice' })).toBe(false);
    expect(existsSync(second.userDataDir)).toBe(false);
  });
});

describe('CompleteRestoreRemoteAuth', () => {
  it('reports a failing session save instead of leaving an unhandled rejection', async () => {
    const kv = new MemoryKeyValue();
    kv.set = () => Promise.reject(new Error('database is down'));
    const errors: unknown[] = [];
    const emitted: string[] = [];
    const auth = remoteAuth(new KvSessionStore(kv), join(dir, 'data'), {
      onSaveError: (e) => errors.push(e),
      emitted,
    });
    await auth.beforeBrowserInitialized();
    await mkdir(join(auth.userDataDir, 'Default', 'IndexedDB'), { recursive: true });
    await writeFile(join(auth.userDataDir, 'Default', 'IndexedDB', 'x'), 'keys');

    await expect(auth.storeRemoteSession({ emit: true })).resolves.toBeUndefined();
    expect(errors).toEqual([new Error('database is down')]);
    expect(emitted).toEqual([]); // no false remote_session_saved
    expect(existsSync(join(dir, 'data', 'RemoteAuth-alice.zip'))).toBe(false); // the zip is still removed
  });

  it('destroy() during the first 60 s after login leaves no backup interval behind', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const auth = remoteAuth(new KvSessionStore(new MemoryKeyValue()), join(dir, 'data'));
    const ready = auth.afterAuthReady(); // new login: waits 60 s before the first save
    await jest.advanceTimersByTimeAsync(1000);
    await auth.destroy();
    await jest.advanceTimersByTimeAsync(60_000);
    await ready;
    expect(jest.getTimerCount()).toBe(0);
  });
});
