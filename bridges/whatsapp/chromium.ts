/**
 * Finding and launching the system Chromium that whatsapp-web.js drives.
 *
 * We never use a browser that puppeteer downloads (the download is disabled in .puppeteerrc.cjs
 * and servers usually cannot reach it); Debian's `chromium` package is the supported one.
 */
import { accessSync, constants } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type LaunchOptions, type Page } from 'puppeteer-core';
import { assertValidSessionId } from './driver';

export const CHROMIUM_PATH_CONFIG_KEY = 'bridges.whatsapp.chromium.path';

/**
 * `per-session`: one browser process per session, each with its own on-disk profile.
 * `shared`: one browser for all sessions, one BrowserContext (in-memory, isolated cookies and
 * storage) per session — cheaper, but nothing a session stores survives the context.
 */
export type ChromiumMode = 'per-session' | 'shared';

export interface ChromiumOptions {
  /** `bridges.whatsapp.chromium.path`; when unset the usual Debian locations are searched. */
  path?: string;
  /** Root folder for browser profiles (scratch space; sessions persist through the SessionStore). */
  dataDir: string;
  mode: ChromiumMode;
  /** `bridges.whatsapp.chromium.args`: extra flags appended after {@link chromiumArgs} (e.g. a proxy). */
  args?: readonly string[];
}

export class ChromiumNotFoundError extends Error {
  readonly code = 'CHROMIUM_NOT_FOUND';

  constructor(readonly tried: readonly string[]) {
    super(
      `Chromium not found (tried ${tried.join(', ')}). Install it with \`apt-get install chromium\` ` +
        `or set ${CHROMIUM_PATH_CONFIG_KEY} to the browser's executable.`,
    );
    this.name = 'ChromiumNotFoundError';
  }
}

/**
 * The configured path if given (no fallback: an explicit setting that is wrong should be fixed,
 * not silently replaced), else `/usr/bin/chromium`, else `chromium` or `chromium-browser` on PATH.
 */
