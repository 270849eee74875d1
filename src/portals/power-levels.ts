/**
 * The rule that turns remote roles (IRC ops and voice, group admins) into Matrix power levels, as
 * pure functions over `m.room.power_levels` content, so the safety cap is testable on its own.
 *
 * A remote role is a claim made by a remote network, where anyone may found a channel and op
 * themselves. So whatever a role asks for, a ghost stays strictly below the bridge bot, strictly
 * below the level that may change power levels, strictly below `@room` (`notifications.room`,
 * DESIGN §5), and never above a Matrix user who was given power in the room.
 */
import type { RemoteRole } from '../sdk/remote-events';

/** The level each role asks for before the cap; `member` always means no entry (`users_default`). */
export type RoleLevels = Readonly<Record<Exclude<RemoteRole, 'member'>, number>>;

/**
 * Matrix's usual names for levels: moderators 50, admins 100. Under the cap, in a room with the
 * default levels, `owner`, `admin` and `moderator` all end up at 49 (one below `@room`'s 50).
 */
export const DEFAULT_ROLE_LEVELS: RoleLevels = { owner: 100, admin: 75, moderator: 50, voice: 10 };

/** A network's `role_power_levels` config (already schema-checked) over the defaults. */
export const roleLevelsFrom = (configured: unknown): RoleLevels => ({
  ...DEFAULT_ROLE_LEVELS,
  ...(typeof configured === 'object' && configured !== null ? (configured as Partial<RoleLevels>) : {}),
});

/** `m.room.power_levels` content; keys the rule does not read are kept as they are. */
export type PowerLevels = Readonly<Record<string, unknown>>;

/** Rooms before v10 allowed levels as strings ("50"), and the homeserver honours them: so do we. */
const int = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isInteger(v)
    ? v
    : typeof v === 'string' && /^[+-]?\d{1,16}$/.test(v.trim())
      ? Number(v)
      : fallback;
const record = (v: unknown): Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Spec defaults when a key is missing from an existing power-levels event. */
export const usersDefault = (pl: PowerLevels): number => int(pl.users_default, 0);
const stateDefault = (pl: PowerLevels): number => int(pl.state_default, 50);

/** The level needed to send `m.room.power_levels`. */
export const changeLevel = (pl: PowerLevels): number =>
  int(record(pl.events)['m.room.power_levels'], stateDefault(pl));

/** A user's level as the room states it (without creators' infinite power, see `RoleSync`). */
export const levelOf = (pl: PowerLevels, userId: string): number =>
  int(record(pl.users)[userId], usersDefault(pl));

export interface CapInput {
  /** The bridge bot's level (Infinity when it is a creator in room version 12 and later). */
  readonly botLevel: number;
  /** The bot and every ghost of the bridge: users who are not Matrix people. */
  readonly isOurs: (userId: string) => boolean;
}

/** The highest level a remote role may give a ghost in this room. */
export function roleCap(pl: PowerLevels, c: CapInput): number {
  const atRoom = int(record(pl.notifications).room, 50);
  let cap = Math.min(c.botLevel - 1, changeLevel(pl) - 1, atRoom - 1);
  const floor = usersDefault(pl);
  for (const [userId, raw] of Object.entries(record(pl.users))) {
    const level = int(raw, floor);
    // Equal is allowed: in Matrix, equals can neither kick, ban nor demote each other.
    if (level > floor && !c.isOurs(userId)) cap = Math.min(cap, level);
  }
  return cap;
}

export interface RoleChange extends CapInput {
  readonly levels: RoleLevels;
  /** The ghosts whose entries the bridge keeps (the network's own ghosts). */
  readonly isManaged: (userId: string) => boolean;
  /** `roles` lists every managed ghost with a role: the others go back to `users_default`. */
  readonly complete?: boolean;
}

/**
 * The content after giving each ghost in `roles` its role's level under the cap, or null when no
 * entry changes (so nothing is sent). Every other managed entry is brought under the cap too: a
 * Matrix user may have been given a lower level since the ghost got its own. Entries the bridge
 * does not touch: below `users_default` (a Matrix-side mute must survive a remote voice), and at or
 * above the bot (the homeserver would refuse the change).
 */
export function withRoles(
  pl: PowerLevels,
  roles: ReadonlyMap<string, RemoteRole>,
  o: RoleChange,
): PowerLevels | null {
  const cap = roleCap(pl, o);
  const floor = usersDefault(pl);
  const users: Record<string, unknown> = { ...record(pl.users) };
  let changed = false;
  const set = (userId: string, level: number): void => {
    const current = userId in users ? int(users[userId], NaN) : floor;
    // Junk we cannot read is left as it is, like a mute or an entry out of the bot's reach.
    if (Number.isNaN(current) || current < floor || current >= o.botLevel) return;
    if (level > floor) {
      if (current === level) return;
      users[userId] = level;
    } else {
      if (!(userId in users)) return;
      delete users[userId];
    }
    changed = true;
  };
  for (const [userId, raw] of Object.entries(users)) {
    if (!o.isManaged(userId) || roles.has(userId)) continue;
    if (o.complete) set(userId, floor);
    else if (int(raw, floor) > cap) set(userId, cap);
  }
  for (const [userId, role] of roles) {
    if (o.isManaged(userId)) set(userId, role === 'member' ? floor : Math.min(o.levels[role], cap));
  }
  return changed ? { ...pl, users } : null;
}
