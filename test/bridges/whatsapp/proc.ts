import { readdir, readFile } from 'node:fs/promises';

/** True while `pid` exists and is not a zombie. */
export async function isAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return false;
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

/** Live processes whose command line contains `needle`, with their arguments. */
export async function processesWithArg(needle: string): Promise<Array<{ pid: number; args: string[] }>> {
  const found: Array<{ pid: number; args: string[] }> = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const args = cmdline.split('\0').filter(Boolean);
    if (args.some((a) => a.includes(needle)) && (await isAlive(Number(entry)))) {
      found.push({ pid: Number(entry), args });
    }
  }
  return found;
}

/** Polls until `check` holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}
