import type { LoginManager } from '../logins/login-manager';
import type { NetworkRuntime } from '../modules/runtime';
import { BridgeError } from '../sdk/errors';
import type { BridgedMessageRef, PortalInfo } from '../sdk/ids';
import type { MatrixSender } from '../sdk/matrix-message';
import type { MatrixActor, RemoteSession } from '../sdk/session';
import { toMessageRef } from '../store/message-repo';
import type { Store } from '../store/store';
import { InflightSends } from './inflight';
import { buildMatrixMessage, type BuildDeps } from './matrix-message';

type Ev = {
  event_id: string;
  room_id: string;
  sender: string;
  type: string;
  content: Record<string, unknown>;
  redacts?: unknown;
  origin_server_ts?: unknown;
};

export interface PortalEventDeps extends BuildDeps {
  readonly store: Store;
  readonly logins: LoginManager;
  readonly inflight?: InflightSends;
}

function notSupported(net: NetworkRuntime, what: string): never {
  throw new BridgeError('not_supported', `${net.displayName} does not support ${what}`);
}

/** Matrix → remote for events in a portal room: messages, edits, redactions, reactions, room info. */
export class MatrixPortalEvents {
  constructor(private readonly d: PortalEventDeps) {}

  /** `replayed`: the event may have been sent before a crash (see `StoredEvent.replayed`). */
  async handle(
    net: NetworkRuntime,
    portal: PortalInfo,
    ev: Ev,
    sender: MatrixSender,
    o: { replayed?: boolean } = { replayed: true },
  ): Promise<void> {
    const actor: MatrixActor = { userId: sender.userId, displayName: sender.displayName };
    const relates = (ev.content['m.relates_to'] ?? {}) as Record<string, unknown>;
    if ((ev.type === 'm.room.message' || ev.type === 'm.sticker') && relates.rel_type === 'm.replace') {
      return this.edit(net, portal, ev, sender, String(relates.event_id));
    }
    switch (ev.type) {
      case 'm.room.message':
      case 'm.sticker':
        return this.message(net, portal, ev, sender, o.replayed !== false);
      case 'm.reaction':
        return this.reaction(net, portal, ev, actor, relates);
      case 'm.room.redaction':
        return this.redaction(net, portal, ev, actor);
      case 'm.room.encrypted':
        // The bridge has no keys: said in the room, rather than the message vanishing.
        throw new BridgeError(
          'not_supported',
          'the bridge cannot read end-to-end encrypted messages, and encryption cannot be turned off in a room: an admin can `unbridge` this room, and the chat continues in a new one',
        );
      case 'm.room.name':
      case 'm.room.topic': {
        const session = await this.d.logins.sessionFor(net, actor, portal);
        if (!session.setChatInfo) return;
        const info =
          ev.type === 'm.room.name'
            ? { name: String(ev.content.name ?? '') }
            : { topic: String(ev.content.topic ?? '') };
        return session.setChatInfo(portal, info, actor);
      }
    }
  }

  /** A related event may only be one bridged in this same room (never reach across rooms). */
  private async sameRoomRef(eventId: unknown, roomId: string): Promise<BridgedMessageRef | undefined> {
    if (typeof eventId !== 'string') return undefined;
    const row = await this.d.store.messages.byEventId(eventId);
    return row && row.room_id === roomId ? toMessageRef(row) : undefined;
  }

