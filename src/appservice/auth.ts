import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { matrixError } from './matrix-error';

/** Compares secrets in constant time; hashing first hides the expected token's length too. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token the homeserver sent: `Authorization: Bearer` (spec v1.4+) or legacy `?access_token=`. */
export function presentedToken(req: Request): string | null {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? (m[1] as string) : null;
  }
  const q = req.query.access_token;
  return typeof q === 'string' ? q : null;
}

/** Rejects every request that does not carry our hs_token: 401 without one, 403 with a wrong one. */
export function requireHsToken(hsToken: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = presentedToken(req);
    if (token === null) {
      matrixError(res, 401, 'M_MISSING_TOKEN', 'missing homeserver token');
      return;
    }
    if (!tokensEqual(token, hsToken)) {
      matrixError(res, 403, 'M_FORBIDDEN', 'bad homeserver token');
      return;
    }
    next();
  };
}
