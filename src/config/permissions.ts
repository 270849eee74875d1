import type { PermissionLevel } from './types';

/** Every level, lowest first: a level grants everything the ones before it grant. */
export const PERMISSION_LEVELS: readonly PermissionLevel[] = ['block', 'relay', 'user', 'admin'];

/**
 * The permission of a Matrix user: an entry for the exact user id wins over one for their
 * server name, which wins over `*`; a user matching nothing is blocked. Server names match
 * exactly (no subdomains) and case-insensitively; user ids match exactly, as Matrix compares them.
 *
 * @example
 * permissionFor('@alice:example.org', { '*': 'relay', 'example.org': 'user' }); // 'user'
 */
export function permissionFor(
  userId: string,
  permissions: Readonly<Record<string, PermissionLevel>>,
): PermissionLevel {
  const colon = userId.indexOf(':');
  // Anything but a user id (a room id, a bare server name) gets nothing.
  if (!userId.startsWith('@') || colon < 2) return 'block';
  const exact = permissions[userId];
  if (exact !== undefined) return exact;
  // The server name is everything after the first colon; it may carry a port.
  const server = userId.slice(colon + 1).toLowerCase();
  for (const [key, level] of Object.entries(permissions)) {
    if (!key.startsWith('@') && key !== '*' && key.toLowerCase() === server) return level;
  }
  return permissions['*'] ?? 'block';
}

/**
 * Whether `level` grants at least `required`.
 *
 * @example
 * atLeast('admin', 'user'); // true
 * atLeast('relay', 'user'); // false
 */
export function atLeast(level: PermissionLevel, required: PermissionLevel): boolean {
  return PERMISSION_LEVELS.indexOf(level) >= PERMISSION_LEVELS.indexOf(required);
}