  private async message(
    net: NetworkRuntime,
    portal: PortalInfo,
    ev: Ev,
    sender: MatrixSender,
    replayed: boolean,
  ): Promise<void> {
    // Only a replayed event can have been sent already (just before a crash): skip the lookup otherwise.
    if (replayed && (await this.d.store.messages.byEventId(ev.event_id))) return;
    const relates = (ev.content['m.relates_to'] ?? {}) as Record<string, unknown>;
    const inReplyTo = (relates['m.in_reply_to'] as { event_id?: unknown } | undefined)?.event_id;
    const isThread = relates.rel_type === 'm.thread';
    const replyTo =
      isThread && relates.is_falling_back === true
        ? undefined
        : await this.sameRoomRef(inReplyTo, ev.room_id);
    const threadRoot = isThread ? await this.sameRoomRef(relates.event_id, ev.room_id) : undefined;
    const content = ev.type === 'm.sticker' ? { ...ev.content, msgtype: 'm.image' } : ev.content;
    const msg = await buildMatrixMessage(net, ev, content, sender, { replyTo, threadRoot }, this.d);
    if (!msg) throw new BridgeError('unsupported_content', 'this kind of message cannot be bridged');
    const session = await this.d.logins.sessionFor(net, sender, portal);
    const send = async () => {
      const result = await session.sendMessage(portal, msg);
      await this.d.store.messages.insert({
        network: net.id,
        receiver: portal.chat.receiver ?? '',
        remote_id: result.remoteId,
        part: '',
        room_id: ev.room_id,
        event_id: ev.event_id,
        sender_remote: null,
        sender_mxid: sender.userId,
        ts: result.timestamp ?? msg.timestamp,
      });
    };
    const key = InflightSends.key(net.id, portal.chat.id, portal.chat.receiver);
    await (this.d.inflight ? this.d.inflight.track(key, send()) : send());
  }

  private async edit(
    net: NetworkRuntime,
    portal: PortalInfo,
    ev: Ev,
    sender: MatrixSender,
    targetId: string,
  ): Promise<void> {
    const target = await this.d.store.messages.byEventId(targetId);
    // Only the author may edit, and only a message of this room.
    if (!target || target.room_id !== ev.room_id || target.sender_mxid !== sender.userId) return;
    const newContent = ev.content['m.new_content'];
    if (typeof newContent !== 'object' || newContent === null) return;
    const session = await this.d.logins.sessionFor(net, sender, portal);
    if (!session.editMessage) notSupported(net, 'editing messages');
    const msg = await buildMatrixMessage(net, ev, newContent as Record<string, unknown>, sender, {}, this.d);
    if (msg) await session.editMessage(portal, toMessageRef(target), msg);
  }

  private async reaction(
    net: NetworkRuntime,
    portal: PortalInfo,
    ev: Ev,
    actor: MatrixActor,
    relates: Record<string, unknown>,
  ): Promise<void> {
    if (relates.rel_type !== 'm.annotation' || typeof relates.key !== 'string') return;
    const target = await this.sameRoomRef(relates.event_id, ev.room_id);
    if (!target) return;
    const session = await this.d.logins.sessionFor(net, actor, portal);
    if (!session.sendReaction) notSupported(net, 'reactions');
    const remoteId = await session.sendReaction(portal, target, relates.key, actor);
    await this.d.store.reactions.insert({
      network: net.id,
      receiver: portal.chat.receiver ?? '',
      target_id: target.remoteId,
      sender: actor.userId,
      key: relates.key,
      room_id: ev.room_id,
      event_id: ev.event_id,
      remote_id: typeof remoteId === 'string' ? remoteId : null,
    });
  }

  private async redaction(
    net: NetworkRuntime,
    portal: PortalInfo,
    ev: Ev,
    actor: MatrixActor,
  ): Promise<void> {
    const redacts = typeof ev.redacts === 'string' ? ev.redacts : ev.content.redacts;
    if (typeof redacts !== 'string') return;
    const reaction = await this.d.store.reactions.byEventId(redacts);
    let session: RemoteSession;
    if (reaction && reaction.room_id === ev.room_id && reaction.sender === actor.userId) {
      session = await this.d.logins.sessionFor(net, actor, portal);
      if (!session.removeReaction) notSupported(net, 'removing reactions');
      const target = (
        await this.d.store.messages.byRemoteId(net.id, reaction.receiver, reaction.target_id)
      )[0];
      if (target) await session.removeReaction(portal, toMessageRef(target), reaction.key, actor);
      await this.d.store.reactions.deleteByEventId(redacts);
      return;
    }
    const target = await this.d.store.messages.byEventId(redacts);
    if (!target || target.room_id !== ev.room_id || target.sender_mxid !== actor.userId) return;
    session = await this.d.logins.sessionFor(net, actor, portal);
    if (!session.redactMessage) notSupported(net, 'deleting messages');
    await session.redactMessage(portal, toMessageRef(target), actor);
  }
}
