import type { MatrixClient } from '../matrix/client';
import { MatrixApiError } from '../matrix/errors';
import type { MatrixMedia } from '../matrix/media';
import type { NetworkRuntime } from '../modules/runtime';
import type { Logger } from '../sdk/context';
import type { RemoteChatRef } from '../sdk/ids';
import type { RemoteChatInfo, RemoteEvent, RemoteMessageEvent } from '../sdk/remote-events';
import type { Store } from '../store/store';
import type { RemoteDescriber } from './describer';
import type { GhostManager } from './ghosts';
import type { PortalManager, ReadyPortal } from './portals';
import type { RoleSync } from './role-sync';

/** `@localpart:server`: a receiver or mention naming a Matrix user rather than a remote one. */
export const MATRIX_USER_ID = /^@[^:\s]+:\S+$/;

export interface RemoteRoomDeps {
  readonly store: Store;
  readonly client: MatrixClient;
  readonly media: MatrixMedia;
  readonly ghosts: GhostManager;
  readonly portals: PortalManager;
  readonly roles: RoleSync;
  readonly botUserId: string;
  readonly log: Logger;
  readonly describe?: RemoteDescriber;
}

/**
 * The room side of remote events (`RemoteEventHandler` does the messages): finding or making a
 * chat's portal, its avatar, name, topic and space, and who is in it.
 */
export class RemoteRooms {
  constructor(private readonly d: RemoteRoomDeps) {}

  /** The chat's portal; made for a per-login chat's first `creating` event, else null when none. */
  async portalFor(
    net: NetworkRuntime,
    chat: RemoteChatRef,
    creating: RemoteMessageEvent | { chatInfo?: unknown } | null,
  ): Promise<ReadyPortal | null> {
    const existing = await this.d.portals.find(net.id, chat);
    if (existing || !creating || !chat.receiver) return existing;
    // Per-login chats get a portal on their first message; shared chats only through an alias or `bridge`.
    // A receiver may also be a Matrix user id: per-user chats without a stored login (IRC puppets).
    const login = await this.d.store.logins.owner(chat.receiver);
    const owner = login?.userId ?? (MATRIX_USER_ID.test(chat.receiver) ? chat.receiver : null);
    if (!owner) return null;
    const given = 'chatInfo' in creating ? (creating.chatInfo as RemoteChatInfo | undefined) : undefined;
    const info = given ?? (await this.d.describe?.describeChat(net.id, chat)) ?? {};
    const portal = await this.d.portals.ensure(net.ns, chat, info, {
      invite: owner,
      networkDisplayName: net.displayName,
    });
    await this.syncAvatar(net, portal, chat, info);
    return portal;
  }

  /** The room avatar follows the chat's, re-uploaded only when the module's `avatarKey` changes. */
  private async syncAvatar(
    net: NetworkRuntime,
    portal: ReadyPortal,
    chat: RemoteChatRef,
    info: RemoteChatInfo,
  ): Promise<void> {
    if (!info.avatarKey || !info.fetchAvatar || info.avatarKey === portal.avatar_key || portal.kind === 'dm')
      return;
    try {
      const avatar = await info.fetchAvatar();
      const mxc = await this.d.media.upload(avatar.data, avatar.mimetype, avatar.filename, this.d.botUserId);
      await this.d.client.sendState(portal.room_id, 'm.room.avatar', '', { url: mxc }, this.d.botUserId);
      await this.d.store.portals.update(net.id, chat, { avatar_key: info.avatarKey, avatar_mxc: mxc });
    } catch (err) {
      // Cosmetic: never let a picture block the chat's messages.
      this.d.log.warn('portal avatar sync failed', { network: net.id, error: String(err) });
    }
  }

  async chatInfo(
    net: NetworkRuntime,
    portal: ReadyPortal,
    chat: RemoteChatRef,
    info: RemoteChatInfo,
  ): Promise<void> {
    await this.syncAvatar(net, portal, chat, info);
    // The chat may have moved to another space (a Discord channel changed category).
    if (info.space) await this.d.portals.fileInSpace(net.ns, portal, info.space, net.displayName);
    if (info.name !== undefined && info.name !== portal.name && portal.kind !== 'dm') {
      await this.d.client.sendState(portal.room_id, 'm.room.name', '', { name: info.name }, this.d.botUserId);
      await this.d.store.portals.update(net.id, chat, { name: info.name });
    }
    if (info.topic !== undefined && info.topic !== portal.topic) {
      await this.d.client.sendState(
        portal.room_id,
        'm.room.topic',
        '',
        { topic: info.topic },
        this.d.botUserId,
      );
      await this.d.store.portals.update(net.id, chat, { topic: info.topic });
    }
  }

  async member(
    net: NetworkRuntime,
    portal: ReadyPortal,
    ev: Extract<RemoteEvent, { type: 'member' }>,
  ): Promise<void> {
    const member = await this.d.ghosts.ensure(net.ns, ev.member.id, undefined, ev.chat.receiver);
    if (ev.membership === 'join') {
      await this.d.ghosts.ensureJoined(portal.room_id, member);
      if (ev.role) await this.d.roles.apply(net, portal, new Map([[member, ev.role]]));
      return;
    }
    this.d.ghosts.markLeft(portal.room_id, member);
    const left = { room_id: portal.room_id, user_id: member, membership: 'leave', displayname: null };
    await this.d.store.members.set({ ...left, avatar_url: null }, true);
    if (ev.membership === 'leave') {
      await this.d.client.leave(portal.room_id, member).catch(() => undefined);
    } else {
      const reason = [
        ev.membership === 'kick' ? `kicked by ${ev.sender.id}` : `banned by ${ev.sender.id}`,
        ev.reason,
      ]
        .filter(Boolean)
        .join(': ');
      await this.d.client.kick(portal.room_id, member, reason, this.d.botUserId).catch((err: unknown) => {
        // Already out: a Matrix user's kick that the network then carried out, and reports.
        if (!(err instanceof MatrixApiError && err.status === 403 && /not in the room/i.test(err.message)))
          throw err;
      });
    }
    // Whoever leaves a remote chat loses their role in it (IRC modes end with the membership).
    await this.d.roles.apply(net, portal, new Map([[member, 'member']]));
  }
}
