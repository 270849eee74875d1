/**
 * Memory and start-up cost of a WhatsApp session's browser, one browser per session against one
 * shared browser with a BrowserContext per session, with the bridge's launch flags.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/whatsapp-chromium-rss.js [sessions=3]
 *
 * Each session loads a blank page from a loopback server: these are the browser's floor, not
 * WhatsApp Web's (whose page adds a few hundred MB of renderer memory per session either way).
 * RSS sums resident memory over the browser's process tree and counts shared pages (libraries,
 * fonts) once per process; PSS divides them among their users, so it is the fairer total.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChromiumPool,
  type ChromiumMode,
  type ChromiumSession,
  processTreeMemory,
  type TreeMemory,
} from '../bridges/whatsapp/chromium';

const MB = 1024 * 1024;
const SETTLE_MS = 1500;

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1).padStart(7);
}

function row(label: string, memory: TreeMemory, extra = ''): string {
  return `  ${label.padEnd(22)} RSS ${mb(memory.rssBytes)} MB   PSS ${mb(memory.pssBytes)} MB   ${String(memory.processes).padStart(2)} processes${extra}`;
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, SETTLE_MS));
}

async function openAndLoad(pool: ChromiumPool, id: string, url: string): Promise<[ChromiumSession, number]> {
  const started = performance.now();
  const session = await pool.openSession(id);
  const page = await session.newPage();
  await page.goto(url);
  return [session, performance.now() - started];
}

async function run(mode: ChromiumMode, sessions: number, url: string): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), `sb-bench-${mode}-`));
  const pool = new ChromiumPool({ dataDir, mode });
  console.log(`\n${mode}: ${sessions} sessions`);
  try {
    const opened: Array<[ChromiumSession, number]> = [];
    for (let i = 0; i < sessions; i++) opened.push(await openAndLoad(pool, `s${i}`, url));
    await settle();

    if (mode === 'per-session') {
      const total: TreeMemory = { processes: 0, rssBytes: 0, pssBytes: 0 };
      for (const [session, ms] of opened) {
        const memory = await processTreeMemory(session.pid);
        total.processes += memory.processes;
        total.rssBytes += memory.rssBytes;
        total.pssBytes += memory.pssBytes;
        console.log(row(`session ${session.sessionId}`, memory, `   start-up ${ms.toFixed(0)} ms`));
      }
      console.log(row('total', total));
      console.log(row('per session', perSession(total, sessions)));
      return;
    }

    const [first] = opened[0] ?? [];
    if (!first) return;
    for (const [session, ms] of opened)
      console.log(`  session ${session.sessionId.padEnd(14)} start-up ${ms.toFixed(0)} ms`);
    const total = await processTreeMemory(first.pid);
    console.log(row('total (one browser)', total));
    console.log(row('per session', perSession(total, sessions)));
    // What one more session costs: close one and measure the difference.
    await opened.at(-1)?.[0].close();
    await settle();
    const fewer = await processTreeMemory(first.pid);
    console.log(
      row('marginal session', {
        processes: total.processes - fewer.processes,
        rssBytes: total.rssBytes - fewer.rssBytes,
        pssBytes: total.pssBytes - fewer.pssBytes,
      }),
    );
  } finally {
    await pool.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function perSession(total: TreeMemory, sessions: number): TreeMemory {
  return {
    processes: Math.round(total.processes / sessions),
    rssBytes: total.rssBytes / sessions,
    pssBytes: total.pssBytes / sessions,
  };
}

async function main(): Promise<void> {
  const sessions = Number(process.argv[2] ?? 3);
  if (!Number.isInteger(sessions) || sessions < 1)
    throw new Error('usage: whatsapp-chromium-rss.js [sessions>=1]');
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>blank</title>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    await run('per-session', sessions, url);
    await run('shared', sessions, url);
  } finally {
    server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
