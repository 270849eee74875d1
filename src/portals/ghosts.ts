import type { MatrixClient } from '../matrix/client';
import type { MatrixMedia } from '../matrix/media';
import type { NetworkNamespace } from '../matrix/namespaces';
import type { Logger } from '../sdk/context';
import type { RemoteUserInfo } from '../sdk/remote-events';
import type { Store } from '../store/store';
import { splitId } from '../matrix/localpart';
import { SerialByKey } from '../util/serial-by-key';
import type { RemoteDescriber } from './describer';

/** How many own-doing leaves `markLeft` remembers. */
const MAX_LEFT = 10_000;

/**
 * Ghosts: registered lazily and idempotently, profiles synced only when they changed
 * (the avatar is re-uploaded only when the module's `avatarKey` changes).
 */
export class GhostManager {
  /** Ghosts known to be registered in this process, to skip the database on the hot path. */
  private readonly registered = new Set<string>();
  /** Ghosts known to be joined to a room: `${room} ${user}`. */
  private readonly joined = new Set<string>();
  /** Ghosts the bridge made leave a room, until they join it again: `${room} ${user}`. */
  private readonly left = new Set<string>();
  /** Registrations under way, so two queues meeting a new ghost at once register it once. */
  private readonly registering = new Map<string, Promise<void>>();
  /** One ghost's per-room name changes in one room run one at a time, by `${room} ${user}`. */
  private readonly roomNames = new SerialByKey();
  /** Ghosts met without a display name and not looked up yet in this process (see `ensure`). */
  private readonly unnamed = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly client: MatrixClient,
    private readonly media: MatrixMedia,
    private readonly botUserId: string,
    private readonly log: Logger,
    private readonly describe?: RemoteDescriber,
  ) {}

  /**
   * The ghost of `remoteUserId`, registered if needed, its profile synced from `info`. A ghost
   * without a display name that comes without `info` is looked up once per process through a
   * session of the network (`receiver`'s first), so modules need not attach profiles to events.
   */
  async ensure(
    ns: NetworkNamespace,
    remoteUserId: string,
    info?: RemoteUserInfo,
    receiver?: string,
  ): Promise<string> {
    const userId = ns.ghostUserId(remoteUserId);
    if (!this.registered.has(userId)) {
      let pending = this.registering.get(userId);
      if (!pending) {
        pending = this.register(ns, remoteUserId, userId).finally(() => this.registering.delete(userId));
        this.registering.set(userId, pending);
      }
      await pending;
    }
    const firstUnnamed = this.unnamed.delete(userId);
    const profile =
      info ??
      (firstUnnamed
        ? await this.describe?.describeUser(ns.network, { id: remoteUserId }, receiver)
        : undefined);
    if (profile) await this.syncProfile(ns, remoteUserId, userId, profile);
    return userId;
  }

  private async register(ns: NetworkNamespace, remoteUserId: string, userId: string): Promise<void> {
    const row = await this.store.ghosts.get(ns.network, remoteUserId);
    if (!row?.registered) {
      await this.client.registerGhost((splitId(userId) as { localpart: string }).localpart);
      await this.store.ghosts.upsertRegistered(ns.network, remoteUserId, userId);
    }
    if (!row?.displayname) this.unnamed.add(userId);
    this.registered.add(userId);
  }

  async syncProfile(
    ns: NetworkNamespace,
    remoteUserId: string,
    userId: string,
    info: RemoteUserInfo,
  ): Promise<void> {
    // A change here makes Synapse rewrite the ghost's memberships with the global profile, in
    // the background: per-room names are set again as those rewrites arrive (`restoreRoomName`).
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

  /**
   * Makes sure the ghost is in the room: the bot invites, the ghost joins. False when the room's
   * admins banned it: it stays out (read from the member table only when it is not known to be
   * in, so the hot path costs no query).
   */
  async ensureJoined(roomId: string, userId: string): Promise<boolean> {
    const key = `${roomId} ${userId}`;
    if (this.joined.has(key)) return true;
    const member = await this.store.members.get(roomId, userId);
    if (member?.membership === 'ban') return false;
    // After a leave of our own doing, a join the homeserver reports late (from before it) may
    // have overwritten the member table: the table is not asked then.
    if (member?.membership !== 'join' || this.left.has(key)) {
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
    this.left.delete(key);
    this.joined.add(key);
    return true;
  }

  /**
   * A display name for one room only (`m.room.member` state), leaving the global profile alone.
   * The name is remembered, so it can be set again after a global profile change wiped it
   * (`restoreRoomName`); a module removes it by sending the global name, which forgets it.
   */
  async setRoomName(roomId: string, userId: string, displayName: string): Promise<void> {
    await this.ensureJoined(roomId, userId);
    await this.roomNames.run(`${roomId} ${userId}`, async () => {
      const global = (await this.store.ghosts.byUserId(userId))?.displayname;
      const own = displayName === global ? null : displayName;
      const member = await this.store.members.get(roomId, userId);
      if ((member?.room_displayname ?? null) !== own)
        await this.store.members.setRoomName(roomId, userId, own);
      if (member?.displayname === displayName) return;
      const profile = await this.client.getProfile(userId);
      await this.sendMember(roomId, userId, displayName, profile.avatar_url);
    });
  }

  /**
   * The ghost's join in `roomId` shows another name than its own one there: set that again.
   *
   * Synapse rewrites every membership of a user with the global profile whenever its displayname
   * or avatar changes (`ProfileHandler._update_join_states`, "this stomps over any custom display
   * name or avatar URL in member events"). Older Synapse awaited that before the profile PUT
   * returned; since element-hq/synapse#19311 (early 2026; 1.163 in our tests) it is a scheduled
   * task (`update_join_states`) that runs after the PUT returned, room by room, and a newer
   * profile change cancels and restarts it. So no point after `syncProfile` is known to follow the rewrite: the rewrite's own
   * `m.room.member` events are, and the membership handler calls this for each of them that
   * shows another name than the remembered one. The room's current state decides (an older
   * event may arrive after the name was set again), and keeps the avatar the rewrite brought.
   */
  async restoreRoomName(roomId: string, userId: string): Promise<void> {
    await this.roomNames
      .run(`${roomId} ${userId}`, async () => {
        const name = (await this.store.members.get(roomId, userId))?.room_displayname;
        if (!name) return;
        const state = await this.client.getState<Record<string, unknown>>(
          roomId,
          'm.room.member',
          userId,
          userId,
        );
        if (state?.membership !== 'join' || state.displayname === name) return;
        const avatar = typeof state.avatar_url === 'string' ? state.avatar_url : undefined;
        await this.sendMember(roomId, userId, name, avatar);
      })
      .catch((err: unknown) =>
        this.log.warn('per-room ghost name not set again', { roomId, userId, error: String(err) }),
      );
  }

  private async sendMember(roomId: string, userId: string, name: string, avatar?: string): Promise<void> {
    const content = { membership: 'join', displayname: name, ...(avatar ? { avatar_url: avatar } : {}) };
    await this.client.sendState(roomId, 'm.room.member', userId, content, userId);
  }

  /** Forgets cached membership after the ghost left or was kicked. */
  forgetJoined(roomId: string, userId: string): void {
    this.joined.delete(`${roomId} ${userId}`);
  }

  /** The bridge made the ghost leave (the remote user left): it is joined again, whatever the table says. */
  markLeft(roomId: string, userId: string): void {
    this.forgetJoined(roomId, userId);
    this.left.add(`${roomId} ${userId}`);
    // Bounded: the oldest leaves are long settled (their late events are in the table already).
    if (this.left.size > MAX_LEFT) this.left.delete(this.left.values().next().value as string);
  }
}