export function findChromium(configured?: string, searchPath: string = process.env['PATH'] ?? ''): string {
  if (configured) {
    if (isExecutable(configured)) return configured;
    throw new ChromiumNotFoundError([configured]);
  }
  const tried = ['/usr/bin/chromium'];
  if (isExecutable('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const name of ['chromium', 'chromium-browser']) {
    for (const dir of searchPath.split(delimiter).filter(Boolean)) {
      const candidate = join(dir, name);
      tried.push(candidate);
      if (isExecutable(candidate)) return candidate;
    }
  }
  throw new ChromiumNotFoundError(tried);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Flags every launch gets. Besides headless operation, they stop Chromium from calling Google
 * services on its own (sync, component and field-trial downloads, QUIC probes): on a server
 * those are wasted traffic and, offline, they stall start-up. They are listed even where
 * puppeteer's defaults contain them so the set does not depend on puppeteer's version.
 */
export function chromiumArgs(runningAsRoot: boolean = process.getuid?.() === 0): string[] {
  return [
    // Chromium refuses to start as root with its sandbox on; as any other user keep it on.
    ...(runningAsRoot ? ['--no-sandbox'] : []),
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ];
}

/**
 * Puppeteer launch options. `userDataDir` becomes `--user-data-dir`; leave it out when the
 * caller (whatsapp-web.js's RemoteAuth) sets it itself. `headless: true` adds `--headless=new`.
 */
export function puppeteerLaunchOptions(
  executablePath: string,
  userDataDir?: string,
  extraArgs: readonly string[] = [],
): LaunchOptions {
  return {
    executablePath,
    headless: true,
    args: [...chromiumArgs(), ...extraArgs],
    ...(userDataDir === undefined ? {} : { userDataDir }),
  };
}

/** One session's slice of a browser. */
export interface ChromiumSession {
  readonly sessionId: string;
  readonly context: BrowserContext;
  /** The browser's main process (the same for every session in `shared` mode). */
  readonly pid: number;
  readonly userDataDir: string;
  newPage(): Promise<Page>;
  /** Per-session: closes the browser. Shared: closes the context; the browser stays up. */
  close(): Promise<void>;
}

/** Hands out browser sessions in either mode. Profiles start empty and are deleted on close. */
export class ChromiumPool {
  private readonly executablePath: string;
  private shared: Promise<Browser> | undefined;
  private readonly open = new Set<ChromiumSession>();

  constructor(private readonly opts: ChromiumOptions) {
    this.executablePath = findChromium(opts.path);
  }

  async openSession(sessionId: string): Promise<ChromiumSession> {
    assertValidSessionId(sessionId);
    const session =
      this.opts.mode === 'shared' ? await this.openShared(sessionId) : await this.openOwn(sessionId);
    this.open.add(session);
    return session;
  }

  /** Closes every session and the shared browser. */
  async close(): Promise<void> {
    await Promise.all([...this.open].map((s) => s.close()));
    if (this.shared) {
      const browser = await this.shared;
      this.shared = undefined;
      await browser.close();
      await rm(this.sharedDir(), { recursive: true, force: true });
    }
  }

  private async openOwn(sessionId: string): Promise<ChromiumSession> {
    const userDataDir = join(this.opts.dataDir, sessionId);
    const browser = await this.launch(userDataDir);
    const session: ChromiumSession = {
      sessionId,
      context: browser.defaultBrowserContext(),
      pid: pidOf(browser),
      userDataDir,
      newPage: () => browser.newPage(),
      close: async () => {
        this.open.delete(session);
        await browser.close();
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
    return session;
  }

  private async openShared(sessionId: string): Promise<ChromiumSession> {
    this.shared ??= this.launch(this.sharedDir());
    const browser = await this.shared;
    const context = await browser.createBrowserContext();
    const session: ChromiumSession = {
      sessionId,
      context,
      pid: pidOf(browser),
      userDataDir: this.sharedDir(),
      newPage: () => context.newPage(),
      close: async () => {
        this.open.delete(session);
        if (!context.closed) await context.close();
      },
    };
    return session;
  }

  private sharedDir(): string {
    // A leading dot keeps it apart from session ids, which cannot contain one.
    return join(this.opts.dataDir, '.shared');
  }

  private async launch(userDataDir: string): Promise<Browser> {
    // A fresh profile: nothing from an earlier run (or another user) leaks into this one.
    await rm(userDataDir, { recursive: true, force: true });
    await mkdir(userDataDir, { recursive: true, mode: 0o700 });
    return puppeteer.launch(puppeteerLaunchOptions(this.executablePath, userDataDir));
  }
}

function pidOf(browser: Browser): number {
  const pid = browser.process()?.pid;
  if (pid === undefined) throw new Error('Launched Chromium has no process id');
  return pid;
}

/** A process and all its descendants (Chromium's zygote, renderer, GPU and utility processes), from /proc. */
export async function processTree(rootPid: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    if (stat === null) continue; // exited while we looked
    // Field 4 is the parent pid; the command name before it may contain spaces, so split after ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const siblings = children.get(ppid) ?? [];
    siblings.push(Number(entry));
    children.set(ppid, siblings);
  }
  const tree: number[] = [];
  const queue = [rootPid];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export interface TreeMemory {
  processes: number;
  /** Sum of resident set sizes: over-counts pages the processes share. */
  rssBytes: number;
  /** Sum of proportional set sizes: shared pages divided among their users, the fairer figure. */
  pssBytes: number;
}

/** Memory of a browser's whole process tree, for metrics and the memory benchmark. */
export async function processTreeMemory(rootPid: number): Promise<TreeMemory> {
  const memory: TreeMemory = { processes: 0, rssBytes: 0, pssBytes: 0 };
  for (const pid of await processTree(rootPid)) {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => null);
    if (rollup === null) continue;
    memory.processes += 1;
    memory.rssBytes += kilobytes(rollup, 'Rss') * 1024;
    memory.pssBytes += kilobytes(rollup, 'Pss') * 1024;
  }
  return memory;
}

function kilobytes(rollup: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}
