import type { MatrixClient } from '../matrix/client';
import type { MatrixMedia } from '../matrix/media';
import type { NetworkRuntime } from '../modules/runtime';
import type { Logger } from '../sdk/context';
import type { RemoteChatRef } from '../sdk/ids';
import type {
  RemoteEditEvent,
  RemoteEvent,
  RemoteMessageEvent,
  RemotePart,
  RemoteReactionEvent,
} from '../sdk/remote-events';
import type { ReadAhead } from '../store/message-repo';
import type { Store } from '../store/store';
import type { RemoteDescriber } from './describer';
import { DoublePuppets } from './double-puppets';
import type { GhostManager } from './ghosts';
import type { PortalManager, ReadyPortal } from './portals';
import { InflightSends } from './inflight';
import type { RoleLevels } from './power-levels';
import { partToContent } from './remote-content';
import { MATRIX_USER_ID, RemoteRooms } from './remote-rooms';
import { RoleSync } from './role-sync';
import { stableTxnId } from './txn-id';

export interface RemoteHandlerDeps {
  readonly store: Store;
  readonly client: MatrixClient;
  readonly media: MatrixMedia;
  readonly ghosts: GhostManager;
  readonly portals: PortalManager;
  readonly botUserId: string;
  readonly maxFileBytes: number;
  readonly log: Logger;
  readonly inflight?: InflightSends;
  /** The power level each remote role asks for (capped, see power-levels.ts). */
  readonly roleLevels?: RoleLevels;
  /** The bot and every network's ghosts: not Matrix people when power levels are capped. */
  readonly isOurs?: (userId: string) => boolean;
  /** Chat facts for a portal created by an event that carries none (SDK 1.2). */
  readonly describe?: RemoteDescriber;
  /** Shows a user's own messages from another device as that user (double puppeting). */
  readonly doublePuppets?: DoublePuppets;
}

/** Delivers one remote event to Matrix: portal and ghost first, then the event, then the mapping. */
export class RemoteEventHandler {
  private readonly roles: RoleSync;
  private readonly rooms: RemoteRooms;

  constructor(private readonly d: RemoteHandlerDeps) {
    this.roles = new RoleSync({
      client: d.client,
      botUserId: d.botUserId,
      log: d.log,
      ...(d.roleLevels ? { levels: d.roleLevels } : {}),
      ...(d.isOurs ? { isOurs: d.isOurs } : {}),
    });
    this.rooms = new RemoteRooms({ ...d, roles: this.roles });
  }

