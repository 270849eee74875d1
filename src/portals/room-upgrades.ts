import type { MatrixClient } from '../matrix/client';
import type { NetworkRuntime } from '../modules/runtime';
import type { Logger } from '../sdk/context';
import type { Store } from '../store/store';
import { SerialByKey } from '../util/serial-by-key';
import type { GhostManager } from './ghosts';
import type { Notifier } from './notifier';
import { bridgeState, type PortalManager } from './portals';

export interface RoomUpgradeDeps {
  readonly store: Store;
  readonly client: MatrixClient;
  readonly portals: PortalManager;
  readonly ghosts: GhostManager;
  readonly notifier: Notifier;
  readonly networks: ReadonlyMap<string, NetworkRuntime>;
  readonly botUserId: string;
  readonly isOurs: (userId: string) => boolean;
  readonly log: Logger;
}

type StateContent = Record<string, unknown> | null;

/** `!opaque:server`, or from room version 12 on `!opaque`; printable ASCII, no spaces. */
const ROOM_ID = /^![\x21-\x7e]{1,254}$/;
const serverOf = (userId: string) => userId.slice(userId.indexOf(':') + 1);
const predecessorOf = (create: StateContent): string | null => {
  const p = create?.predecessor;
  const roomId = typeof p === 'object' && p !== null ? (p as Record<string, unknown>).room_id : undefined;
  return typeof roomId === 'string' ? roomId : null;
};

/**
 * Room upgrades (`m.room.tombstone`): the portal moves to the replacement room, so the chat goes
 * on where its Matrix users went, instead of into a room everyone has left.
 *
 * The bridge follows only an upgrade both rooms agree on: the old room's tombstone names the new
 * room, and the new room's `m.room.create` names the old one as its predecessor. The tombstone
 * needs power in the portal; anyone can create a room claiming any predecessor, so an invite to
 * such a room alone never moves a portal (it would hand the chat to whoever made that room).
 *
 * A public replacement is joined from the tombstone; an invite-only one (the usual private
 * room) when its members invite the bot, as Element offers to when upgrading.
 */
export class RoomUpgrades {
  /** One move per old room at a time: the tombstone and the bot's invite both lead to it. */
  private readonly moving = new SerialByKey();

  constructor(private readonly d: RoomUpgradeDeps) {}

  /** A tombstone in a portal room: join the replacement and move the portal there. */
  async tombstone(ev: { room_id: string; sender: string; content: Record<string, unknown> }): Promise<void> {
    const target = ev.content.replacement_room;
    // Without a replacement the room just ends; the portal stays until an admin unbridges it.
    if (typeof target !== 'string' || !ROOM_ID.test(target) || target === ev.room_id) return;
    try {
      await this.d.client.join(target, this.d.botUserId, serverOf(ev.sender));
    } catch (err) {
      this.d.log.info('cannot join the replacement room yet', {
        roomId: ev.room_id,
        target,
        error: String(err),
      });
      await this.d.notifier.notice(
        ev.room_id,
        `This room was upgraded, and the bridge bot cannot join the new room ${target}: invite ${this.d.botUserId} there, and the chat moves with you.`,
      );
      return;
    }
    await this.follow(ev.room_id, target);
  }

  /**
   * `roomId`, which the bot or a ghost (`asUser`) was invited to and joined: true when it is the
   * confirmed replacement of a portal room (the bot then moves the portal), so that the invite
   * is not taken for a new chat.
   */
  async isReplacement(roomId: string, asUser: string): Promise<boolean> {
    const oldRoom = predecessorOf(await this.state(roomId, 'm.room.create', asUser));
    if (!oldRoom || !(await this.d.store.portals.byRoom(oldRoom))) return false;
    if (!(await this.agree(oldRoom, roomId, asUser))) return false;
    if (asUser === this.d.botUserId) await this.follow(oldRoom, roomId);
    return true;
  }

  private follow(oldRoom: string, newRoom: string): Promise<void> {
    return this.moving.run(oldRoom, () => this.move(oldRoom, newRoom));
  }

  private async move(oldRoom: string, newRoom: string): Promise<void> {
    const { store, client, botUserId, log } = this.d;
    const portal = await store.portals.byRoom(oldRoom);
    if (!portal) return; // already moved
    if (await store.portals.byRoom(newRoom)) {
      log.warn('not following a room upgrade: the new room is a portal already', { oldRoom, newRoom });
      return;
    }
    if (!(await this.agree(oldRoom, newRoom, botUserId))) {
      log.warn('not following a tombstone the new room does not confirm', { oldRoom, newRoom });
      await client.leave(newRoom, botUserId).catch(() => undefined);
      return;
    }
    await store.portals.moveRoom(oldRoom, newRoom);
    log.info('following a room upgrade', { network: portal.network, oldRoom, newRoom });
    // Best effort from here: the portal has moved, and each step below can be redone by hand.
    const warn = (what: string) => (err: unknown) =>
      log.warn(`room upgrade: ${what} failed`, { oldRoom, newRoom, error: String(err) });
    const chat = portal.receiver
      ? { id: portal.remote_id, receiver: portal.receiver }
      : { id: portal.remote_id };
    const netName = this.d.networks.get(portal.network)?.displayName ?? portal.network;
    for (const s of bridgeState(botUserId, portal.network, netName, chat, portal.name))
      await client.sendState(newRoom, s.type, s.state_key, s.content, botUserId).catch(warn('bridge state'));
    if (portal.space_room)
      await this.d.portals.replaceInSpace(portal.space_room, oldRoom, newRoom).catch(warn('space'));
    for (const m of await store.members.joined(oldRoom)) {
      if (m.user_id === botUserId) continue;
      if (!this.d.isOurs(m.user_id)) {
        // Clients usually invite everyone themselves; a second invite is a no-op.
        await client.invite(newRoom, m.user_id, botUserId).catch(warn('invite'));
        continue;
      }
      const moved = m.room_displayname
        ? this.d.ghosts.setRoomName(newRoom, m.user_id, m.room_displayname)
        : this.d.ghosts.ensureJoined(newRoom, m.user_id);
      await moved.catch(warn('ghost join'));
      this.d.ghosts.forgetJoined(oldRoom, m.user_id);
      await client.leave(oldRoom, m.user_id).catch(warn('ghost leave'));
    }
    await client.leave(oldRoom, botUserId).catch(warn('bot leave'));
  }

  /** Both rooms name each other: the old room's tombstone and the new room's predecessor. */
  private async agree(oldRoom: string, newRoom: string, asUser: string): Promise<boolean> {
    const tombstone = await this.state(oldRoom, 'm.room.tombstone', this.d.botUserId);
    if (tombstone?.replacement_room !== newRoom) return false;
    return predecessorOf(await this.state(newRoom, 'm.room.create', asUser)) === oldRoom;
  }

  private state(roomId: string, type: string, asUser: string): Promise<StateContent> {
    return this.d.client.getState<Record<string, unknown>>(roomId, type, '', asUser).catch(() => null);
  }
}
