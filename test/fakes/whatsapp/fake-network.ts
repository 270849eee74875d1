import type { WAId, WAMedia, WAMessage } from '../../../bridges/whatsapp/driver';
import type { FakeDriverControl } from './control-api';
import { userId } from './wa-ids';

/**
 * WhatsApp itself, for fakes: logged-in FakeWhatsAppDrivers register here by their own id, and
 * whatever one sends (or writes from its "phone") arrives at the others as an incoming message,
 * with the same protocol id, as `false_<sender>_<id>` in DMs and
 * `false_<group>_<id>_<author>` in groups. Edits, revokes and reactions follow by protocol id.
 * Peers are typed by their control API (FakeDriverControl), which is all the network uses.
 */
export class FakeWhatsAppNetwork {
  private readonly online = new Map<WAId, FakeDriverControl>();
  private readonly groups = new Map<WAId, { subject: string; members: WAId[] }>();
  private groupCounter = 0;

  /** Phone numbers that exist on WhatsApp without a logged-in fake (for getNumberId). */
  readonly registered = new Set<WAId>();

  isRegistered(id: WAId): boolean {
    return this.registered.has(id) || this.online.has(id);
  }

  /** Creates a group; members who are online now or later see it in their chats. */
  createGroup(subject: string, memberPhones: string[], adminPhones: string[] = []): WAId {
    this.groupCounter += 1;
    const id = `120363${String(this.groupCounter).padStart(12, '0')}@g.us`;
    const members = memberPhones.map(userId);
    const admins = adminPhones.map(userId);
    this.groups.set(id, { subject, members });
    for (const member of members)
      this.online.get(member)?.addGroup({ id, subject, participants: members, admins });
    return id;
  }

  /** Called by a driver when it becomes ready. */
  attach(driver: FakeDriverControl): void {
    const me = driver.ownId;
    if (me === undefined) return;
    this.online.set(me, driver);
    for (const [id, group] of this.groups) {
      if (group.members.includes(me))
        driver.addGroup({ id, subject: group.subject, participants: group.members });
    }
  }

  detach(driver: FakeDriverControl): void {
    const me = driver.ownId;
    if (me !== undefined && this.online.get(me) === driver) this.online.delete(me);
  }

  routeMessage(sender: FakeDriverControl, msg: WAMessage, media: WAMedia | undefined): void {
    const from = sender.ownId;
    if (from === undefined) return;
    for (const peer of this.recipients(from, msg.to)) {
      const isGroup = msg.to.endsWith('@g.us');
      const quoted = msg._data.quotedStanzaID;
      const quotedHere = quoted === undefined ? undefined : peer.messageByProtocolId(quoted)?.id._serialized;
      peer.incomingMessage({
        from: isGroup ? msg.to : from,
        ...(isGroup ? { author: from } : {}),
        body: msg.body,
        type: msg.type,
        id: msg.id.id,
        timestamp: msg.timestamp,
        mentionedIds: msg.mentionedIds,
        ...(quotedHere === undefined ? {} : { quoted: quotedHere }),
        ...(sender.pushname === undefined ? {} : { notifyName: sender.pushname }),
        ...(msg.location === undefined ? {} : { location: msg.location }),
        ...(media === undefined ? {} : { media }),
      });
    }
  }

  routeEdit(sender: FakeDriverControl, protocolId: string, newBody: string): void {
    this.forEachCopy(sender, protocolId, (peer, id) => peer.editMessage(id, newBody));
  }

  routeRevoke(sender: FakeDriverControl, protocolId: string): void {
    this.forEachCopy(sender, protocolId, (peer, id) => peer.revokeMessage(id));
  }

  routeReaction(sender: FakeDriverControl, protocolId: string, reaction: string): void {
    const senderId = sender.ownId;
    if (senderId === undefined) return;
    this.forEachCopy(sender, protocolId, (peer, messageId) =>
      peer.reactToMessage({ messageId, senderId, reaction }),
    );
  }

  private recipients(from: WAId, chat: WAId): FakeDriverControl[] {
    const ids = chat.endsWith('@g.us') ? (this.groups.get(chat)?.members ?? []) : [chat];
    return ids.filter((id) => id !== from).flatMap((id) => this.online.get(id) ?? []);
  }

  private forEachCopy(
    sender: FakeDriverControl,
    protocolId: string,
    apply: (peer: FakeDriverControl, id: string) => void,
  ): void {
    for (const peer of this.online.values()) {
      if (peer === sender) continue;
      const copy = peer.messageByProtocolId(protocolId);
      if (copy) apply(peer, copy.id._serialized);
    }
  }
}
