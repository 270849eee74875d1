import type { Server } from 'node:http';
import express from 'express';
import { nullLogger } from '../../src/logging/logger';
import { MatrixHttp } from '../../src/matrix/http';
import { MatrixMedia } from '../../src/matrix/media';
import { MediaProxy } from '../../src/matrix/media-proxy';

describe('signed media proxy', () => {
  let hs: Server;
  let bridge: Server;
  let proxy: MediaProxy;
  const downloads: string[] = [];

  beforeAll(async () => {
    const hsApp = express();
    hsApp.get('/_matrix/client/v1/media/download/:server/:id', (req, res) => {
      downloads.push(`${req.params.server}/${req.params.id}`);
      res.type('image/png').send(Buffer.from('PNGDATA'));
    });
    hs = await new Promise((r) => {
      const s = hsApp.listen(0, '127.0.0.1', () => r(s));
    });
    const hsUrl = `http://127.0.0.1:${(hs.address() as { port: number }).port}`;
    const media = new MatrixMedia(new MatrixHttp({ baseUrl: hsUrl, asToken: 't', log: nullLogger }));
    const app = express();
    bridge = await new Promise((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    proxy = new MediaProxy(
      `http://127.0.0.1:${(bridge.address() as { port: number }).port}`,
      Buffer.from('k'.repeat(32)),
      media,
      1024,
    );
    proxy.mount(app);
  });
  afterAll(() => Promise.all([hs, bridge].map((s) => new Promise((r) => s.close(r)))));

  it('serves exactly the file it signed', async () => {
    const url = proxy.url('mxc://example.org/abc123') as string;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('PNGDATA');
    expect(downloads).toEqual(['example.org/abc123']);
  });

  it('refuses tampered, foreign and expired URLs without touching the homeserver', async () => {
    const url = new URL(proxy.url('mxc://example.org/abc123') as string);
    const other = url.toString().replace('abc123', 'other99');
    const before = downloads.length;
    expect((await fetch(other)).status).toBe(403);
    const expired = new URL(url);
    expired.searchParams.set('exp', String(Date.now() - 1000));
    expect((await fetch(expired)).status).toBe(403);
    const later = new URL(url);
    later.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 86_400_000));
    expect((await fetch(later)).status).toBe(403);
    expect(downloads.length).toBe(before);
    expect(proxy.url('https://evil.example/x')).toBeUndefined();
  });
});
