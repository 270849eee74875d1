import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { atLeast, permissionFor } from '../config/permissions';
import type { PermissionLevel } from '../config/types';
import { ApiError } from './api-error';
import type { RateLimiter } from './rate-limit';
import type { TokenStore } from './token-store';

/** Who is calling: an admin tool holding the shared secret, or a signed-in Matrix user. */
export interface Caller {
  readonly via: 'shared_secret' | 'session';
  /** Session: the signed-in user. Shared secret: the `user_id` query parameter, if given. */
  readonly userId: string | null;
  /** Session: from `permissions` in the config, read on every request. Shared secret: admin. */
  readonly level: PermissionLevel;
  readonly token: string;
}

export interface AuthDeps {
  readonly sharedSecret?: string;
  readonly permissions: Readonly<Record<string, PermissionLevel>>;
  readonly tokens: TokenStore;
  /** Failed authentications per client address: makes guessing tokens hopeless. */
  readonly failures: RateLimiter;
  /** Requests per authenticated caller. */
  readonly perCaller: RateLimiter;
}

const USER_ID = /^@[^:\s]{1,255}:[A-Za-z0-9.:[\]-]{1,255}$/;
const digest = (s: string) => createHash('sha256').update(s).digest();

function bearer(req: Request): string | null {
  const header = req.get('authorization');
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1] ?? '';
}

export function clientKey(req: Request): string {
  return `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
}

export function limited(retryMs: number): ApiError {
  return new ApiError(429, 'M_LIMIT_EXCEEDED', `too many requests; retry in ${Math.ceil(retryMs / 1000)} s`, {
    retry_after_ms: retryMs,
  });
}

/**
 * Authenticates every API request but the sign-in exchanges: `Authorization: Bearer <token>`
 * with the shared secret (compared in constant time) or a session token. Sets
 * `res.locals.caller`. Failed attempts are rate limited per client address before any check.
 */
export function authenticate(d: AuthDeps) {
  const secret = d.sharedSecret ? digest(d.sharedSecret) : null;
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const ip = clientKey(req);
    if (!d.failures.wouldAllow(ip)) throw limited(d.failures.take(ip));
    const token = bearer(req);
    const fail = (errcode: string, message: string) => {
      d.failures.take(ip);
      return new ApiError(401, errcode, message);
    };
    if (token === null) throw fail('M_MISSING_TOKEN', 'missing `Authorization: Bearer <token>` header');
    let caller: Caller;
    if (secret && timingSafeEqual(digest(token), secret)) {
      const raw = req.query.user_id;
      const asUser = raw === undefined ? null : typeof raw === 'string' ? raw : '';
      if (asUser !== null && !USER_ID.test(asUser))
        throw new ApiError(
          400,
          'M_INVALID_PARAM',
          '`user_id` must be a Matrix user id such as @alice:example.org',
        );
      caller = { via: 'shared_secret', userId: asUser, level: 'admin', token };
    } else {
      const userId = token.startsWith('sbp_') ? await d.tokens.sessionUser(token) : null;
      if (!userId) throw fail('M_UNKNOWN_TOKEN', 'unknown or expired token; sign in again');
      caller = { via: 'session', userId, level: permissionFor(userId, d.permissions), token };
    }
    if (caller.level === 'block')
      throw new ApiError(403, 'M_FORBIDDEN', 'you are not allowed to use this bridge');
    const wait = d.perCaller.take(caller.via === 'session' ? `user:${caller.userId}` : 'shared_secret');
    if (wait > 0) throw limited(wait);
    res.locals.caller = caller;
    next();
  };
}

export function callerOf(res: Response): Caller {
  return res.locals.caller as Caller;
}

/**
 * The Matrix user a request acts for, checked against `min`. With the shared secret the tool
 * names the user (`?user_id=`) and that user's own configured level still applies, so an admin
 * tool cannot give a login to someone the bridge blocks.
 */
export function actingUser(
  caller: Caller,
  min: PermissionLevel,
  permissions: Readonly<Record<string, PermissionLevel>>,
): string {
  if (!caller.userId)
    throw new ApiError(
      400,
      'M_MISSING_PARAM',
      'with the shared secret, name the user with the `user_id` query parameter',
    );
  const level = caller.via === 'session' ? caller.level : permissionFor(caller.userId, permissions);
  if (!atLeast(level, min))
    throw new ApiError(
      403,
      'M_FORBIDDEN',
      `this needs permission level "${min}"; ${caller.userId} has "${level}"`,
    );
  return caller.userId;
}

/** Admin-only routes: the shared secret, or a signed-in admin. */
export function requireAdmin(caller: Caller): void {
  if (caller.level !== 'admin')
    throw new ApiError(403, 'M_FORBIDDEN', `this needs permission level "admin"; you have "${caller.level}"`);
}

/** Whether the caller may see something owned by `owner` (a login, a login attempt). */
export function mayAccess(caller: Caller, owner: string): boolean {
  return caller.via === 'shared_secret'
    ? caller.userId === null || caller.userId === owner
    : caller.userId === owner;
}