  /** `hints.readAhead`: the message's mapping rows, read while the event was queued. */
  async handle(net: NetworkRuntime, ev: RemoteEvent, hints: { readAhead?: ReadAhead } = {}): Promise<void> {
    if (ev.type === 'user_info') {
      // A global profile is synced as the ghost is ensured. Per-chat names (a Discord server
      // nickname) change only that room's member event; the global profile is looked up if unknown.
      const global = ev.chat ? undefined : ev.info;
      const userId = await this.d.ghosts.ensure(net.ns, ev.user.id, global, ev.chat?.receiver);
      const portal = ev.chat ? await this.d.portals.find(net.id, ev.chat) : null;
      if (portal && ev.info.displayName)
        await this.d.ghosts.setRoomName(portal.room_id, userId, ev.info.displayName);
      return;
    }
    // Our own sends to this chat first: their mappings make echoes and replies resolvable.
    await this.d.inflight?.settled(InflightSends.key(net.id, ev.chat.id, ev.chat.receiver));
    if (ev.type === 'member_roles') {
      // Roles only change levels of existing portals; whoever changed them needs no ghost.
      const portal = await this.d.portals.find(net.id, ev.chat);
      const roles = new Map(ev.roles.map((r) => [net.ns.ghostUserId(r.member.id), r.role] as const));
      if (portal) await this.roles.apply(net, portal, roles, ev.complete ?? false);
      return;
    }
    const portal = await this.rooms.portalFor(
      net,
      ev.chat,
      ev.type === 'message' || ev.type === 'chat_info' ? ev : null,
    );
    if (!portal) {
      this.d.log.debug('no portal for remote event; dropped', { network: net.id, type: ev.type });
      return;
    }
    const puppet = await this.d.doublePuppets?.userFor(net.id, portal.room_id, ev);
    // What the user read on another device is theirs to show, never their own account's ghost's.
    if (ev.type === 'read' && ev.sender.isFromMe && !puppet) return;
    const sender =
      puppet ?? (await this.d.ghosts.ensure(net.ns, ev.sender.id, ev.sender.info, ev.chat.receiver));
    const inRoom =
      !!puppet ||
      ev.type === 'member' ||
      ev.type === 'chat_info' ||
      (await this.d.ghosts.ensureJoined(portal.room_id, sender));
    // Someone the room's admins banned stays out: what they do is not shown there.
    if (!inRoom) return;
    const receiver = ev.chat.receiver ?? '';
    switch (ev.type) {
      case 'message':
        return this.message(net, portal, sender, ev, hints.readAhead);
      case 'edit':
        return this.edit(net, portal, sender, ev);
      case 'reaction':
        return this.reaction(net, portal, sender, ev);
      case 'reaction_remove': {
        const r = await this.d.store.reactions.get(net.id, receiver, ev.targetId, ev.sender.id, ev.key);
        // Events of a room the portal left (an upgrade) stay as they are, like edits of them.
        if (!r || r.room_id !== portal.room_id) return;
        const via = this.as(sender, net.id);
        await via.client.redact(portal.room_id, r.event_id, {
          asUser: sender,
          txnId: stableTxnId('unreact', r.event_id),
          content: via.mark({}),
        });
        await this.d.store.reactions.deleteByEventId(r.event_id);
        return;
      }
      case 'redaction': {
        const parts = await this.d.store.messages.byRemoteId(net.id, receiver, ev.targetId);
        for (const p of parts) {
          if (p.room_id !== portal.room_id) continue;
          // Whoever sent the event may redact it (a ghost, or a double-puppeted user); anything
          // else (a Matrix user's message deleted from the remote side) needs the bot.
          const own = p.sender_mxid ? p.sender_mxid === sender : p.sender_remote === ev.sender.id;
          const as = own ? sender : this.d.botUserId;
          const via = this.as(as, net.id);
          await via.client.redact(portal.room_id, p.event_id, {
            asUser: as,
            txnId: stableTxnId('redact', p.event_id),
            content: via.mark({}),
          });
        }
        return;
      }
      case 'typing':
        return this.d.client.setTyping(portal.room_id, sender, ev.typing);
      case 'read': {
        const target = (await this.d.store.messages.byRemoteId(net.id, receiver, ev.upToId)).at(-1);
        if (target) await this.as(sender, net.id).client.sendReceipt(portal.room_id, target.event_id, sender);
        return;
      }
      case 'chat_info':
        return this.rooms.chatInfo(net, portal, ev.chat, ev.info);
      case 'member':
        return this.rooms.member(net, portal, ev);
    }
  }

  private async message(
    net: NetworkRuntime,
    portal: ReadyPortal,
    sender: string,
    ev: RemoteMessageEvent,
    readAhead?: ReadAhead,
  ): Promise<void> {
    const receiver = ev.chat.receiver ?? '';
    const already = await this.d.store.messages.readAhead(readAhead, net.id, receiver, ev.id);
    const replyTo = ev.replyTo
      ? (await this.d.store.messages.byRemoteId(net.id, receiver, ev.replyTo))[0]
      : undefined;
    const threadRoot = ev.threadRoot
      ? (await this.d.store.messages.byRemoteId(net.id, receiver, ev.threadRoot))[0]
      : undefined;
    for (const [i, part] of ev.parts.entries()) {
      const partId = String(i);
      // Echo of our own send, a duplicate from another puppet, or a replay after a crash.
      if (already.some((m) => m.part === partId || (m.part === '' && i === 0))) continue;
      const { type, content } = await this.content(net, part, sender, ev.chat);
      if (threadRoot && threadRoot.room_id === portal.room_id) {
        content['m.relates_to'] = {
          rel_type: 'm.thread',
          event_id: threadRoot.event_id,
          is_falling_back: !replyTo,
          'm.in_reply_to': { event_id: (replyTo ?? threadRoot).event_id },
        };
      } else if (replyTo && replyTo.room_id === portal.room_id) {
        content['m.relates_to'] = { 'm.in_reply_to': { event_id: replyTo.event_id } };
      }
      const via = this.as(sender, net.id);
      const eventId = await via.client.sendEvent(portal.room_id, type, via.mark(content), {
        asUser: sender,
        txnId: stableTxnId(net.id, receiver, ev.id, partId),
        ...(ev.backfill && ev.timestamp ? { ts: ev.timestamp } : {}),
      });
      await this.d.store.messages.insert({
        network: net.id,
        receiver,
        remote_id: ev.id,
        part: partId,
        room_id: portal.room_id,
        event_id: eventId,
        sender_remote: ev.sender.id,
        sender_mxid: sender,
        ts: ev.timestamp ?? Date.now(),
      });
    }
  }

