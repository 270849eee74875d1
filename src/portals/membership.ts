import type { PermissionLevel } from '../config/types';
import { atLeast } from '../config/permissions';
import type { LoginManager } from '../logins/login-manager';
import type { MatrixClient } from '../matrix/client';
import type { NetworkRuntime } from '../modules/runtime';
import type { Logger } from '../sdk/context';
import { BridgeError, toBridgeError } from '../sdk/errors';
import { toPortalInfo, type PortalRow } from '../store/portal-repo';
import type { Store } from '../store/store';
import type { GhostManager } from './ghosts';
import type { Notifier } from './notifier';
import type { RoomUpgrades } from './room-upgrades';

type MemberEvent = { room_id: string; sender: string; state_key?: string; content: Record<string, unknown> };

export interface MembershipDeps {
  readonly store: Store;
  readonly client: MatrixClient;
  readonly networks: ReadonlyMap<string, NetworkRuntime>;
  readonly logins: LoginManager;
  readonly ghosts: GhostManager;
  readonly notifier: Notifier;
  readonly upgrades: RoomUpgrades;
  readonly botUserId: string;
  readonly permission: (userId: string) => PermissionLevel;
  readonly isOurs: (userId: string) => boolean;
  readonly log: Logger;
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/**
 * `m.room.member` events: keeps the member cache, accepts the bot's DM invites (management
 * rooms), turns an invite of a ghost into a new DM portal (unless the room is an upgraded
 * portal's replacement), and tells modules when Matrix users join or leave a portal.
 */
export class MembershipHandler {
  constructor(private readonly d: MembershipDeps) {}

  async handle(ev: MemberEvent): Promise<void> {
    const target = ev.state_key;
    const membership = str(ev.content.membership);
    if (!target || !membership) return;
    const displayname = str(ev.content.displayname);
    const roomName = await this.d.store.members.set({
      room_id: ev.room_id,
      user_id: target,
      membership,
      displayname,
      avatar_url: str(ev.content.avatar_url),
    });
    // A ghost's own name here, wiped by a global profile change (Synapse rewrites its memberships).
    if (membership === 'join' && roomName && roomName !== displayname)
      await this.d.ghosts.restoreRoomName(ev.room_id, target);
    if (membership === 'invite' && !this.d.isOurs(ev.sender)) {
      if (target === this.d.botUserId) return this.botInvited(ev);
      for (const net of this.d.networks.values()) {
        const remoteId = net.ns.remoteUserIdOf(target);
        if (remoteId !== null) return this.ghostInvited(net, ev, target, remoteId);
      }
      return;
    }
    if (!this.d.isOurs(target) && (membership === 'join' || membership === 'leave' || membership === 'ban')) {
      await this.portalMembership(ev.room_id, target, membership, displayname);
    } else if (this.d.isOurs(target) && (membership === 'leave' || membership === 'ban')) {
      // Out of the room, whoever did it: the ghost is invited back before it next speaks.
      this.d.ghosts.forgetJoined(ev.room_id, target);
      if (!this.d.isOurs(ev.sender) && ev.sender !== target) await this.ghostRemoved(ev, target, membership);
    }
  }

  /** A Matrix user kicked or banned a ghost: the same on the network, or the room hears why not. */
  private async ghostRemoved(ev: MemberEvent, ghost: string, membership: string): Promise<void> {
    const portal = await this.d.store.portals.byRoom(ev.room_id);
    const net = portal ? this.d.networks.get(portal.network) : undefined;
    const remoteId = net?.ns.remoteUserIdOf(ghost);
    if (!portal?.room_id || !net || !remoteId) return;
    const info = toPortalInfo(portal as PortalRow & { room_id: string });
    const actor = { userId: ev.sender, displayName: ev.sender };
    const reason = str(ev.content.reason) ?? undefined;
    const level = this.d.permission(ev.sender);
    if (level === 'block') return;
    try {
      // Done as the kicker on the network, so only users who may use the network themselves.
      if (!atLeast(level, 'user'))
        throw new BridgeError('permission_denied', 'you may not act on the network');
      const session = await this.d.logins.sessionFor(net, actor, info);
      if (!session.removeRemoteMember)
        throw new BridgeError('not_supported', `${net.displayName} does not support removing members`);
      await session.removeRemoteMember(
        info,
        { id: remoteId },
        { ban: membership === 'ban', ...(reason ? { reason } : {}) },
        actor,
      );
    } catch (err) {
      const e = toBridgeError(err);
      await this.d.notifier.notice(
        ev.room_id,
        `⚠️ ${ghost} was removed here, but is still in the chat on ${net.displayName}: ${e.message}`,
      );
    }
  }

