/**
 * Finds the client-server API base URL for a server name via `/.well-known/matrix/client`
 * (spec: client-server API, server discovery). Used when the config gives only a domain.
 *
 * @example
 * await discoverHomeserver('example.org'); // 'https://matrix.example.org'
 */
export async function discoverHomeserver(
  serverName: string,
  opts: { timeoutMs?: number; scheme?: 'https' | 'http' } = {},
): Promise<string> {
  const scheme = opts.scheme ?? 'https';
  const fallback = `${scheme}://${serverName}`;
  let res: Response;
  try {
    res = await fetch(`${fallback}/.well-known/matrix/client`, {
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
  } catch {
    return fallback;
  }
  if (res.status === 404) return fallback;
  if (!res.ok)
    throw new Error(
      `.well-known/matrix/client on ${serverName} answered ${res.status}; set homeserver.url in the config`,
    );
  const json = (await res.json().catch(() => null)) as { 'm.homeserver'?: { base_url?: unknown } } | null;
  const base = json?.['m.homeserver']?.base_url;
  if (typeof base !== 'string' || !/^https?:\/\//.test(base)) {
    throw new Error(
      `.well-known/matrix/client on ${serverName} has no valid m.homeserver.base_url; set homeserver.url in the config`,
    );
  }
  return base.replace(/\/+$/, '');
}
