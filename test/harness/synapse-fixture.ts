/**
 * The prepared-database fixture: a first start makes Synapse build its schema, so one such start per
 * Synapse version and server name is cached and every later homeserver copies its DB (timings in
 * synapse.ts).
 * Jest workers start homeservers concurrently; a lock dir makes exactly one of them build the fixture
 * while the others wait, and the build happens in a scratch dir renamed into place, so a fixture dir
 * that exists is always complete.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// Building takes seconds; waiting longer than this means the builder is stuck.
const WAIT_FOR_BUILDER_MS = 5 * 60_000;
const POLL_MS = 500;
// A lock dir whose owner file is still missing after this long was left by a killed process.
const OWNERLESS_LOCK_STALE_MS = 10_000;

/** Returns `dir`, first running `build(scratchDir)` to fill it unless it already exists. */
export async function ensureFixture(dir: string, build: (into: string) => Promise<void>): Promise<string> {
  const lock = `${dir}.lock`;
  const deadline = Date.now() + WAIT_FOR_BUILDER_MS;
  await mkdir(dirname(dir), { recursive: true });
  while (!existsSync(dir)) {
    if (await tryLock(lock)) {
      try {
        // Another worker may have finished between our existence check and taking the lock.
        if (!existsSync(dir)) await buildInto(dir, build);
      } finally {
        await rm(lock, { recursive: true, force: true });
      }
    } else if (await isStale(lock)) {
      await rm(lock, { recursive: true, force: true });
    } else if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for another process to build the Synapse fixture ${dir} (lock ${lock})`,
      );
    } else {
      await sleep(POLL_MS);
    }
  }
  return dir;
}

async function buildInto(dir: string, build: (into: string) => Promise<void>): Promise<void> {
  const scratch = `${dir}.tmp-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  try {
    await build(scratch);
    await rename(scratch, dir);
  } catch (err) {
    await rm(scratch, { recursive: true, force: true });
    throw err;
  }
}

/** mkdir is atomic: exactly one process creates the lock dir. */
async function tryLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  await writeFile(`${lock}/owner`, String(process.pid));
  return true;
}

/** A lock whose owning process is gone (a killed jest run) would otherwise block every later run. */
async function isStale(lock: string): Promise<boolean> {
  const owner = await readFile(`${lock}/owner`, 'utf8').catch(() => undefined);
  if (owner === undefined) {
    const made = await stat(lock).catch(() => undefined);
    return made !== undefined && Date.now() - made.mtimeMs > OWNERLESS_LOCK_STALE_MS;
  }
  try {
    process.kill(Number(owner), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
