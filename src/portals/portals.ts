import type { MatrixClient } from '../matrix/client';
import type { NetworkNamespace } from '../matrix/namespaces';
import type { RemoteChatRef } from '../sdk/ids';
import type { RemoteChatInfo, RemoteSpace } from '../sdk/remote-events';
import type { PortalRow } from '../store/portal-repo';
import type { Store } from '../store/store';
import type { RemoteDescriber } from './describer';
import type { GhostManager } from './ghosts';

export type ReadyPortal = PortalRow & { room_id: string };

export interface PortalCreateOptions {
  /** The Matrix user to invite (the login's owner for per-login chats, the alias requester). */
  readonly invite?: string;
  /** Alias localpart to publish, for portals created on demand through an alias. */
  readonly aliasLocalpart?: string;
  readonly networkDisplayName: string;
  /** Creates the room as a Matrix space (used for `RemoteChatInfo.space`). */
  readonly asSpace?: boolean;
}

/**
 * `RemoteChatInfo.space`, optionally nested through `parent` (a Discord category's guild): the
 * space is then filed into its parent's space.
 */
export type SpaceRef = RemoteSpace;

/**
 * The power level of a per-login chat's owner in its portal: a moderator (state events, kicks,
 * redactions at the defaults), below the level that changes power levels.
 */
export const OWNER_LEVEL = 50;

/** Spaces are portal rows under this reserved remote id prefix; modules must not mint such ids. */
export const spaceChatId = (spaceId: string): string => `space:${spaceId}`;

/**
 * The `m.bridge` state of a portal (MSC2346, and the older `uk.half-shot.bridge` some clients
 * still read): which network and chat the room stands for.
 */
export function bridgeState(
  botUserId: string,
  network: string,
  networkDisplayName: string,
  chat: RemoteChatRef,
  name?: string | null,
): { type: string; state_key: string; content: Record<string, unknown> }[] {
  const content = {
    bridgebot: botUserId,
    creator: botUserId,
    protocol: { id: network, displayname: networkDisplayName },
    channel: { id: chat.id, ...(name ? { displayname: name } : {}) },
  };
  const stateKey = `switchboard://${network}/${encodeURIComponent(chat.id)}`;
  return ['m.bridge', 'uk.half-shot.bridge'].map((type) => ({ type, state_key: stateKey, content }));
}

const key = (network: string, chat: RemoteChatRef) =>
  `${network}\u0000${chat.id}\u0000${chat.receiver ?? ''}`;

/** Finds portal rooms and creates them on first use, once even under concurrent requests. */
export class PortalManager {
  private readonly creating = new Map<string, Promise<ReadyPortal>>();
  /**
   * Runs once a new portal room exists, before anyone is handed the portal (set by the bridge:
   * the module's history goes in first, so it comes before the event that created the room).
   */
  onCreated?: (network: string, chat: RemoteChatRef) => Promise<void>;

  constructor(
    private readonly store: Store,
    private readonly client: MatrixClient,
    private readonly ghosts: GhostManager,
    private readonly botUserId: string,
    private readonly describe?: RemoteDescriber,
  ) {}

  async find(network: string, chat: RemoteChatRef): Promise<ReadyPortal | null> {
    const row = await this.store.portals.get(network, chat);
    return row?.room_id ? (row as ReadyPortal) : null;
  }

  /** `info` left out: looked up through a session of the network when the room is created (SDK 1.2). */
  async ensure(
    ns: NetworkNamespace,
    chat: RemoteChatRef,
    info: RemoteChatInfo | undefined,
    o: PortalCreateOptions,
  ): Promise<ReadyPortal> {
    const existing = await this.find(ns.network, chat);
    if (existing) return existing;
    const k = key(ns.network, chat);
    let pending = this.creating.get(k);
    if (!pending) {
      pending = this.create(ns, chat, info, o).finally(() => this.creating.delete(k));
      this.creating.set(k, pending);
    }
    return pending;
  }

