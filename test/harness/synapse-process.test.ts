/**
 * The harness's start-up check, with a stand-in for Synapse: a script that behaves like a Synapse
 * whose port is taken (it exits after a moment, saying so), and an HTTP server on that port
 * playing the other test's Synapse that holds it.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { INSTANCE_KEY } from './synapse-config';
import { PortInUseError, SynapseProcess } from './synapse-process';

let dir: string;
let fakePython: string;
let server: Server;
let baseUrl: string;
/** What the server on the port answers at /.well-known/matrix/client. */
let wellKnown: Record<string, unknown>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-synapse-process-'));
  fakePython = join(dir, 'python');
  await writeFile(
    fakePython,
    '#!/bin/sh\nsleep 1\necho "OSError: [Errno 98] Address already in use"\nexit 1\n',
  );
  await chmod(fakePython, 0o755);
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(wellKnown));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('SynapseProcess.launch', () => {
  it("does not take another Synapse's answers on its port for its own: the port is in use", async () => {
    wellKnown = { 'm.homeserver': { base_url: `${baseUrl}/` }, [INSTANCE_KEY]: 'someone-else' };
    await expect(SynapseProcess.launch(fakePython, dir, baseUrl)).rejects.toBeInstanceOf(PortInUseError);
  });

  it('is ready once its own instance answers', async () => {
    wellKnown = { [INSTANCE_KEY]: basename(dir) };
    const proc = await SynapseProcess.launch(fakePython, dir, baseUrl);
    await proc.stop();
  });
});
