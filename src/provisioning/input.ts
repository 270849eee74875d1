import type { Request } from 'express';
import { ApiError } from './api-error';

/** The JSON object body of a request, or a 400 saying what was expected. */
export function jsonBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError(400, 'M_NOT_JSON', 'send a JSON object body with `Content-Type: application/json`');
  return body as Record<string, unknown>;
}

/** A required (or, with `optional`, possibly absent) non-empty string field of at most `max` characters. */
export function stringField(
  body: Record<string, unknown>,
  name: string,
  o: { optional?: boolean; max?: number } = {},
): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (o.optional) return undefined;
    throw new ApiError(400, 'M_MISSING_PARAM', `\`${name}\` is required`);
  }
  if (typeof v !== 'string' || v.trim() === '')
    throw new ApiError(400, 'M_INVALID_PARAM', `\`${name}\` must be a non-empty string`);
  if (v.length > (o.max ?? 1024))
    throw new ApiError(400, 'M_INVALID_PARAM', `\`${name}\` is longer than ${o.max ?? 1024} characters`);
  return v;
}

export function requiredString(body: Record<string, unknown>, name: string, max?: number): string {
  return stringField(body, name, max === undefined ? {} : { max }) as string;
}

/** `values` of a login step: an object of strings. */
export function stringMap(body: Record<string, unknown>, name: string): Record<string, string> {
  const v = body[name];
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ApiError(400, 'M_INVALID_PARAM', `\`${name}\` must be an object of field id → string value`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (typeof val !== 'string')
      throw new ApiError(400, 'M_INVALID_PARAM', `\`${name}.${k}\` must be a string`);
    out[k] = val;
  }
  return out;
}

/** A non-negative integer query parameter with a default and a ceiling. */
export function intQuery(req: Request, name: string, def: number, max: number): number {
  const raw = req.query[name];
  if (raw === undefined) return def;
  const n = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(n))
    throw new ApiError(400, 'M_INVALID_PARAM', `\`${name}\` must be a non-negative integer`);
  return Math.min(n, max);
}
