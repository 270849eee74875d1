/**
 * Stable error codes a module (or the core) raises. The core turns each into a
 * visible notice in the Matrix room and, where it concerns a login, into bridge state.
 */
export type BridgeErrorCode =
  | 'not_supported'
  | 'not_logged_in'
  | 'bad_credentials'
  | 'remote_unreachable'
  | 'rate_limited'
  | 'too_large'
  | 'unsupported_content'
  | 'not_found'
  | 'permission_denied'
  | 'invalid_input'
  | 'limit_reached'
  /** It exists already or is in the way (a room that is already bridged). */
  | 'conflict'
  | 'internal';

/**
 * The one error family modules throw. `message` is shown to the Matrix user, so keep it
 * human and free of secrets.
 *
 * @example
 * throw new BridgeError('too_large', 'Discord accepts files up to 10 MiB');
 */
export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(
    readonly code: BridgeErrorCode,
    message: string,
    /** Whether retrying the same operation later may succeed. */
    readonly retryable = code === 'remote_unreachable' || code === 'rate_limited',
  ) {
    super(message);
  }
}

/** Narrows an unknown thrown value into a BridgeError, keeping unknown errors generic for users. */
export function toBridgeError(err: unknown): BridgeError {
  if (err instanceof BridgeError) return err;
  // A plugin that bundles its own copy of the SDK throws a different BridgeError class.
  const e = err as { name?: unknown; code?: unknown; message?: unknown } | null;
  if (e && e.name === 'BridgeError' && typeof e.code === 'string' && typeof e.message === 'string') {
    return new BridgeError(e.code as BridgeErrorCode, e.message);
  }
  return new BridgeError('internal', 'an internal error occurred (see the bridge log)', false);
}
