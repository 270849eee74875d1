import { createHash } from 'node:crypto';

/**
 * A transaction id derived from what is being sent (network, chat owner, remote message id,
 * part, kind), so a retry after a timeout or a crash hits the homeserver's transaction cache
 * instead of creating a duplicate.
 */
export function stableTxnId(...parts: readonly string[]): string {
  return 'sb1_' + createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 32);
}
