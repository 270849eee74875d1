import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../sdk/context';
import { BridgeError, type BridgeErrorCode } from '../sdk/errors';

/**
 * An API failure with its HTTP status. Bodies follow the Matrix convention,
 * `{ "errcode": "...", "error": "human message" }`, which Matrix clients and widgets expect.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** How each BridgeError code a module or the core raises reaches an API client. */
const BRIDGE_STATUS: Record<BridgeErrorCode, [number, string]> = {
  invalid_input: [400, 'M_INVALID_PARAM'],
  not_found: [404, 'M_NOT_FOUND'],
  permission_denied: [403, 'M_FORBIDDEN'],
  not_logged_in: [409, 'SB_NOT_LOGGED_IN'],
  not_supported: [422, 'SB_NOT_SUPPORTED'],
  unsupported_content: [422, 'SB_UNSUPPORTED_CONTENT'],
  bad_credentials: [422, 'SB_BAD_CREDENTIALS'],
  limit_reached: [409, 'SB_LIMIT_REACHED'],
  conflict: [409, 'SB_CONFLICT'],
  too_large: [413, 'M_TOO_LARGE'],
  rate_limited: [429, 'M_LIMIT_EXCEEDED'],
  remote_unreachable: [502, 'SB_REMOTE_UNREACHABLE'],
  internal: [500, 'M_UNKNOWN'],
};

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof BridgeError) {
    const [status, errcode] = BRIDGE_STATUS[err.code];
    return new ApiError(status, errcode, err.message);
  }
  const e = err as { type?: string; status?: number };
  if (e.type === 'entity.parse.failed')
    return new ApiError(400, 'M_NOT_JSON', 'the request body is not valid JSON');
  if (e.type === 'entity.too.large') return new ApiError(413, 'M_TOO_LARGE', 'the request body is too large');
  if (e.status && e.status >= 400 && e.status < 500)
    return new ApiError(e.status, 'M_UNKNOWN', 'bad request');
  return new ApiError(500, 'M_UNKNOWN', 'internal error (see the bridge log)');
}

export function sendError(res: Response, err: ApiError): void {
  if (err.status === 429 && typeof err.extra.retry_after_ms === 'number')
    res.set('Retry-After', String(Math.ceil(err.extra.retry_after_ms / 1000)));
  res.status(err.status).json({ errcode: err.errcode, error: err.message, ...err.extra });
}

/** The last handler of the API: every failure becomes a JSON error, never an HTML page. */
export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const api = toApiError(err);
    if (api.status >= 500) log.error('provisioning request failed', { path: req.path, error: String(err) });
    sendError(res, api);
  };
}
