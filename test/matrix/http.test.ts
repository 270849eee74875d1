import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { nullLogger } from '../../src/logging/logger';
import { HomeserverUnreachableError, MatrixApiError } from '../../src/matrix/errors';
import { MatrixHttp } from '../../src/matrix/http';
import { discoverHomeserver } from '../../src/matrix/well-known';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('homeserver HTTP client', () => {
  let server: Server;
  let base: string;
  let handler: Handler = () => undefined;
  const seen: { path: string; at: number; auth?: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({
        path: req.url ?? '',
        at: Date.now(),
        ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
      });
      handler(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(() => (seen.length = 0));

  const http = (attempts = 4) =>
    new MatrixHttp({
      baseUrl: base,
      asToken: 'as-token',
      log: nullLogger,
      attempts,
      backoffBaseMs: 10,
      backoffMaxMs: 50,
    });
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

  it('honours retry_after_ms on 429 and then succeeds, reusing the same path (same txn id)', async () => {
    let n = 0;
    handler = (_req, res) =>
      ++n === 1
        ? json(res, 429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 300 })
        : json(res, 200, { event_id: '$e' });
    const res = await http().request<{ event_id: string }>(
      'PUT',
      '/_matrix/client/v3/rooms/!r/send/m.room.message/txn1',
      { body: {}, asUser: '@g:x' },
    );
    expect(res.event_id).toBe('$e');
    expect(seen).toHaveLength(2);
    expect(seen[1]?.path).toBe(seen[0]?.path);
    expect(seen[0]?.path).toContain('user_id=%40g%3Ax');
    expect(seen[0]?.auth).toBe('Bearer as-token');
    expect((seen[1]?.at ?? 0) - (seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(280);
  });

  it('honours a Retry-After header in seconds', async () => {
    let n = 0;
    handler = (_req, res) =>
      ++n === 1 ? json(res, 503, { errcode: 'M_UNKNOWN' }, { 'retry-after': '1' }) : json(res, 200, {});
    await http().request('GET', '/x');
    expect((seen[1]?.at ?? 0) - (seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('retries 5xx a bounded number of times, never 4xx', async () => {
    handler = (_req, res) => json(res, 502, { errcode: 'M_UNKNOWN', error: 'bad gateway' });
    await expect(http(3).request('GET', '/x')).rejects.toMatchObject({ status: 502 });
    expect(seen).toHaveLength(3);
    seen.length = 0;
    handler = (_req, res) => json(res, 403, { errcode: 'M_FORBIDDEN', error: 'no' });
    const err = await http()
      .request('GET', '/x')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MatrixApiError);
    expect(seen).toHaveLength(1);
  });

  it('reports an unreachable homeserver as such after retries', async () => {
    const dead = new MatrixHttp({
      baseUrl: 'http://127.0.0.1:9',
      asToken: 't',
      log: nullLogger,
      attempts: 2,
      backoffBaseMs: 1,
    });
    await expect(dead.request('GET', '/x')).rejects.toBeInstanceOf(HomeserverUnreachableError);
  });

  it('discovers the homeserver from .well-known, and falls back when there is none', async () => {
    handler = (req, res) =>
      req.url === '/.well-known/matrix/client'
        ? json(res, 200, { 'm.homeserver': { base_url: 'https://matrix.example.org/' } })
        : json(res, 404, {});
    const host = base.replace('http://', '');
    expect(await discoverHomeserver(host, { scheme: 'http' })).toBe('https://matrix.example.org');
    handler = (_req, res) => json(res, 404, {});
    expect(await discoverHomeserver(host, { scheme: 'http' })).toBe(base);
    handler = (_req, res) => json(res, 200, { 'm.homeserver': { base_url: 'javascript:alert(1)' } });
    await expect(discoverHomeserver(host, { scheme: 'http' })).rejects.toThrow(/set homeserver.url/);
  });
});
