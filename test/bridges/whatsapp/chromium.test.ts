/**
 * Launches the real system Chromium the way the WhatsApp bridge does, in both modes, and checks
 * the flags, the profile location, context isolation, and that closing leaves no process behind.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHROMIUM_PATH_CONFIG_KEY,
  ChromiumNotFoundError,
  ChromiumPool,
  chromiumArgs,
  findChromium,
  processTree,
  processTreeMemory,
} from '../../../bridges/whatsapp/chromium';
import { eventually, isAlive } from './proc';

const REQUIRED_FLAGS = [
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-chromium-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('findChromium', () => {
  it('uses the configured path when it is executable', async () => {
    const exe = join(dir, 'my-chromium');
    await writeFile(exe, '#!/bin/sh\n');
    await chmod(exe, 0o755);
    expect(findChromium(exe)).toBe(exe);
  });

  it('does not fall back when the configured path is wrong, and names the key and the fix', () => {
    const missing = join(dir, 'nope');
    let error: unknown;
    try {
      findChromium(missing);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ChromiumNotFoundError);
    const message = (error as ChromiumNotFoundError).message;
    expect(message).toContain(CHROMIUM_PATH_CONFIG_KEY);
    expect(message).toContain('apt-get install chromium');
    expect((error as ChromiumNotFoundError).tried).toEqual([missing]);
  });

  it('finds the Debian package at /usr/bin/chromium', () => {
    expect(findChromium(undefined, '')).toBe('/usr/bin/chromium');
  });
});

describe('chromiumArgs', () => {
  it('drops the sandbox only for root', () => {
    expect(chromiumArgs(true)).toContain('--no-sandbox');
    expect(chromiumArgs(false)).not.toContain('--no-sandbox');
    expect(chromiumArgs(false)).toEqual(expect.arrayContaining(REQUIRED_FLAGS.slice(1)));
  });
});

async function cmdline(pid: number): Promise<string[]> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
}

async function allGone(pids: number[]): Promise<boolean> {
  for (const pid of pids) if (await isAlive(pid)) return false;
  return true;
}

describe('ChromiumPool with the real Chromium', () => {
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    // localStorage needs a real origin (data: URLs are opaque), so serve a page on loopback.
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<title>switchboard</title><p>hello</p>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('per-session: one browser with its own profile, closed without leftovers', async () => {
    const pool = new ChromiumPool({ dataDir: dir, mode: 'per-session' });
    const alice = await pool.openSession('alice');
    const bob = await pool.openSession('bob');
    try {
      expect(alice.pid).not.toBe(bob.pid);
      expect(alice.userDataDir).toBe(join(dir, 'alice'));
      const args = await cmdline(alice.pid);
      expect(args).toEqual(
        expect.arrayContaining([...REQUIRED_FLAGS, `--user-data-dir=${join(dir, 'alice')}`]),
      );
      if (process.getuid?.() === 0) expect(args).toContain('--no-sandbox');

      const page = await alice.newPage();
      await page.goto('data:text/html,<title>data page</title>');
      expect(await page.title()).toBe('data page');
      await page.goto(origin);
      expect(await page.title()).toBe('switchboard');
      // Chromium wrote its profile where we told it to.
      expect(await readdir(alice.userDataDir)).toEqual(expect.arrayContaining(['Default', 'Local State']));

      const tree = await processTree(alice.pid);
      expect(tree.length).toBeGreaterThan(1); // browser + zygote/renderer/utility processes
      const memory = await processTreeMemory(alice.pid);
      // Chromium starts and ends helper processes on its own: the two reads may differ by a few.
      expect(Math.abs(memory.processes - tree.length)).toBeLessThanOrEqual(3);
      expect(memory.processes).toBeGreaterThan(1);
      expect(memory.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(memory.pssBytes).toBeGreaterThan(0);
      expect(memory.pssBytes).toBeLessThanOrEqual(memory.rssBytes);

      await alice.close();
      expect(await eventually(() => allGone(tree))).toBe(true);
      expect(existsSync(alice.userDataDir)).toBe(false);
      expect(await isAlive(bob.pid)).toBe(true);
    } finally {
      await pool.close();
    }
    expect(await eventually(async () => !(await isAlive(bob.pid)))).toBe(true);
  });

  it('shared: one browser, one isolated context per session', async () => {
    const pool = new ChromiumPool({ dataDir: dir, mode: 'shared' });
    const alice = await pool.openSession('alice');
    const bob = await pool.openSession('bob');
    let tree: number[] = [];
    try {
      expect(alice.pid).toBe(bob.pid);
      expect(alice.context).not.toBe(bob.context);
      expect(await cmdline(alice.pid)).toEqual(
        expect.arrayContaining([...REQUIRED_FLAGS, `--user-data-dir=${join(dir, '.shared')}`]),
      );

      const alicePage = await alice.newPage();
      await alicePage.goto(origin);
      await alicePage.evaluate(() => localStorage.setItem('who', 'alice'));
      const bobPage = await bob.newPage();
      await bobPage.goto(origin);
      // Same origin, same browser, yet Bob's context cannot see Alice's storage.
      expect(await bobPage.evaluate(() => localStorage.getItem('who'))).toBeNull();
      expect(await alicePage.evaluate(() => localStorage.getItem('who'))).toBe('alice');

      tree = await processTree(alice.pid);
      await alice.close();
      expect(alice.context.closed).toBe(true);
      // Bob's session and the browser live on.
      expect(await bobPage.title()).toBe('switchboard');
      expect(await isAlive(bob.pid)).toBe(true);
    } finally {
      await pool.close();
    }
    expect(await eventually(() => allGone(tree))).toBe(true);
    expect(existsSync(join(dir, '.shared'))).toBe(false);
  });
});
