import type { GhostLocalpartCodec } from '../sdk/module';
import { escapeLocalpart, splitId, unescapeLocalpart } from './localpart';

/** The core's reversible escaping, for modules that bring no encoding of their own. */
export const DEFAULT_GHOST_LOCALPART: GhostLocalpartCodec = {
  encode: escapeLocalpart,
  decode: unescapeLocalpart,
};

/** The characters of a user localpart the spec allows (historical ones aside). */
const LOCALPART = /^[a-z0-9._=/-]+$/;

/** A module's ghost localpart encoding broke its contract: the message says how. */
export class GhostLocalpartError extends Error {
  override readonly name = 'GhostLocalpartError';
}

/**
 * The user and alias namespaces of one network module: `@<prefix><encoded remote id>:domain`
 * and `#<prefix><module alias part>:domain`. The encoding is the module's `ghostLocalpart`, or
 * the core's escaping; either way every localpart is checked, so a module's bug surfaces as a
 * clear error instead of an invalid user id or two remote users sharing one ghost.
 */
export class NetworkNamespace {
  private readonly codec: GhostLocalpartCodec;

  constructor(
    readonly network: string,
    readonly domain: string,
    readonly ghostPrefix: string,
    readonly aliasPrefix: string,
    codec?: GhostLocalpartCodec,
  ) {
    if (codec && (typeof codec.encode !== 'function' || typeof codec.decode !== 'function'))
      throw new GhostLocalpartError(
        `module "${network}": ghostLocalpart must have encode(remoteUserId) and decode(localpart) functions`,
      );
    this.codec = codec ?? DEFAULT_GHOST_LOCALPART;
  }

  /** @throws GhostLocalpartError when the module's encoding gives an invalid or irreversible localpart. */
  ghostUserId(remoteUserId: string): string {
    return `@${this.ghostPrefix}${this.encode(remoteUserId)}:${this.domain}`;
  }

  /** The remote id behind a ghost's user id, or null if it is not ours (or not canonical). */
  remoteUserIdOf(userId: string): string | null {
    const parts = splitId(userId);
    if (!parts || parts.server !== this.domain || !parts.localpart.startsWith(this.ghostPrefix)) return null;
    const localpart = parts.localpart.slice(this.ghostPrefix.length);
    try {
      const id = this.codec.decode(localpart);
      // One Matrix id per remote user: a second spelling that decodes to the same id is not a ghost.
      return id !== null && this.codec.encode(id) === localpart ? id : null;
    } catch {
      // A module's decode that throws on a stranger's localpart means "not mine" (this answers /users).
      return null;
    }
  }

  /** The module's part of an alias (after the prefix), or null if it is not ours. */
  aliasLocalpart(alias: string): string | null {
    const parts = splitId(alias);
    if (!parts || parts.server !== this.domain || !parts.localpart.startsWith(this.aliasPrefix)) return null;
    return parts.localpart.slice(this.aliasPrefix.length);
  }

  private encode(remoteUserId: string): string {
    const localpart = this.codec.encode(remoteUserId);
    if (this.codec === DEFAULT_GHOST_LOCALPART) return localpart; // reversible by construction (tested)
    const why =
      typeof localpart !== 'string' || !LOCALPART.test(localpart)
        ? `which has characters a Matrix user id may not contain (allowed: a-z 0-9 . _ = / -)`
        : this.codec.decode(localpart) !== remoteUserId
          ? `which its decode does not turn back into that id (it must be reversible)`
          : null;
    if (why)
      throw new GhostLocalpartError(
        `module "${this.network}": ghostLocalpart.encode(${JSON.stringify(remoteUserId)}) gave ${JSON.stringify(localpart)}, ${why}`,
      );
    return localpart;
  }
}
