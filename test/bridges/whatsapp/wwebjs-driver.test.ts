/**
 * The real whatsapp-web.js Client, with our RemoteAuth store and the Debian Chromium. There is no
 * network here, so the test proves what can be proved offline: the driver launches Chromium with
 * our flags and profile location, fails reaching web.whatsapp.com in a bounded, typed way, and
 * leaves no process or unencrypted profile behind.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChromiumNotFoundError } from '../../../bridges/whatsapp/chromium';
import { KvSessionStore } from '../../../bridges/whatsapp/session-store';
import {
  createWwebjsDriverFactory,
  DriverInitError,
  SharedBrowserUnsupportedError,
} from '../../../bridges/whatsapp/wwebjs-driver';
import { MemoryKeyValue } from '../../fakes/whatsapp/memory-kv';
import { eventually, processesWithArg } from './proc';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-wwebjs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function store(): KvSessionStore {
  return new KvSessionStore(new MemoryKeyValue());
}

it('refuses shared-browser mode with a reason', () => {
  const factory = createWwebjsDriverFactory();
  expect(() =>
    factory({ sessionId: 'a', store: store(), chromium: { dataDir: dir, mode: 'shared' } }),
  ).toThrow(SharedBrowserUnsupportedError);
});

it('names the config key when the configured Chromium is missing', () => {
  const factory = createWwebjsDriverFactory();
  expect(() =>
    factory({
      sessionId: 'a',
      store: store(),
      chromium: { dataDir: dir, mode: 'per-session', path: join(dir, 'no-chromium') },
    }),
  ).toThrow(ChromiumNotFoundError);
});

it('rejects session ids RemoteAuth would reject', () => {
  const factory = createWwebjsDriverFactory();
  expect(() =>
    factory({ sessionId: '../etc', store: store(), chromium: { dataDir: dir, mode: 'per-session' } }),
  ).toThrow('Invalid WhatsApp session id');
});

it('launches Chromium, fails offline within its bound, and cleans up', async () => {
  const driver = createWwebjsDriverFactory({ initTimeoutMs: 25_000 })({
    sessionId: 'offline',
    store: store(),
    chromium: { dataDir: dir, mode: 'per-session' },
  });
  const profile = join(dir, 'RemoteAuth-offline');
  const marker = `--user-data-dir=${profile}`;

  const started = Date.now();
  const init = driver.initialize();
  const outcome = init.then(
    () => null,
    (err: unknown) => err,
  );
  // While it starts, the browser appears with our profile and flags.
  let browserArgs: string[] = [];
  const launched = await eventually(async () => {
    // Chromium's helpers (zygote, renderers) carry --type=; some rewrite their argv into one string.
    const [main] = (await processesWithArg(marker)).filter((p) => !p.args.some((a) => a.includes('--type=')));
    browserArgs = main?.args ?? [];
    return main !== undefined;
  }, 20_000);

  const error = await outcome;
  const elapsed = Date.now() - started;
  expect(launched).toBe(true);
  expect(browserArgs).toEqual(
    expect.arrayContaining([
      '--headless=new',
      '--disable-quic',
      '--disable-background-networking',
      '--no-first-run',
    ]),
  );
  expect(error).toBeInstanceOf(DriverInitError);
  // Offline, the navigation fails fast (DNS); the bound is the backstop.
  expect((error as DriverInitError).message).toMatch(/net::ERR_|did not load within/);
  expect(elapsed).toBeLessThan(30_000);

  // initialize() already tore the browser down; nothing is left running or on disk.
  expect(await eventually(async () => (await processesWithArg(marker)).length === 0)).toBe(true);
  expect(existsSync(profile)).toBe(false);
  await driver.destroy(); // idempotent after a failed start
}, 40_000);

it('bounds initialize() and still closes a browser launched after the deadline', async () => {
  const driver = createWwebjsDriverFactory({ initTimeoutMs: 1 })({
    sessionId: 'late',
    store: store(),
    chromium: { dataDir: dir, mode: 'per-session' },
  });
  const marker = `--user-data-dir=${join(dir, 'RemoteAuth-late')}`;
  await expect(driver.initialize()).rejects.toThrow('did not load within 1 ms');
  // The library goes on launching; our follow-up destroy() must catch the browser it makes.
  await new Promise((r) => setTimeout(r, 2000));
  expect(await eventually(async () => (await processesWithArg(marker)).length === 0, 10_000)).toBe(true);
}, 20_000);

it('logout() before any start forgets the stored session without a browser', async () => {
  const kv = new MemoryKeyValue();
  await kv.set('session/RemoteAuth-gone', Buffer.from('PK zip'));
  const driver = createWwebjsDriverFactory()({
    sessionId: 'gone',
    store: new KvSessionStore(kv),
    chromium: { dataDir: dir, mode: 'per-session' },
  });
  await driver.logout();
  expect(kv.data.size).toBe(0);
  expect(await driver.getState()).toBeNull();
});
