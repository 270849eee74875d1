import type { CommandProcessor } from '../commands/processor';
import type { PermissionLevel } from '../config/types';
import type { LoginManager } from '../logins/login-manager';
import type { MatrixClient } from '../matrix/client';
import { DOUBLE_PUPPET_KEY } from '../matrix/double-puppet';
import type { MediaProxy } from '../matrix/media-proxy';
import type { NetworkRuntime } from '../modules/runtime';
import type { Logger } from '../sdk/context';
import { toBridgeError } from '../sdk/errors';
import type { MatrixSender } from '../sdk/matrix-message';
import type { StoredEvent } from '../store/ingest-repo';
import { toPortalInfo, type PortalRow } from '../store/portal-repo';
import type { Store } from '../store/store';
import { MatrixEphemeral } from './matrix-ephemeral';
import type { MatrixPortalEvents } from './matrix-portal-events';
import type { MembershipHandler } from './membership';
import type { Notifier } from './notifier';
import type { RoomUpgrades } from './room-upgrades';

type RoomEvent = {
  event_id: string;
  room_id: string;
  sender: string;
  type: string;
  content: Record<string, unknown>;
  state_key?: string;
  redacts?: unknown;
  origin_server_ts?: unknown;
};

export interface MatrixRouterDeps {
  readonly store: Store;
  readonly client: MatrixClient;
  readonly networks: ReadonlyMap<string, NetworkRuntime>;
  readonly portalEvents: MatrixPortalEvents;
  readonly membership: MembershipHandler;
  readonly commands: CommandProcessor;
  readonly logins: LoginManager;
  readonly notifier: Notifier;
  readonly upgrades: RoomUpgrades;
  readonly proxy?: MediaProxy;
  readonly botUserId: string;
  readonly permission: (userId: string) => PermissionLevel;
  readonly log: Logger;
}

/** Routes each stored Matrix event: echo filter, membership, management commands, portal events. */
export class MatrixRouter {
  private readonly ephemeralEvents: MatrixEphemeral;

  constructor(private readonly d: MatrixRouterDeps) {
    this.ephemeralEvents = new MatrixEphemeral({
      store: d.store,
      networks: d.networks,
      logins: d.logins,
      isOurs: (u) => this.isOurs(u),
      sender: (roomId, userId) => this.sender(roomId, userId),
    });
  }

  /** Our own bot and every ghost: their events are echoes of what we sent. */
  isOurs(userId: string): boolean {
    if (userId === this.d.botUserId) return true;
    for (const net of this.d.networks.values()) if (net.ns.remoteUserIdOf(userId) !== null) return true;
    return false;
  }

  async handle(stored: StoredEvent): Promise<void> {
    const ev = stored.body as unknown as RoomEvent;
    if (typeof ev.content !== 'object' || ev.content === null) ev.content = {};
    if (ev.type === 'm.room.member') return this.d.membership.handle(ev);
    if (this.isOurs(ev.sender)) return;
    // What we sent as a user (double puppeting) comes back as theirs: an echo as well.
    if (ev.content[DOUBLE_PUPPET_KEY] !== undefined) return;
    const level = this.d.permission(ev.sender);
    if (level === 'block') return;
    const owner = await this.d.store.users.ownerOfManagementRoom(ev.room_id);
    if (owner) {
      if (owner === ev.sender && ev.type === 'm.room.message' && typeof ev.content.body === 'string') {
        const sender = await this.sender(ev.room_id, ev.sender);
        await this.d.commands.handle({
          userId: ev.sender,
          displayName: sender.displayName,
          roomId: ev.room_id,
          eventId: ev.event_id,
          text: ev.content.body,
          level,
        });
      }
      return;
    }
    const portal = await this.d.store.portals.byRoom(ev.room_id);
    if (!portal?.room_id) return;
    const net = this.d.networks.get(portal.network);
    if (!net) return;
    if (ev.type === 'm.room.tombstone' && ev.state_key === '') return this.d.upgrades.tombstone(ev);
    try {
      await this.d.portalEvents.handle(
        net,
        toPortalInfo(portal as PortalRow & { room_id: string }),
        ev,
        await this.sender(ev.room_id, ev.sender),
        { replayed: stored.replayed === true },
      );
    } catch (err) {
      const e = toBridgeError(err);
      if (e.code === 'internal')
        this.d.log.error('bridging a Matrix event failed', { eventId: ev.event_id, error: String(err) });
      // Never silently dropped: the sender learns in the room why it did not arrive.
      await this.d.notifier.notice(ev.room_id, `⚠️ Not delivered to ${net.displayName}: ${e.message}`, {
        inReplyTo: ev.event_id,
      });
    }
  }

  /** Ephemeral events (typing, receipts): best effort, never stored. */
  ephemeral(ev: Record<string, unknown>): Promise<void> {
    return this.ephemeralEvents.handle(ev);
  }

  private async sender(roomId: string, userId: string): Promise<MatrixSender> {
    const member = await this.d.store.members.get(roomId, userId);
    let displayName = member?.displayname ?? undefined;
    let avatar = member?.avatar_url ?? undefined;
    if (!displayName) {
      const profile = await this.d.client
        .getProfile(userId)
        .catch(() => ({}) as { displayname?: string; avatar_url?: string });
      displayName = profile.displayname;
      avatar ??= profile.avatar_url;
    }
    const avatarUrl = avatar ? this.d.proxy?.url(avatar) : undefined;
    return {
      userId,
      displayName: displayName || (/^@([^:]+)/.exec(userId)?.[1] ?? userId),
      ...(avatar ? { avatarMxc: avatar } : {}),
      ...(avatarUrl ? { avatarUrl } : {}),
    };
  }
}
