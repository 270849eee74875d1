/** Runs one Synapse process: spawn, wait until it serves, stop; plus the free-port helper it needs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONFIG_FILE, INSTANCE_KEY, LOG_FILE } from './synapse-config';

const STDIO_FILE = 'stdio.log';
const READY_TIMEOUT_MS = 90_000;
const READY_POLL_MS = 200;
const STOP_GRACE_MS = 15_000;

/** Thrown when Synapse could not bind its port: the caller picks another one and retries. */
export class PortInUseError extends Error {}

export class SynapseProcess {
  private readonly exited: Promise<void>;
  private spawnError: Error | undefined;
  private readonly killOnExit = (): void => void this.child.kill('SIGKILL');

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      // e.g. ENOENT for a wrong python path; no 'exit' follows.
      child.once('error', (err) => {
        this.spawnError = err;
        resolve();
      });
    });
    // A jest worker that exits without stopping its homeservers (a failed hook, a forced exit) must not
    // leave them running. Only a clean Node exit runs this: a worker killed by a signal cannot.
    process.once('exit', this.killOnExit);
  }

  /** Starts Synapse on the config in `dataDir` and resolves once this instance answers at `baseUrl`. */
  static async launch(python: string, dataDir: string, baseUrl: string): Promise<SynapseProcess> {
    // Startup errors (bad config, port taken) are printed before logging is set up, so keep stdio too.
    // Truncated per launch, so that a port clash found in it belongs to this launch.
    const stdio = openSync(join(dataDir, STDIO_FILE), 'w');
    let child: ChildProcess;
    try {
      child = spawn(python, ['-m', 'synapse.app.homeserver', '-c', join(dataDir, CONFIG_FILE)], {
        cwd: dataDir,
        stdio: ['ignore', stdio, stdio],
      });
    } finally {
      closeSync(stdio);
    }
    const proc = new SynapseProcess(child);
    try {
      await proc.waitUntilServing(baseUrl, dataDir);
    } catch (err) {
      await proc.stop();
      throw err;
    }
    return proc;
  }

  /** SIGTERM, then SIGKILL if Synapse has not exited within STOP_GRACE_MS. */
  async stop(): Promise<void> {
    process.removeListener('exit', this.killOnExit);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    // Cancelled once Synapse exits, so a pending timer does not keep jest alive.
    const grace = new AbortController();
    const graceful = await Promise.race([
      this.exited.then(() => true),
      sleep(STOP_GRACE_MS, false, { signal: grace.signal }).catch(() => false),
    ]);
    grace.abort();
    if (!graceful) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  private async waitUntilServing(baseUrl: string, dataDir: string): Promise<void> {
    let exited = false;
    void this.exited.then(() => (exited = true));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (exited) {
        const logs = await logTail(dataDir);
        const stdio = await readFile(join(dataDir, STDIO_FILE), 'utf8').catch(() => '');
        if (stdio.includes('Address already in use')) throw new PortInUseError(logs);
        const why = this.spawnError?.message ?? `exited with code ${this.child.exitCode}`;
        throw new Error(`Synapse ${why} during start-up:\n${logs}`);
      }
      try {
        const res = await fetch(`${baseUrl}/.well-known/matrix/client`, {
          signal: AbortSignal.timeout(2000),
        });
        const body = res.ok ? ((await res.json()) as Record<string, unknown>) : await res.body?.cancel();
        // Another test's Synapse on this port does not count: ours then exits, port taken (above).
        if (body?.[INSTANCE_KEY] === basename(dataDir)) return;
      } catch {
        // Not listening yet.
      }
      await sleep(READY_POLL_MS);
    }
    throw new Error(
      `Synapse did not answer ${baseUrl} within ${READY_TIMEOUT_MS / 1000} s:\n${await logTail(dataDir)}`,
    );
  }
}

/** The last lines of Synapse's stdio and log file, for error messages. */
async function logTail(dataDir: string, lines = 40): Promise<string> {
  const parts: string[] = [];
  for (const file of [STDIO_FILE, LOG_FILE]) {
    const text = await readFile(join(dataDir, file), 'utf8').catch(() => '');
    if (text.trim()) parts.push(`--- ${file} ---\n${text.trimEnd().split('\n').slice(-lines).join('\n')}`);
  }
  return parts.join('\n') || '(Synapse wrote no logs)';
}
