import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { nullLogger } from '../../src/logging/logger';
import { HomeserverUnreachableError } from '../../src/matrix/errors';
import { MatrixHttp } from '../../src/matrix/http';

/** The node:http transport of MatrixHttp: what fetch used to do for us. */
describe('homeserver HTTP transport', () => {
  let server: Server;
  let port: number;
  let handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void = () => undefined;
  const sockets = new Set<unknown>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      sockets.add(req.socket);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handler(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });

  const client = (base = `http://127.0.0.1:${port}`) =>
    new MatrixHttp({ baseUrl: base, asToken: 'tok', log: nullLogger, attempts: 1 });

  it('keeps paths under a base path, encodes the query and reuses the connection', async () => {
    const seen: string[] = [];
    handler = (req, _body, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    };
    sockets.clear();
    const http = client(`http://127.0.0.1:${port}/matrix/`);
    for (let i = 0; i < 3; i++)
      expect(
        await http.request('GET', '/_matrix/x', { query: { a: 'b c', skip: undefined }, asUser: '@g:x' }),
      ).toEqual({
        ok: true,
      });
    expect(seen[0]).toBe('/matrix/_matrix/x?a=b+c&user_id=%40g%3Ax');
    expect(sockets.size).toBe(1);
  });

  it('sends raw bytes with their type and returns non-JSON answers as bytes', async () => {
    let got: { type?: string; body?: Buffer } = {};
    handler = (req, body, res) => {
      got = { type: req.headers['content-type'], body };
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([1, 2, 3]));
    };
    const out = await client().request<Buffer>('POST', '/up', {
      raw: { data: Buffer.from([9, 8, 7]), contentType: 'image/png' },
    });
    expect(got).toEqual({ type: 'image/png', body: Buffer.from([9, 8, 7]) });
    expect(Buffer.isBuffer(out) && [...out]).toEqual([1, 2, 3]);
  });

  it('gives up on a homeserver that does not answer in time', async () => {
    handler = () => undefined; // never answers
    const err = await client()
      .request('GET', '/slow', { timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HomeserverUnreachableError);
    expect(String(err)).toMatch(/100 ms/);
  });
});
