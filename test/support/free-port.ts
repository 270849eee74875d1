import { createServer } from 'node:net';

/**
 * A free TCP port on 127.0.0.1, for daemons that cannot listen on port 0 and report their choice
 * (Synapse, InspIRCd) or that a test must know before they start. The port is opened and closed,
 * so another process may take it in between: callers that start a daemon on it retry on EADDRINUSE.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
