import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../sdk/context';
import type { IncomingEvent } from '../store/ingest-repo';
import { requireHsToken } from './auth';
import { matrixError } from './matrix-error';
import { parseTransaction, TransactionShapeError } from './transaction-body';

/** What the HTTP layer needs from the bridge; kept narrow so the server is testable alone. */
export interface AppserviceHandlers {
  /** Stores the events durably (and schedules them); resolves once they are safe. */
  ingest(txnId: string, events: readonly IncomingEvent[]): Promise<void>;
  ephemeral(events: readonly Record<string, unknown>[]): void;
  /** Does this user id belong to us (and can we create it)? */
  queryUser(userId: string): Promise<boolean>;
  /** Does this alias belong to us (and did we just create its room)? */
  queryAlias(alias: string): Promise<boolean>;
  /** Extra routes mounted before the 404 handler (media proxy, provisioning, metrics). */
  mount?(app: express.Express): void;
}

export interface AppserviceServerOptions {
  readonly hsToken: string;
  readonly maxBodyBytes: number;
  readonly log: Logger;
}

/** The appservice HTTP API (spec: application service API v1) on express. */
export function createAppserviceApp(h: AppserviceHandlers, o: AppserviceServerOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  h.mount?.(app);

  const api = express.Router();
  api.use(requireHsToken(o.hsToken));
  api.use(express.json({ limit: o.maxBodyBytes, type: () => true }));

  api.put('/transactions/:txnId', async (req: Request, res: Response) => {
    const txnId = String(req.params.txnId);
    let parsed;
    try {
      parsed = parseTransaction(req.body);
    } catch (err) {
      if (err instanceof TransactionShapeError) return matrixError(res, 400, 'M_BAD_JSON', err.message);
      throw err;
    }
    if (parsed.rejected > 0)
      o.log.warn('dropped malformed events in transaction', { txnId, count: parsed.rejected });
    await h.ingest(txnId, parsed.events);
    if (parsed.ephemeral.length > 0) h.ephemeral(parsed.ephemeral);
    res.json({});
  });
  api.get('/users/:userId', async (req, res) => {
    if (await h.queryUser(String(req.params.userId))) res.json({});
    else matrixError(res, 404, 'M_NOT_FOUND', 'not one of our users');
  });
  api.get('/rooms/:alias', async (req, res) => {
    if (await h.queryAlias(String(req.params.alias))) res.json({});
    else matrixError(res, 404, 'M_NOT_FOUND', 'no such portal');
  });
  api.post('/ping', (_req, res) => {
    res.json({});
  });
  app.use('/_matrix/app/v1', api);
  // Pre-v1 homeservers call the same routes without the prefix.
  app.use('/', (req, res, next) =>
    /^\/(transactions|users|rooms)\//.test(req.path) ? api(req, res, next) : next(),
  );

  app.use((_req, res) => matrixError(res, 404, 'M_UNRECOGNIZED', 'unrecognised request'));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') return matrixError(res, 413, 'M_TOO_LARGE', 'request body too large');
    if (e.type === 'entity.parse.failed')
      return matrixError(res, 400, 'M_NOT_JSON', 'request body is not valid JSON');
    if (e.status && e.status >= 400 && e.status < 500)
      return matrixError(res, e.status, 'M_BAD_JSON', 'bad request');
    o.log.error('appservice request failed', { error: String(err) });
    matrixError(res, 500, 'M_UNKNOWN', 'internal error');
  });
  return app;
}

export async function listen(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
    server.keepAliveTimeout = 75_000;
  });
}
