import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { packageRoot } from '../util/package-root';
import { ApiError, errorHandler } from './api-error';
import { authenticate } from './auth';
import type { ProvisioningDeps } from './deps';
import { RateLimiter } from './rate-limit';
import { authRoutes } from './routes-auth';
import { loginRoutes } from './routes-logins';
import { portalRoutes } from './routes-portals';

export interface ProvisioningOptions {
  readonly sharedSecret?: string;
  /** Requests per minute per signed-in user (and for the shared secret as a whole). */
  readonly requestsPerMinute: number;
  /** Sign-in attempts and failed authentications per minute per client address. */
  readonly authAttemptsPerMinute?: number;
}

/** The login web page: plain files, no build step (src/web, shipped as they are). */
export const WEB_DIR = path.join(packageRoot(), 'src', 'web');

// The page loads nothing from elsewhere; QR codes arrive as data: URLs.
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

function cors(req: Request, res: Response, next: NextFunction): void {
  // Bearer tokens, never cookies: any origin may call the API (widgets, admin tools).
  res.set({
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type',
    'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
    'Cache-Control': 'no-store',
  });
  if (req.method === 'OPTIONS') res.status(204).end();
  else next();
}

/**
 * The provisioning HTTP API (docs/openapi.yaml) and the web page, as an express app mounted
 * under `provisioning.prefix` on the appservice server.
 */
export function createProvisioningApp(d: ProvisioningDeps, o: ProvisioningOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // A reverse proxy on the same host (docs/admin/reverse-proxy.md) passes the client address.
  app.set('trust proxy', 'loopback');
  const attempts = new RateLimiter(o.authAttemptsPerMinute ?? 20);
  const perCaller = new RateLimiter(o.requestsPerMinute);

  app.use('/v1', cors, express.json({ limit: '64kb' }));
  const open = express.Router();
  const authed = express.Router();
  authRoutes(open, authed, d, attempts);
  loginRoutes(authed, d);
  portalRoutes(authed, d);
  app.use(open);
  app.use(
    '/v1',
    authenticate({
      ...(o.sharedSecret ? { sharedSecret: o.sharedSecret } : {}),
      permissions: d.permissions,
      tokens: d.tokens,
      failures: attempts,
      perCaller,
    }),
  );
  app.use(authed);
  app.use('/v1', () => {
    throw new ApiError(404, 'M_UNRECOGNIZED', 'no such provisioning route (see docs/openapi.yaml)');
  });

  app.get('/', (req, res, next) => {
    // Relative asset URLs need the trailing slash: /prefix → /prefix/.
    const [pathname = '', query] = req.originalUrl.split('?');
    if (!pathname.endsWith('/')) return res.redirect(301, `${pathname}/${query ? `?${query}` : ''}`);
    next();
  });
  app.use((_req, res, next) => {
    res.set(PAGE_HEADERS);
    next();
  });
  app.use(express.static(WEB_DIR, { index: 'index.html', fallthrough: true }));
  app.use(() => {
    throw new ApiError(404, 'M_NOT_FOUND', 'not found');
  });
  app.use(errorHandler(d.log));
  return app;
}
