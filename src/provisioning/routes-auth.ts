import type { Router } from 'express';
import { permissionFor } from '../config/permissions';
import { ApiError } from './api-error';
import { callerOf, clientKey, limited } from './auth';
import type { ProvisioningDeps } from './deps';
import { jsonBody, requiredString, stringField } from './input';
import type { RateLimiter } from './rate-limit';

/**
 * Signing in: an OpenID token (from any Matrix client, verified with the homeserver) or the
 * one-time code of the bot's `web` link is exchanged for a session token. These routes take
 * no token themselves, so every call counts against the caller's address.
 */
export function authRoutes(open: Router, authed: Router, d: ProvisioningDeps, attempts: RateLimiter): void {
  const grant = async (userId: string) => {
    const level = permissionFor(userId, d.permissions);
    if (level === 'block')
      throw new ApiError(403, 'M_FORBIDDEN', `${userId} is not allowed to use this bridge`);
    const { token, expiresAt } = await d.tokens.issueSession(userId);
    return { token, user_id: userId, level, expires_at: expiresAt };
  };
  const throttle = (key: string) => {
    const wait = attempts.take(key);
    if (wait > 0) throw limited(wait);
  };

  open.post('/v1/auth/openid', async (req, res) => {
    throttle(clientKey(req));
    const body = jsonBody(req);
    const accessToken = requiredString(body, 'access_token', 4096);
    const server = stringField(body, 'matrix_server_name', { optional: true, max: 255 });
    if (server !== undefined && server !== d.serverName)
      throw new ApiError(
        400,
        'M_INVALID_PARAM',
        `only accounts on ${d.serverName} can sign in here, not ${server}`,
      );
    res.json(await grant(await d.verifyOpenId(accessToken)));
  });

  open.post('/v1/auth/link', async (req, res) => {
    throttle(clientKey(req));
    const code = requiredString(jsonBody(req), 'code', 256);
    const userId = await d.tokens.redeemLinkCode(code);
    if (!userId)
      throw new ApiError(
        401,
        'M_UNKNOWN_TOKEN',
        'this sign-in link is invalid, used or expired; send `web` to the bridge bot for a new one',
      );
    res.json(await grant(userId));
  });

  authed.get('/v1/whoami', (_req, res) => {
    const c = callerOf(res);
    res.json({ user_id: c.userId, level: c.level, via: c.via });
  });

  authed.delete('/v1/auth/session', async (_req, res) => {
    const c = callerOf(res);
    if (c.via !== 'session') throw new ApiError(400, 'M_INVALID_PARAM', 'only session tokens can sign out');
    await d.tokens.revokeSession(c.token);
    res.status(204).end();
  });
}
