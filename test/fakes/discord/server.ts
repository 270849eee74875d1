/**
 * One 127.0.0.1 port serving the REST API (`/api/v10/...`), the CDN (`/attachments/...`,
 * `/avatars/...`) and the gateway WebSocket (upgrade on `/gateway`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { botRoutes } from './rest-bot';
import {
  errorHandler,
  injectRateLimits,
  notFound,
  recordAndParse,
  requireBot,
  type RestContext,
} from './rest-context';
import { messageRoutes } from './rest-messages';
import { webhookBotRoutes, webhookTokenRoutes } from './rest-webhooks';

/** A 1×1 PNG: every avatar the fake CDN serves, so a bridge can download ghost avatars. */
const AVATAR_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

function createApp(ctx: RestContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/attachments/:channelId/:attachmentId/:filename', (req, res) => {
    const { channelId, attachmentId, filename } = req.params;
    const blob = ctx.state.blobs.get(
      `/attachments/${channelId}/${attachmentId}/${encodeURIComponent(filename)}`,
    );
    if (!blob) res.status(404).type('text/plain').send('Not Found');
    else res.type(blob.contentType).send(blob.data);
  });
  // Custom emoji the test added (fake.addCustomEmoji); others are missing, as on Discord's CDN.
  app.get('/emojis/:file', (req, res) => {
    const blob = ctx.state.blobs.get(`/emojis/${req.params.file}`);
    if (!blob) res.status(404).type('text/plain').send('Not Found');
    else res.type(blob.contentType).send(blob.data);
  });
  // Custom avatars, and the default ones discord.js links to for users without an avatar hash.
  app.get(['/avatars/:userId/:file', '/embed/avatars/:file'], (_req, res) => {
    res.type('image/png').send(AVATAR_PNG);
  });

  app.use(
    '/api/v10',
    recordAndParse(ctx),
    injectRateLimits(ctx),
    webhookTokenRoutes(ctx),
    requireBot(ctx),
    botRoutes(ctx),
    messageRoutes(ctx),
    webhookBotRoutes(ctx),
    notFound,
  );
  app.use(errorHandler);
  return app;
}

export class FakeServer {
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(ctx: RestContext, onGateway: (socket: WebSocket, query: URLSearchParams) => void) {
    this.http = createServer(createApp(ctx));
    this.http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/gateway') {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => onGateway(ws, url.searchParams));
    });
  }

  /** Listens on 127.0.0.1 and resolves with the port. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, '127.0.0.1', () => resolve((this.http.address() as AddressInfo).port));
    });
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    // undici keeps REST connections alive; drop them so close() does not wait for their idle timeout.
    this.http.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.http.close((err) => (err ? reject(err) : resolve())));
  }
}
