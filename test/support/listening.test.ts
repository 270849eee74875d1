import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { freePort } from './free-port';
import { portHolder } from './listening';

describe('portHolder', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('tells this process, another process and nobody apart', async () => {
    expect(await portHolder(process.pid, port)).toBe('self');
    const other = spawn('sleep', ['5']);
    try {
      expect(await portHolder(other.pid as number, port)).toBe('other');
    } finally {
      other.kill();
    }
    expect(await portHolder(process.pid, await freePort())).toBe('none');
  });
});