  /**
   * How to send as `userId` in `network`: our client for the bot and ghosts; for a user (double
   * puppeting) the double-puppet client, with the marker that makes the echo recognisable.
   */
  private as(userId: string, network: string) {
    const dp = this.d.doublePuppets;
    if (!dp || !this.d.isOurs || this.d.isOurs(userId))
      return { client: this.d.client, puppet: false, mark: (c: Record<string, unknown>) => c };
    return {
      client: dp.client,
      puppet: true,
      mark: (c: Record<string, unknown>) => DoublePuppets.mark(c, network),
    };
  }

  private async content(net: NetworkRuntime, part: RemotePart, sender: string, chat: RemoteChatRef) {
    const mentions = part.kind === 'text' ? (part.mentions ?? []) : [];
    // A mention of the logged-in account itself is a mention of its Matrix user, not of a ghost.
    const login =
      mentions.length > 0 && chat.receiver ? await this.d.store.logins.owner(chat.receiver) : null;
    // So is a mention by Matrix user id (a puppeting module naming the Matrix user behind a puppet).
    const mentionUserIds = mentions.map((m) =>
      login && login.network === net.id && m.id === login.remoteId
        ? login.userId
        : MATRIX_USER_ID.test(m.id)
          ? m.id
          : net.ns.ghostUserId(m.id),
    );
    const loadMedia = net.connector.loadMedia?.bind(net.connector);
    return partToContent(part, {
      media: this.d.media,
      // A double-puppeted user is not ours to upload as; the bot is.
      asUser: this.as(sender, net.id).puppet ? this.d.botUserId : sender,
      mentionUserIds,
      maxBytes: this.d.maxFileBytes,
      ...(loadMedia ? { loadByRef: loadMedia } : {}),
    });
  }

  private async edit(
    net: NetworkRuntime,
    portal: ReadyPortal,
    sender: string,
    ev: RemoteEditEvent,
  ): Promise<void> {
    const receiver = ev.chat.receiver ?? '';
    const targets = await this.d.store.messages.byRemoteId(net.id, receiver, ev.targetId);
    const target = targets[0];
    const part = ev.parts[0];
    if (!target || !part || target.room_id !== portal.room_id) return;
    const { content } = await this.content(net, part, sender, ev.chat);
    const fallback: Record<string, unknown> = { ...content, body: `* ${String(content.body)}` };
    if (typeof content.formatted_body === 'string') fallback.formatted_body = `* ${content.formatted_body}`;
    fallback['m.new_content'] = content;
    fallback['m.relates_to'] = { rel_type: 'm.replace', event_id: target.event_id };
    const editKey = ev.editId ?? stableTxnId(JSON.stringify(content));
    const via = this.as(sender, net.id);
    await via.client.sendEvent(portal.room_id, 'm.room.message', via.mark(fallback), {
      asUser: sender,
      txnId: stableTxnId(net.id, receiver, ev.targetId, 'edit', editKey),
    });
  }

  private async reaction(
    net: NetworkRuntime,
    portal: ReadyPortal,
    sender: string,
    ev: RemoteReactionEvent,
  ): Promise<void> {
    const receiver = ev.chat.receiver ?? '';
    const target = (await this.d.store.messages.byRemoteId(net.id, receiver, ev.targetId))[0];
    if (!target || target.room_id !== portal.room_id) return;
    if (await this.d.store.reactions.get(net.id, receiver, ev.targetId, ev.sender.id, ev.key)) return;
    const relates = { rel_type: 'm.annotation', event_id: target.event_id, key: ev.key };
    const via = this.as(sender, net.id);
    const eventId = await via.client.sendEvent(
      portal.room_id,
      'm.reaction',
      via.mark({ 'm.relates_to': relates }),
      { asUser: sender, txnId: stableTxnId(net.id, receiver, ev.targetId, 'react', ev.sender.id, ev.key) },
    );
    await this.d.store.reactions.insert({
      network: net.id,
      receiver,
      target_id: ev.targetId,
      sender: ev.sender.id,
      key: ev.key,
      room_id: portal.room_id,
      event_id: eventId,
      remote_id: null,
    });
  }
}
