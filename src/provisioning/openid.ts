import { ApiError } from './api-error';

/**
 * Asks the homeserver who an OpenID token belongs to
 * (`GET /_matrix/federation/v1/openid/userinfo`, served by Synapse's `openid` listener resource).
 * The user id comes from the homeserver's answer, never from the request: a client can only
 * prove who it is, not claim it.
 */
export function openIdVerifier(homeserverUrl: string, serverName: string, timeoutMs = 10_000) {
  const base = homeserverUrl.replace(/\/+$/, '');
  return async (accessToken: string): Promise<string> => {
    const url = `${base}/_matrix/federation/v1/openid/userinfo?access_token=${encodeURIComponent(accessToken)}`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new ApiError(
        502,
        'SB_HOMESERVER_UNREACHABLE',
        `could not reach the homeserver to check the token: ${(err as Error).message}`,
      );
    }
    if (res.status === 401 || res.status === 403)
      throw new ApiError(
        401,
        'M_UNKNOWN_TOKEN',
        'the homeserver did not accept this OpenID token (expired or forged?)',
      );
    if (res.status === 404)
      throw new ApiError(
        502,
        'SB_OPENID_UNAVAILABLE',
        'the homeserver does not serve OpenID user info (enable the `openid` listener resource)',
      );
    if (!res.ok)
      throw new ApiError(
        502,
        'SB_HOMESERVER_ERROR',
        `the homeserver answered ${res.status} to the token check`,
      );
    const body = (await res.json().catch(() => ({}))) as { sub?: unknown };
    const sub = typeof body.sub === 'string' ? body.sub : '';
    // Our homeserver can only vouch for its own users.
    if (!sub.startsWith('@') || sub.slice(sub.indexOf(':') + 1) !== serverName)
      throw new ApiError(401, 'M_UNKNOWN_TOKEN', 'the homeserver returned no local user for this token');
    return sub;
  };
}
