import { createHmac, timingSafeEqual } from 'node:crypto';
import type express from 'express';
import type { MatrixMedia } from './media';

/**
 * Signed, expiring public URLs for Matrix media. Some remote servers fetch files themselves
 * (Discord loads a webhook's `avatar_url`), and authenticated media cannot be fetched without
 * our token, so the bridge serves exactly the files it signed, and nothing else.
 *
 * @example
 * const proxy = new MediaProxy('https://bridge.example.org', key, media);
 * proxy.url('mxc://example.org/abc'); // https://bridge.example.org/_switchboard/media/<sig>/example.org/abc?exp=...
 */
export class MediaProxy {
  constructor(
    private readonly publicUrl: string,
    private readonly key: Buffer,
    private readonly media: MatrixMedia,
    private readonly maxBytes: number,
    private readonly ttlMs = 7 * 24 * 3600 * 1000,
  ) {}

  private sign(server: string, mediaId: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${server}/${mediaId}/${exp}`).digest('base64url');
  }

  url(mxc: string, now = Date.now()): string | undefined {
    const m = /^mxc:\/\/([^/]+)\/([A-Za-z0-9_-]+)$/.exec(mxc);
    if (!m) return undefined;
    // Round the expiry so the same avatar keeps the same URL for a while (Discord caches by URL).
    const exp = Math.ceil((now + this.ttlMs) / 86_400_000) * 86_400_000;
    const [server, id] = [m[1] as string, m[2] as string];
    return `${this.publicUrl.replace(/\/+$/, '')}/_switchboard/media/${this.sign(server, id, exp)}/${encodeURIComponent(server)}/${id}?exp=${exp}`;
  }

  mount(app: express.Express): void {
    app.get('/_switchboard/media/:sig/:server/:mediaId', async (req, res) => {
      const { sig, server, mediaId } = req.params;
      const exp = Number(req.query.exp);
      const expected = Buffer.from(this.sign(server, mediaId, exp));
      const given = Buffer.from(sig);
      if (
        !Number.isFinite(exp) ||
        exp < Date.now() ||
        given.length !== expected.length ||
        !timingSafeEqual(given, expected)
      ) {
        res.status(403).json({ errcode: 'M_FORBIDDEN', error: 'bad or expired media signature' });
        return;
      }
      try {
        const data = await this.media.download(`mxc://${server}/${mediaId}`, this.maxBytes);
        res.set('cache-control', 'public, max-age=86400').type('application/octet-stream').send(data);
      } catch {
        res.status(404).json({ errcode: 'M_NOT_FOUND', error: 'media not found' });
      }
    });
  }
}
