import type { MatrixClient } from '../matrix/client';
import type { MatrixMedia } from '../matrix/media';
import type { NetworkNamespace } from '../matrix/namespaces';
import type { Logger } from '../sdk/context';
import type { RemoteUserInfo } from '../sdk/remote-events';
import type { Store } from '../store/store';
import { splitId } from '../matrix/localpart';

/**
 * Ghosts: registered lazily and idempotently, profiles synced only when they changed
 * (the avatar is re-uploaded only when the module's `avatarKey` changes).
 */
export class GhostManager {
  /** Ghosts known to be registered in this process, to skip the database on the hot path. */
  private readonly registered = new Set<string>();
  /** Ghosts known to be joined to a room: `${room} ${user}`. */
  private readonly joined = new Set<string>();
  /** Registrations under way, so two queues meeting a new ghost at once register it once. */
  private readonly registering = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly client: MatrixClient,
    private readonly media: MatrixMedia,
    private readonly botUserId: string,
    private readonly log: Logger,
  ) {}

  async ensure(ns: NetworkNamespace, remoteUserId: string, info?: RemoteUserInfo): Promise<string> {
    const userId = ns.ghostUserId(remoteUserId);
    if (!this.registered.has(userId)) {
      let pending = this.registering.get(userId);
      if (!pending) {
        pending = this.register(ns, remoteUserId, userId).finally(() => this.registering.delete(userId));
        this.registering.set(userId, pending);
      }
      await pending;
    }
    if (info) await this.syncProfile(ns, remoteUserId, userId, info);
    return userId;
  }

  private async register(ns: NetworkNamespace, remoteUserId: string, userId: string): Promise<void> {
    const row = await this.store.ghosts.get(ns.network, remoteUserId);
    if (!row?.registered) {
      await this.client.registerGhost((splitId(userId) as { localpart: string }).localpart);
      await this.store.ghosts.upsertRegistered(ns.network, remoteUserId, userId);
    }
    this.registered.add(userId);
  }

  async syncProfile(
    ns: NetworkNamespace,
    remoteUserId: string,
    userId: string,
    info: RemoteUserInfo,
  ): Promise<void> {
    const row = await this.store.ghosts.get(ns.network, remoteUserId);
    if (info.displayName && info.displayName !== row?.displayname) {
      await this.client.setDisplayName(userId, info.displayName);
      await this.store.ghosts.setProfile(ns.network, remoteUserId, { displayname: info.displayName });
    }
    if (info.avatarKey && info.fetchAvatar && info.avatarKey !== row?.avatar_key) {
      try {
        const avatar = await info.fetchAvatar();
        const mxc = await this.media.upload(avatar.data, avatar.mimetype, avatar.filename, userId);
        await this.client.setAvatarUrl(userId, mxc);
        await this.store.ghosts.setProfile(ns.network, remoteUserId, {
          avatar_key: info.avatarKey,
          avatar_mxc: mxc,
        });
      } catch (err) {
        // A missing avatar is cosmetic: never let it block the message that carried it.
        this.log.warn('ghost avatar sync failed', { userId, error: String(err) });
      }
    }
  }

  /** Makes sure the ghost is in the room: the bot invites, the ghost joins. */
  async ensureJoined(roomId: string, userId: string): Promise<void> {
    const key = `${roomId} ${userId}`;
    if (this.joined.has(key)) return;
    const member = await this.store.members.get(roomId, userId);
    if (member?.membership !== 'join') {
      await this.client.invite(roomId, userId, this.botUserId);
      await this.client.join(roomId, userId);
      await this.store.members.set({
        room_id: roomId,
        user_id: userId,
        membership: 'join',
        displayname: null,
        avatar_url: null,
      });
    }
    this.joined.add(key);
  }

  /** A display name for one room only (`m.room.member` state), leaving the global profile alone. */
  async setRoomName(roomId: string, userId: string, displayName: string): Promise<void> {
    await this.ensureJoined(roomId, userId);
    const member = await this.store.members.get(roomId, userId);
    if (member?.displayname === displayName) return;
    const profile = await this.client.getProfile(userId);
    await this.client.sendState(
      roomId,
      'm.room.member',
      userId,
      {
        membership: 'join',
        displayname: displayName,
        ...(profile.avatar_url ? { avatar_url: profile.avatar_url } : {}),
      },
      userId,
    );
  }

  /** Forgets cached membership after the ghost left or was kicked. */
  forgetJoined(roomId: string, userId: string): void {
    this.joined.delete(`${roomId} ${userId}`);
  }
}
