/**
 * `MatrixClient.checkLink` against a stand-in homeserver: the ping where it exists, the token
 * check where the homeserver has no ping endpoint (Dendrite answers 404 M_UNRECOGNIZED), and a
 * failed ping still a failure.
 */
import { createServer, type Server } from 'node:http';
import { nullLogger } from '../../src/logging/logger';
import { MatrixClient } from '../../src/matrix/client';
import { MatrixApiError } from '../../src/matrix/errors';
import { MatrixHttp } from '../../src/matrix/http';

/** Status and body per path prefix; anything else is Dendrite's unknown-endpoint answer. */
let routes: Record<string, [number, unknown]> = {};
let server: Server;
let client: MatrixClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    const hit = Object.entries(routes).find(([prefix]) => req.url?.startsWith(prefix));
    const [status, body] = hit?.[1] ?? [404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }];
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  client = new MatrixClient(new MatrixHttp({ baseUrl, asToken: 'as', log: nullLogger, attempts: 1 }));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const PING = '/_matrix/client/v1/appservice/switchboard/ping';
const WHOAMI = '/_matrix/client/v3/account/whoami';

describe('MatrixClient.checkLink', () => {
  it('pings where the homeserver can', async () => {
    routes = { [PING]: [200, { duration_ms: 7 }] };
    expect(await client.checkLink('switchboard')).toEqual({ pingMs: 7 });
  });

  it('checks the token instead where the homeserver has no ping endpoint (Dendrite)', async () => {
    routes = { [WHOAMI]: [200, { user_id: '@bot:hs' }] };
    expect(await client.checkLink('switchboard')).toEqual({ pingMs: null });
  });

  it('fails when the token is refused there', async () => {
    routes = { [WHOAMI]: [401, { errcode: 'M_UNKNOWN_TOKEN', error: 'no' }] };
    await expect(client.checkLink('switchboard')).rejects.toMatchObject({ errcode: 'M_UNKNOWN_TOKEN' });
  });

  it('does not mistake a failed ping for a missing endpoint', async () => {
    routes = {
      [PING]: [502, { errcode: 'M_CONNECTION_FAILED', error: 'cannot reach the appservice' }],
      [WHOAMI]: [200, { user_id: '@bot:hs' }],
    };
    const err: unknown = await client.checkLink('switchboard').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MatrixApiError);
    expect(err).toMatchObject({ errcode: 'M_CONNECTION_FAILED' });
  });
});
