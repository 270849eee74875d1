import { readdir, readFile, readlink } from 'node:fs/promises';

/**
 * The inodes of the TCP sockets listening on `port` (any address), from Linux's /proc/net. A
 * daemon that answers on a port is not necessarily the one a test started: two test workers can
 * be handed the same free port, and the daemon that loses the bind may keep running (InspIRCd
 * only warns). Comparing these inodes with the daemon's open files tells which one holds it.
 */
export async function listenerInodes(port: number): Promise<Set<string>> {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode; st 0A = LISTEN
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      if (local?.endsWith(hexPort) && state === '0A' && inode) inodes.add(inode);
    }
  }
  return inodes;
}

/** Who listens on `port`: `pid`, someone else, or nobody yet. */
export async function portHolder(pid: number, port: number): Promise<'self' | 'other' | 'none'> {
  const inodes = await listenerInodes(port);
  if (inodes.size === 0) return 'none';
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    if (inode && inodes.has(inode)) return 'self';
  }
  return 'other';
}
