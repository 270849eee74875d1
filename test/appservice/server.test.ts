import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAppserviceApp, listen } from '../../src/appservice/server';
import { nullLogger } from '../../src/logging/logger';
import type { IncomingEvent } from '../../src/store/ingest-repo';

const HS_TOKEN = 'hs_token_for_tests_0123456789abcdef';

describe('appservice HTTP API', () => {
  let server: Server;
  let base: string;
  const ingested: { txnId: string; events: readonly IncomingEvent[] }[] = [];
  let failNextIngest = false;

  beforeAll(async () => {
    const app = createAppserviceApp(
      {
        ingest: async (txnId, events) => {
          if (failNextIngest) {
            failNextIngest = false;
            throw new Error('database down');
          }
          ingested.push({ txnId, events });
        },
        ephemeral: () => undefined,
        queryUser: async (u) => u.startsWith('@example_'),
        queryAlias: async (a) => a.startsWith('#example_'),
      },
      { hsToken: HS_TOKEN, maxBodyBytes: 64 * 1024, log: nullLogger },
    );
    server = await listen(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const put = (
    path: string,
    body: string,
    headers: Record<string, string> = { authorization: `Bearer ${HS_TOKEN}` },
  ) =>
    fetch(base + path, { method: 'PUT', body, headers: { 'content-type': 'application/json', ...headers } });
  const event = (id: string) => ({
    event_id: id,
    room_id: '!r:x',
    type: 'm.room.message',
    sender: '@a:x',
    content: { body: 'hi' },
  });

  it('accepts a transaction with the header token and stores its events', async () => {
    const res = await put('/_matrix/app/v1/transactions/1', JSON.stringify({ events: [event('$1')] }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(ingested.at(-1)?.events.map((e) => e.eventId)).toEqual(['$1']);
  });

  it('accepts the legacy access_token query parameter and the unprefixed path', async () => {
    const res = await put(`/transactions/2?access_token=${HS_TOKEN}`, JSON.stringify({ events: [] }), {});
    expect(res.status).toBe(200);
  });

  it('rejects a missing token with 401 and a wrong one with 403, on every route', async () => {
    for (const [method, path] of [
      ['PUT', '/_matrix/app/v1/transactions/3'],
      ['GET', '/_matrix/app/v1/users/@example_a:x'],
      ['GET', '/_matrix/app/v1/rooms/%23example_a:x'],
      ['POST', '/_matrix/app/v1/ping'],
    ] as const) {
      const none = await fetch(base + path, { method, body: method === 'GET' ? undefined : '{}' });
      expect(none.status).toBe(401);
      expect((await none.json()).errcode).toBe('M_MISSING_TOKEN');
      const wrong = await fetch(base + path, {
        method,
        body: method === 'GET' ? undefined : '{}',
        headers: { authorization: 'Bearer nope' },
      });
      expect(wrong.status).toBe(403);
      expect((await wrong.json()).errcode).toBe('M_FORBIDDEN');
      const wrongQuery = await fetch(`${base}${path}?access_token=${HS_TOKEN}x`, {
        method,
        body: method === 'GET' ? undefined : '{}',
      });
      expect(wrongQuery.status).toBe(403);
    }
    expect(ingested.some((t) => t.txnId === '3')).toBe(false);
  });

  it('answers malformed JSON, wrong shapes and oversized bodies with 4xx and keeps serving', async () => {
    expect((await put('/_matrix/app/v1/transactions/4', '{not json')).status).toBe(400);
    expect((await put('/_matrix/app/v1/transactions/5', '"a string"')).status).toBe(400);
    expect((await put('/_matrix/app/v1/transactions/6', JSON.stringify({ events: 'nope' }))).status).toBe(
      400,
    );
    const huge = JSON.stringify({
      events: [{ ...event('$big'), content: { body: 'x'.repeat(100 * 1024) } }],
    });
    expect((await put('/_matrix/app/v1/transactions/7', huge)).status).toBe(413);
    const ok = await put('/_matrix/app/v1/transactions/8', JSON.stringify({ events: [event('$8')] }));
    expect(ok.status).toBe(200);
  });

  it('drops malformed events but accepts the rest of the transaction', async () => {
    const body = {
      events: [event('$good'), { event_id: 5, type: [] }, null, 'x', { ...event('$good2'), room_id: 7 }],
    };
    const res = await put('/_matrix/app/v1/transactions/9', JSON.stringify(body));
    expect(res.status).toBe(200);
    expect(ingested.at(-1)?.events.map((e) => e.eventId)).toEqual(['$good']);
  });

  it('answers 500 when storing fails, so the homeserver retries the transaction', async () => {
    failNextIngest = true;
    expect(
      (await put('/_matrix/app/v1/transactions/10', JSON.stringify({ events: [event('$10')] }))).status,
    ).toBe(500);
    expect(
      (await put('/_matrix/app/v1/transactions/10', JSON.stringify({ events: [event('$10')] }))).status,
    ).toBe(200);
  });

  it('answers user and alias queries, ping, health and unknown routes', async () => {
    const auth = { authorization: `Bearer ${HS_TOKEN}` };
    expect((await fetch(`${base}/_matrix/app/v1/users/@example_a:x`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${base}/_matrix/app/v1/users/@other:x`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${base}/_matrix/app/v1/rooms/%23example_a:x`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${base}/_matrix/app/v1/rooms/%23nope:x`, { headers: auth })).status).toBe(404);
    expect(
      (await fetch(`${base}/_matrix/app/v1/ping`, { method: 'POST', headers: auth, body: '{}' })).status,
    ).toBe(200);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const unknown = await fetch(`${base}/_matrix/app/v1/thirdparty/protocol/x`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).errcode).toBe('M_UNRECOGNIZED');
  });
});
