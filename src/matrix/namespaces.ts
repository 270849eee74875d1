import { escapeLocalpart, splitId, unescapeLocalpart } from './localpart';

/**
 * The user and alias namespaces of one network module: `@<prefix><escaped remote id>:domain`
 * and `#<prefix><module alias part>:domain`.
 */
export class NetworkNamespace {
  constructor(
    readonly network: string,
    readonly domain: string,
    readonly ghostPrefix: string,
    readonly aliasPrefix: string,
  ) {}

  ghostUserId(remoteUserId: string): string {
    return `@${this.ghostPrefix}${escapeLocalpart(remoteUserId)}:${this.domain}`;
  }

  /** The remote id behind a ghost's user id, or null if it is not ours. */
  remoteUserIdOf(userId: string): string | null {
    const parts = splitId(userId);
    if (!parts || parts.server !== this.domain || !parts.localpart.startsWith(this.ghostPrefix)) return null;
    return unescapeLocalpart(parts.localpart.slice(this.ghostPrefix.length));
  }

  /** The module's part of an alias (after the prefix), or null if it is not ours. */
  aliasLocalpart(alias: string): string | null {
    const parts = splitId(alias);
    if (!parts || parts.server !== this.domain || !parts.localpart.startsWith(this.aliasPrefix)) return null;
    return parts.localpart.slice(this.aliasPrefix.length);
  }
}
