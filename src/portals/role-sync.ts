/**
 * Applies remote roles to a portal's `m.room.power_levels` (the rule is in power-levels.ts): reads
 * the current levels, changes only ghosts' entries, and writes once per batch, only on a change.
 */
import type { MatrixClient } from '../matrix/client';
import { MatrixApiError } from '../matrix/errors';
import type { NetworkRuntime } from '../modules/runtime';
import type { Logger } from '../sdk/context';
import type { RemoteRole } from '../sdk/remote-events';
import {
  changeLevel,
  DEFAULT_ROLE_LEVELS,
  usersDefault,
  withRoles,
  type PowerLevels,
  type RoleLevels,
} from './power-levels';
import type { ReadyPortal } from './portals';

const enc = encodeURIComponent;
/** Room versions before creators got infinite power (v12, "hydra"); creators are in `users` there. */
const CLASSIC_VERSION = /^(?:[1-9]|1[01])$/;
/** Rooms remembered per map before it is cleared (both maps are only shortcuts). */
const MAX_ROOMS = 10_000;

export interface RoleSyncDeps {
  readonly client: MatrixClient;
  readonly botUserId: string;
  readonly log: Logger;
  readonly levels?: RoleLevels;
  /** The bot and all ghosts of every network; defaults to the bot and the event's network. */
  readonly isOurs?: (userId: string) => boolean;
}

export class RoleSync {
  private readonly levels: RoleLevels;
  /** Room → whether the bot is one of its creators with infinite power (the create event never changes). */
  private readonly creator = new Map<string, Promise<boolean>>();
  /** Room → users with an entry at the last read or write: a leaving ghost without one costs no request. */
  private readonly entries = new Map<string, ReadonlySet<string>>();

  constructor(private readonly d: RoleSyncDeps) {
    this.levels = d.levels ?? DEFAULT_ROLE_LEVELS;
  }

  /**
   * Gives each ghost (Matrix user id) its role in the portal. DMs have no roles, and rooms where the
   * bot may not change power levels (linked rooms whose admins did not give it that power) are not
   * the bridge's to manage: both are left alone.
   */
  async apply(
    net: NetworkRuntime,
    portal: ReadyPortal,
    roles: ReadonlyMap<string, RemoteRole>,
    complete = false,
  ): Promise<void> {
    const roomId = portal.room_id;
    if (portal.kind === 'dm' || (roles.size === 0 && !complete)) return;
    // Taking a role from ghosts that have no entry changes nothing (most leaves): no request needed.
    const nothingToDrop = (has: ReadonlySet<string>) =>
      !complete && [...roles].every(([u, r]) => r === 'member' && !has.has(u));
    const known = this.entries.get(roomId);
    if (known && nothingToDrop(known)) return;
    const pl = await this.d.client.getState<PowerLevels>(roomId, 'm.room.power_levels', '', this.d.botUserId);
    if (!pl || nothingToDrop(this.remember(roomId, pl))) return;
    const botLevel = await this.botLevel(roomId, pl);
    if (botLevel < changeLevel(pl)) {
      this.d.log.debug('bot may not change power levels; roles not bridged', { roomId });
      return;
    }
    const bot = this.d.botUserId;
    const next = withRoles(pl, roles, {
      levels: net.roleLevels ?? this.levels,
      botLevel,
      isOurs: this.d.isOurs ?? ((u) => u === bot || net.ns.remoteUserIdOf(u) !== null),
      isManaged: (u) => net.ns.remoteUserIdOf(u) !== null,
      complete,
    });
    if (!next) return;
    try {
      await this.d.client.sendState(roomId, 'm.room.power_levels', '', { ...next }, bot);
      this.remember(roomId, next);
    } catch (err) {
      // Refused (the bot lost its power meanwhile): a badge is not worth holding the chat's queue.
      if (!(err instanceof MatrixApiError) || err.retryable) throw err;
      this.entries.delete(roomId);
      this.d.log.warn('power levels not updated', { roomId, error: err.message });
    }
  }

  private remember(roomId: string, pl: PowerLevels): ReadonlySet<string> {
    if (this.entries.size >= MAX_ROOMS) this.entries.clear();
    const users = new Set(typeof pl.users === 'object' && pl.users !== null ? Object.keys(pl.users) : []);
    this.entries.set(roomId, users);
    return users;
  }

  /** The bot's level: its entry, or infinite as a creator of a room version 12 (or later) room. */
  private async botLevel(roomId: string, pl: PowerLevels): Promise<number> {
    const users = (pl.users ?? {}) as Record<string, unknown>;
    const own = users[this.d.botUserId];
    if (typeof own === 'number') return own;
    let isCreator = this.creator.get(roomId);
    if (!isCreator) {
      if (this.creator.size >= MAX_ROOMS) this.creator.clear();
      isCreator = this.isCreator(roomId);
      this.creator.set(roomId, isCreator);
      isCreator.catch(() => this.creator.delete(roomId));
    }
    return (await isCreator) ? Infinity : usersDefault(pl);
  }

  private async isCreator(roomId: string): Promise<boolean> {
    // `format=event` (Synapse) gives the sender, the creator from v11 on; a server that ignores it
    // answers the content alone, and then only a pre-v11 `creator` can name the bot.
    const create = await this.d.client.http.request<Record<string, unknown>>(
      'GET',
      `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.create/`,
      { asUser: this.d.botUserId, query: { format: 'event' } },
    );
    const content = (
      typeof create.content === 'object' && create.content !== null ? create.content : create
    ) as Record<string, unknown>;
    const version = typeof content.room_version === 'string' ? content.room_version : '1';
    if (CLASSIC_VERSION.test(version)) return false;
    const extra = Array.isArray(content.additional_creators) ? content.additional_creators : [];
    return [create.sender, content.creator, ...extra].includes(this.d.botUserId);
  }
}
