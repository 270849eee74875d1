import type { LoginManager } from '../logins/login-manager';
import type { MatrixClient } from '../matrix/client';
import { MatrixApiError } from '../matrix/errors';
import type { NetworkRuntime } from '../modules/runtime';
import type { PortalManager } from './portals';
import { BridgeError } from '../sdk/errors';
import type { MatrixActor } from '../sdk/session';
import { toPortalInfo, type PortalRow } from '../store/portal-repo';
import type { Store } from '../store/store';

export interface PortalActionDeps {
  readonly store: Store;
  readonly client: MatrixClient;
  readonly logins: LoginManager;
  readonly portals: PortalManager;
  readonly botUserId: string;
}

/**
 * What admins and users do to portals, shared by the management-room commands `bridge`,
 * `unbridge` and `start-chat` (src/commands) and the provisioning API: link an existing room to
 * a shared remote chat, unlink it, open a chat with someone. Failures are `BridgeError`s, which
 * the commands show as text and the API maps to HTTP statuses.
 */
export class PortalActions {
  constructor(private readonly d: PortalActionDeps) {}

  async link(net: NetworkRuntime, actor: MatrixActor, chatId: string, roomRef: string): Promise<PortalRow> {
    let roomId: string;
    try {
      roomId = await this.d.client.join(roomRef, this.d.botUserId);
    } catch (err) {
      const why = err instanceof MatrixApiError ? err.message : String(err);
      throw new BridgeError(
        'permission_denied',
        `the bridge bot could not join ${roomRef}; invite it first (${why})`,
      );
    }
    if (await this.d.store.portals.byRoom(roomId))
      throw new BridgeError('conflict', `${roomId} is already bridged; unlink it first`);
    const chat = { id: chatId };
    const existing = await this.d.portals.find(net.id, chat);
    if (existing)
      throw new BridgeError(
        'conflict',
        `${net.displayName} ${chatId} is already bridged to ${existing.room_id}`,
      );
    const session = await this.d.logins.sessionFor(net, actor, null);
    // A module that can look the chat up refuses ids that do not exist; others take it on trust.
    const info = (await session.getChatInfo?.(chat)) ?? {};
    await this.d.store.portals.insert(net.id, chat, {
      room_id: roomId,
      kind: info.kind ?? 'channel',
      name: info.name ?? null,
      metadata: {},
    });
    // A room is a portal or a management room, never both (every message would be a command).
    await this.d.store.users.releaseManagementRoom(roomId);
    const portal = (await this.d.portals.find(net.id, chat)) as PortalRow & { room_id: string };
    await session.onMatrixMembership?.(toPortalInfo(portal), { ...actor, membership: 'join' });
    return portal;
  }

  async unlink(roomRef: string): Promise<PortalRow> {
    const roomId = roomRef.startsWith('#') ? await this.d.client.resolveAlias(roomRef) : roomRef;
    const portal = roomId ? await this.d.store.portals.byRoom(roomId) : null;
    if (!roomId || !portal) throw new BridgeError('not_found', `${roomRef} is not a bridged room`);
    await this.d.store.portals.delete(roomId);
    await this.d.client.leave(roomId, this.d.botUserId).catch(() => undefined);
    return portal;
  }

  async startChat(
    net: NetworkRuntime,
    actor: MatrixActor,
    identifier: string,
  ): Promise<{ portal: PortalRow; created: boolean }> {
    const session = await this.d.logins.sessionFor(net, actor, null);
    if (!session.resolveIdentifier)
      throw new BridgeError('not_supported', `${net.displayName} cannot start chats by identifier`);
    const resolved = await session.resolveIdentifier(identifier);
    const existing = await this.d.portals.find(net.id, resolved.chat);
    const portal = await this.d.portals.ensure(net.ns, resolved.chat, resolved.info, {
      invite: actor.userId,
      networkDisplayName: net.displayName,
    });
    if (existing)
      await this.d.client.invite(portal.room_id, actor.userId, this.d.botUserId).catch(() => undefined);
    return { portal, created: !existing };
  }
}
