/**
 * What every REST route shares: the context object, the answer helper that completes the request's
 * log entry before a byte reaches the client (so `fake.requests` is current when a discord.js call
 * resolves), and the middleware chain: record + parse body → injected 429 → bot auth.
 */
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Dispatcher } from './dispatcher';
import { JsonErrorCode, RestError } from './errors';
import { parseBody } from './http-body';
import type { MessageFactory } from './messages';
import type { RequestLog } from './request-log';
import type { FakeState } from './state';
import type { RecordedFile, RecordedRequest } from './types';

export interface RestContext {
  state: FakeState;
  dispatcher: Dispatcher;
  messages: MessageFactory;
  log: RequestLog;
  token: string;
  maxUploadBytes: number;
  /** `http://127.0.0.1:<port>/api` (discord.js `rest.api`); the versioned root is this + `/v10`. */
  restUrl: () => string;
  gatewayUrl: () => string;
}

const recorded = new WeakMap<Request, { entry: RecordedRequest; log: RequestLog }>();

export function bodyOf(req: Request): { body: unknown; files: RecordedFile[] } {
  const record = recorded.get(req);
  if (!record) throw new Error('fake-discord: request was not recorded');
  return record.entry;
}

/** Answers with JSON (or 204 when `body` is undefined), completing the log entry first. */
export function reply(res: Response, status: number, body?: unknown): void {
  const record = recorded.get(res.req);
  if (record && body !== undefined) record.entry.response = body;
  record?.log.complete(record.entry, status);
  if (body === undefined) res.status(status).end();
  else res.status(status).json(body);
}

export function recordAndParse(ctx: RestContext) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const url = new URL(req.originalUrl, 'http://fake');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    const reason = headers['x-audit-log-reason'];
    const entry: RecordedRequest = {
      method: req.method,
      path: req.path,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: null,
      files: [],
      auditLogReason: reason === undefined ? null : decodeURIComponent(reason),
      status: 0,
    };
    recorded.set(req, { entry, log: ctx.log });
    ctx.log.add(entry);
    const parsed = await parseBody(req, ctx.maxUploadBytes);
    entry.body = parsed.body;
    entry.files = parsed.files;
    next();
  };
}

/**
 * Answers the next matching request with 429 the way Discord does: JSON `{ message, retry_after,
 * global }` plus `Retry-After` and either the per-route `X-RateLimit-*` headers or
 * `X-RateLimit-Global`. @discordjs/rest sleeps `Retry-After` (+ its 50 ms offset) and retries.
 * https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit
 */
export function injectRateLimits(ctx: RestContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const rule = ctx.log.takeRateLimit({ method: req.method, path: req.path });
    if (!rule) return next();
    const seconds = rule.retryAfterSeconds;
    res.set('Retry-After', String(seconds));
    if (rule.global) {
      res.set({ 'X-RateLimit-Global': 'true', 'X-RateLimit-Scope': 'global' });
    } else {
      res.set({
        'X-RateLimit-Limit': '5',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': (Date.now() / 1000 + seconds).toFixed(3),
        'X-RateLimit-Reset-After': seconds.toFixed(3),
        'X-RateLimit-Bucket': createHash('sha1')
          .update(`${req.method} ${req.path}`)
          .digest('hex')
          .slice(0, 32),
        'X-RateLimit-Scope': 'user',
      });
    }
    reply(res, 429, { message: 'You are being rate limited.', retry_after: seconds, global: rule.global });
  };
}

/** Bot routes need `Authorization: Bot <token>`; anything else is Discord's 401 `{ code: 0 }`. */
export function requireBot(ctx: RestContext) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.headers.authorization !== `Bot ${ctx.token}`) {
      throw new RestError(401, JsonErrorCode.General, '401: Unauthorized');
    }
    next();
  };
}

export function notFound(_req: Request, res: Response): void {
  reply(res, 404, { message: '404: Not Found', code: JsonErrorCode.General });
}

export function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (err instanceof RestError) {
    reply(res, err.status, err.toJSON());
    return;
  }
  // A bug in the fake, not a Discord error: make it loud (discord.js would otherwise retry the 500 quietly).
  console.error('fake-discord: internal error', err);
  reply(res, 500, { message: '500: Internal Server Error', code: JsonErrorCode.General });
}