  private async create(
    ns: NetworkNamespace,
    chat: RemoteChatRef,
    given: RemoteChatInfo | undefined,
    o: PortalCreateOptions,
  ): Promise<ReadyPortal> {
    const info = given ?? (await this.describe?.describeChat(ns.network, chat)) ?? {};
    const kind = info.kind ?? (chat.receiver ? 'dm' : 'channel');
    // DMs are created by the remote partner's ghost, so clients show the room as a DM with them.
    const dmCreator =
      kind === 'dm' && info.dmPartner
        ? await this.ghosts.ensure(ns, info.dmPartner.id, undefined, chat.receiver)
        : undefined;
    const creator = dmCreator ?? this.botUserId;
    const invite = [o.invite, dmCreator ? this.botUserId : undefined].filter((u): u is string => !!u);
    const space = kind === 'dm' ? undefined : (info.space as SpaceRef | undefined);
    const spaceRoom = space ? await this.ensureSpace(ns, space, o.networkDisplayName) : undefined;
    const roomId = await this.client.createRoom(
      {
        ...(kind === 'dm' ? {} : { name: info.name }),
        ...(info.topic ? { topic: info.topic } : {}),
        invite,
        isDirect: kind === 'dm',
        // Spaces are public so that people who joined a portal by alias can browse its siblings.
        preset: o.aliasLocalpart || o.asSpace ? 'public_chat' : 'private_chat',
        ...(o.aliasLocalpart ? { aliasLocalpart: o.aliasLocalpart } : {}),
        ...(o.asSpace ? { creationContent: { type: 'm.space' } } : {}),
        initialState: [
          ...(o.asSpace
            ? []
            : bridgeState(this.botUserId, ns.network, o.networkDisplayName, chat, info.name)),
          ...(spaceRoom ? [this.parentState(spaceRoom)] : []),
        ],
      },
      creator,
    );
    if (spaceRoom) await this.addChild(spaceRoom, roomId);
    // The creator's power comes from the room version (v12 forbids listing creators in `users`,
    // and an override replaces the whole map), so power is granted after creation. Ghosts stay at
    // the default 0: they can talk but never reach `notifications.room` (50), so remote text can
    // never ping @room. The owner of a per-login chat moderates their own room: they may rename
    // it (the network's group too), set its topic and remove members, not change power levels.
    const owner = chat.receiver && o.invite ? { [o.invite]: OWNER_LEVEL } : undefined;
    if (dmCreator) await this.grant(roomId, dmCreator, { [this.botUserId]: 100, ...owner });
    else if (owner) await this.grant(roomId, this.botUserId, owner);
    if (dmCreator) {
      await this.client.join(roomId, this.botUserId);
      await this.store.members.set({
        room_id: roomId,
        user_id: dmCreator,
        membership: 'join',
        displayname: null,
        avatar_url: null,
      });
    }
    await this.store.portals.insert(ns.network, chat, {
      room_id: roomId,
      kind,
      name: info.name ?? null,
      topic: info.topic ?? null,
      space_room: spaceRoom ?? null,
      metadata: {},
    });
    if (!o.asSpace) await this.onCreated?.(ns.network, chat);
    return (await this.find(ns.network, chat)) as ReadyPortal;
  }

  /** The room of a space, created once as the portal row `space:<id>` (after its own parent). */
  async ensureSpace(ns: NetworkNamespace, space: SpaceRef, networkDisplayName: string): Promise<string> {
    const info: RemoteChatInfo = {
      kind: 'group',
      name: space.name,
      ...(space.parent ? { space: space.parent } : {}),
    };
    const portal = await this.ensure(ns, { id: spaceChatId(space.id) }, info, {
      networkDisplayName,
      asSpace: true,
    });
    return portal.room_id;
  }

  /** Files an existing portal into the space its chat belongs to now (e.g. a channel changed category). */
  async fileInSpace(
    ns: NetworkNamespace,
    portal: ReadyPortal,
    space: SpaceRef,
    networkDisplayName: string,
  ): Promise<void> {
    if (portal.kind === 'dm' || portal.remote_id === spaceChatId(space.id)) return;
    const target = await this.ensureSpace(ns, space, networkDisplayName);
    if (portal.space_room === target) return;
    if (portal.space_room) {
      // Empty content removes the link on both sides (spec: m.space.child without `via` is ignored).
      await this.client.sendState(portal.space_room, 'm.space.child', portal.room_id, {}, this.botUserId);
      await this.client.sendState(portal.room_id, 'm.space.parent', portal.space_room, {}, this.botUserId);
    }
    const parent = this.parentState(target);
    await this.client.sendState(
      portal.room_id,
      parent.type,
      parent.state_key,
      parent.content,
      this.botUserId,
    );
    await this.addChild(target, portal.room_id);
    const chat = portal.receiver
      ? { id: portal.remote_id, receiver: portal.receiver }
      : { id: portal.remote_id };
    await this.store.portals.update(ns.network, chat, { space_room: target });
  }

  /** After a room upgrade: the space lists the replacement room instead of the old one. */
  async replaceInSpace(spaceRoom: string, oldRoom: string, newRoom: string): Promise<void> {
    await this.client.sendState(spaceRoom, 'm.space.child', oldRoom, {}, this.botUserId);
    await this.addChild(spaceRoom, newRoom);
    const parent = this.parentState(spaceRoom);
    await this.client.sendState(newRoom, parent.type, parent.state_key, parent.content, this.botUserId);
  }

  private get via(): string[] {
    return [this.botUserId.slice(this.botUserId.indexOf(':') + 1)];
  }

  private parentState(spaceRoom: string) {
    return { type: 'm.space.parent', state_key: spaceRoom, content: { via: this.via, canonical: true } };
  }

  private async addChild(spaceRoom: string, roomId: string): Promise<void> {
    await this.client.sendState(spaceRoom, 'm.space.child', roomId, { via: this.via }, this.botUserId);
  }

  /**
   * Power after creation, granted by `by` (who holds it): in a room a ghost created, the bot
   * needs it to manage the room (names, kicks, redactions); the owner of a per-login chat gets
   * {@link OWNER_LEVEL}.
   */
  private async grant(roomId: string, by: string, levels: Record<string, number>): Promise<void> {
    const pl =
      (await this.client.getState<Record<string, unknown>>(roomId, 'm.room.power_levels', '', by)) ?? {};
    const users = { ...((pl.users ?? {}) as Record<string, number>), ...levels };
    await this.client.sendState(roomId, 'm.room.power_levels', '', { ...pl, users }, by);
  }
}
