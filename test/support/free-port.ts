import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Below Linux's default ephemeral range (32768–60999), where nothing hands out ports by itself. */
const LOW = 20_000;
const ATTEMPTS = 50;

/** Where the kernel's ephemeral ports start (the local ports of outgoing connections, and bind(0)). */
function ephemeralStart(): number {
  try {
    const start = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    return Number.isInteger(start) && start > LOW + 1000 ? start : 32_768;
  } catch {
    return 32_768;
  }
}

function tryListen(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : null));
    });
  });
}

/**
 * A free TCP port on 127.0.0.1, for daemons that cannot listen on port 0 and report their choice
 * (Synapse, InspIRCd) or that a test must know before they start. The port is opened and closed,
 * so another process may take it in between: callers that start a daemon on it check that the
 * daemon got it, and retry. To make that rare, the port is picked at random below the ephemeral
 * range rather than by bind(0): the kernel hands out ephemeral ports to every jest worker's
 * bind(0) and to every outgoing connection (thousands per run), all from the same pool.
 */
export async function freePort(): Promise<number> {
  const span = ephemeralStart() - LOW;
  for (let i = 0; i < ATTEMPTS; i++) {
    const port = await tryListen(LOW + Math.floor(Math.random() * span));
    if (port) return port;
  }
  const port = await tryListen(0);
  if (!port) throw new Error('no free port on 127.0.0.1');
  return port;
}
