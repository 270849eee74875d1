import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KvSessionStore } from '../../../bridges/whatsapp/session-store';
import { MemoryKeyValue } from '../../fakes/whatsapp/memory-kv';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-wa-store-'));
});
afterEach(async () => {
  jest.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('KvSessionStore', () => {
  it('saves the file at the given path, extracts it elsewhere, and deletes it', async () => {
    const kv = new MemoryKeyValue();
    const store = new KvSessionStore(kv);
    const blob = Buffer.from('PK\u0003\u0004 pretend zip with secret keys');
    const zip = join(dir, 'RemoteAuth-alice.zip');
    await writeFile(zip, blob);

    expect(await store.sessionExists({ session: 'RemoteAuth-alice' })).toBe(false);
    await store.save({ session: 'RemoteAuth-alice', path: zip });
    expect(await store.sessionExists({ session: 'RemoteAuth-alice' })).toBe(true);
    expect(await store.sessionExists({ session: 'RemoteAuth-bob' })).toBe(false);

    // A fresh machine: the folder does not exist yet.
    const target = join(dir, 'elsewhere', 'deeper', 'RemoteAuth-alice.zip');
    await store.extract({ session: 'RemoteAuth-alice', path: target });
    expect(await readFile(target)).toEqual(blob);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'elsewhere', 'deeper'))).mode & 0o777).toBe(0o700);

    await store.delete({ session: 'RemoteAuth-alice' });
    expect(await store.sessionExists({ session: 'RemoteAuth-alice' })).toBe(false);
    await expect(store.extract({ session: 'RemoteAuth-alice', path: target })).rejects.toThrow(
      'No stored WhatsApp session RemoteAuth-alice',
    );
  });

  it('refuses an empty archive instead of overwriting a good session with it', async () => {
    const kv = new MemoryKeyValue();
    const store = new KvSessionStore(kv);
    const zip = join(dir, 'empty.zip');
    await writeFile(zip, '');
    await expect(store.save({ session: 'RemoteAuth-alice', path: zip })).rejects.toThrow('empty');
    expect(kv.writes).toBe(0);
  });

  it('never logs the session blob nor puts it in an error', async () => {
    const logged: unknown[] = [];
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(...args));
    }
    const secret = 'SECRET-NOISE-KEY-0123456789';
    const kv = new MemoryKeyValue();
    const store = new KvSessionStore(kv);
    const zip = join(dir, 's.zip');
    await writeFile(zip, secret);
    await store.save({ session: 's', path: zip });
    await store.extract({ session: 's', path: join(dir, 'out.zip') });
    // A failing write must not echo the blob either.
    const failing = await store
      .extract({ session: 's', path: join(dir, 'out.zip', 'not-a-dir', 'x.zip') })
      .catch((err: unknown) => err);
    // fs errors come from Node's realm, not jest's, so no instanceof here.
    expect(failing).toHaveProperty('code', 'ENOTDIR');
    expect(String((failing as Error).message)).not.toContain(secret);
    expect(JSON.stringify(logged)).not.toContain(secret);
  });
});