  private async botInvited(ev: MemberEvent): Promise<void> {
    if (!atLeast(this.d.permission(ev.sender), 'relay')) {
      await this.d.client.leave(ev.room_id, this.d.botUserId).catch(() => undefined);
      return;
    }
    await this.d.client.join(ev.room_id, this.d.botUserId);
    if (await this.d.store.portals.byRoom(ev.room_id)) return;
    if (await this.d.upgrades.isReplacement(ev.room_id, this.d.botUserId)) return;
    const members = await this.d.client.joinedMembers(ev.room_id).catch(() => ({}));
    // A room of two without `is_direct` (some clients leave it out) is taken for a DM only while
    // the user has no management room: an admin inviting the bot to a new room to link it keeps
    // theirs.
    const small = Object.keys(members).length <= 2 && !(await this.d.store.users.managementRoom(ev.sender));
    if (ev.content.is_direct === true || small) {
      await this.d.store.users.setManagementRoom(ev.sender, ev.room_id);
      await this.d.notifier.notice(
        ev.room_id,
        'Hello! I am the Switchboard bridge bot. This is your management room: send `help` to see what I can do.',
      );
    }
  }

  private async ghostInvited(
    net: NetworkRuntime,
    ev: MemberEvent,
    ghost: string,
    remoteId: string,
  ): Promise<void> {
    await this.d.ghosts.ensure(net.ns, remoteId);
    await this.d.client.join(ev.room_id, ghost);
    if (await this.d.store.portals.byRoom(ev.room_id)) return;
    // Invited along with everyone else into an upgraded portal room: not a new chat.
    if (await this.d.upgrades.isReplacement(ev.room_id, ghost)) return;
    try {
      if (!atLeast(this.d.permission(ev.sender), 'user'))
        throw new Error('you may not start chats through this bridge');
      const actor = { userId: ev.sender, displayName: ev.sender };
      const session = await this.d.logins.sessionFor(net, actor, null);
      if (!session.resolveIdentifier) throw new Error(`${net.displayName} does not support starting chats`);
      const resolved = await session.resolveIdentifier(remoteId);
      const existing = await this.d.store.portals.get(net.id, resolved.chat);
      if (existing?.room_id)
        throw new Error(`you already have this chat in https://matrix.to/#/${existing.room_id}`);
      await this.d.store.portals.insert(net.id, resolved.chat, {
        room_id: ev.room_id,
        kind: (resolved.info ?? (await this.d.logins.describeChat(net.id, resolved.chat)))?.kind ?? 'dm',
        metadata: {},
      });
      await this.d.client.invite(ev.room_id, this.d.botUserId, ghost);
      await this.d.client.join(ev.room_id, this.d.botUserId);
    } catch (err) {
      const message = err instanceof Error && !('code' in err) ? err.message : toBridgeError(err).message;
      await this.d.client.sendEvent(
        ev.room_id,
        'm.room.message',
        { msgtype: 'm.notice', body: `⚠️ ${message}` },
        { asUser: ghost, txnId: `dm-fail-${Date.now()}` },
      );
      await this.d.client.leave(ev.room_id, ghost).catch(() => undefined);
    }
  }

  private async portalMembership(
    roomId: string,
    userId: string,
    membership: string,
    displayName: string | null,
  ): Promise<void> {
    const portal = await this.d.store.portals.byRoom(roomId);
    const net = portal ? this.d.networks.get(portal.network) : undefined;
    if (!portal?.room_id || !net) return;
    const info = toPortalInfo(portal as PortalRow & { room_id: string });
    const actor = { userId, displayName: displayName ?? userId };
    const session = await this.d.logins.sessionFor(net, actor, info).catch(() => null);
    await session
      ?.onMatrixMembership?.(info, { ...actor, membership: membership as 'join' | 'leave' | 'ban' })
      .catch((err: unknown) =>
        this.d.log.warn('module membership handler failed', { roomId, error: String(err) }),
      );
  }
}
