/**
 * IRC channel prefix modes (`~&@%+`, i.e. `+q +a +o +h +v`) as the SDK's network-neutral roles. The
 * core turns roles into capped Matrix power levels; this file only says who holds which mode.
 */
import type { RemoteMemberRole, RemoteRole } from '../../src/sdk';
import type { Member } from './channels';
import { fold } from './ids';

const ROLE_OF: Readonly<Record<string, RemoteRole>> = {
  q: 'owner',
  a: 'admin',
  o: 'moderator',
  h: 'moderator',
  v: 'voice',
};
const RANK: readonly RemoteRole[] = ['owner', 'admin', 'moderator', 'voice', 'member'];

/** The highest role the prefix mode letters give. */
export function roleOf(modes: string | undefined): RemoteRole {
  let best = RANK.length - 1;
  for (const letter of modes ?? '') {
    const role = ROLE_OF[letter];
    if (role) best = Math.min(best, RANK.indexOf(role));
  }
  return RANK[best] ?? 'member';
}

/**
 * Applies a MODE line's member modes (`[{ mode: '+o', param: 'alice' }]`) to the channel's
 * members and returns the members whose role changed. Only letters in `prefixModes` (the server's
 * ISUPPORT PREFIX) are member modes: elsewhere `+q` is a quiet list and `+a` may be anything.
 * Nicks that are not members (our own connections) are skipped.
 */
export function applyModes(
  members: ReadonlyMap<string, Member>,
  modes: readonly { mode: string; param?: string }[],
  prefixModes: string,
): Member[] {
  const before = new Map<Member, RemoteRole>();
  for (const { mode, param } of modes) {
    const letter = mode.slice(1);
    const member = param ? members.get(fold(param)) : undefined;
    if (!member || letter.length !== 1 || !prefixModes.includes(letter)) continue;
    if (!before.has(member)) before.set(member, roleOf(member.modes));
    const rest = (member.modes ?? '').replaceAll(letter, '');
    member.modes = mode.startsWith('+') ? rest + letter : rest;
  }
  return [...before].filter(([m, role]) => roleOf(m.modes) !== role).map(([m]) => m);
}

/** Roles of the members that hold one, for a `member_roles` event. */
export function rolesOf(members: Iterable<Member>, ghostIdOf: (nick: string) => string): RemoteMemberRole[] {
  return [...members].map((m) => ({ member: { id: ghostIdOf(m.nick) }, role: roleOf(m.modes) }));
}
