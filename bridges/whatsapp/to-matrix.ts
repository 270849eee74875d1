/**
 * WhatsApp → Matrix: the driver's events of one login, turned into remote events for the core.
 * Events arrive one at a time in order (see WhatsAppClient), so a chat's message, its edit
 * and its revoke reach Matrix in that order.
 */
import type {
  LoginRecord,
  RemoteChatInfo,
  RemoteChatRef,
  RemoteEvent,
  RemoteMessageEvent,
  RemotePart,
  RemoteSender,
  RemoteUserInfo,
} from '../../src/sdk';
import type { Handlers, WhatsAppClient } from './client';
import type { WhatsAppContext } from './config';
import type { WAChat, WAGroupNotification, WAId, WAMessage, WAMessageAck, WAReaction } from './driver';
import { whatsappToMatrix, type MentionTarget } from './formatting';
import { authorOf, chatOf, fallbackName, isGroup, isUserChat, jidOf, STATUS_CHAT, userIdOf } from './ids';
import { isMediaType, mediaPart, profilePicture, type FetchLike } from './media';

const PROFILE_TTL_MS = 30 * 60_000;
/** Ghosts made for a new group's silent members; the rest appear when they speak. */
const MAX_MEMBER_SYNC = 100;

export class ToMatrix implements Handlers {
  private readonly profiles = new Map<WAId, { at: number; info: RemoteUserInfo }>();
  private readonly membersSynced = new Set<WAId>();
  private readonly lastRead = new Map<WAId, string>();

  constructor(
    private readonly ctx: WhatsAppContext,
    private readonly login: LoginRecord,
    private readonly client: WhatsAppClient,
    private readonly fetchUrl: FetchLike,
  ) {}

  private get me(): WAId {
    return this.client.driver.getClientInfo()?.wid._serialized ?? jidOf(this.login.remoteId) ?? '';
  }

  chatRef(jid: WAId): RemoteChatRef {
    return { id: jid, receiver: this.login.id };
  }

  /** The config's choice of chats; other broadcast lists and channels are never bridged. */
  wanted(chat: WAId): boolean {
    const { bridge_chats: which, bridge_status_broadcasts: status } = this.ctx.config;
    if (chat === STATUS_CHAT) return status;
    if (isGroup(chat)) return which !== 'dms';
    return isUserChat(chat) && which !== 'groups';
  }

  /** A user's profile: push name first (what they call themselves), then our address book. */
  async userInfo(jid: WAId, notifyName?: string): Promise<RemoteUserInfo> {
    const cached = this.profiles.get(jid);
    if (
      cached &&
      Date.now() - cached.at < PROFILE_TTL_MS &&
      (!notifyName || notifyName === cached.info.displayName)
    )
      return cached.info;
    const driver = this.client.driver;
    const contact = await driver.getContactById(jid).catch(() => null);
    const own = jid === this.me ? driver.getClientInfo()?.pushname : undefined;
    const displayName = notifyName || own || contact?.pushname || contact?.name || fallbackName(jid);
    const pic = await driver.getProfilePicUrl(jid).catch(() => undefined);
    const info: RemoteUserInfo = { displayName, ...profilePicture(pic, this.fetchUrl) };
    this.profiles.set(jid, { at: Date.now(), info });
    return info;
  }

  async sender(jid: WAId, notifyName?: string): Promise<RemoteSender> {
    const isFromMe = jid === this.me;
    return {
      id: userIdOf(jid),
      info: await this.userInfo(jid, notifyName),
      ...(isFromMe ? { isFromMe } : {}),
    };
  }

  /** Facts for the portal room: a DM is with its partner's ghost; a group has name, topic, members. */
  async chatInfo(jid: WAId): Promise<RemoteChatInfo> {
    if (jid === STATUS_CHAT)
      return { kind: 'group', name: 'WhatsApp Status', topic: 'Status updates of your contacts' };
    if (!isGroup(jid))
      return { kind: 'dm', dmPartner: { id: userIdOf(jid) }, name: (await this.userInfo(jid)).displayName };
    const chat = await this.client.driver.getChatById(jid).catch(() => null);
    const pic = await this.client.driver.getProfilePicUrl(jid).catch(() => undefined);
    const members = (chat?.participants ?? [])
      .map((p) => p.id._serialized)
      .filter((id) => id !== this.me)
      .map((id) => ({ id: userIdOf(id) }));
    return {
      kind: 'group',
      name: chat?.name || 'WhatsApp group',
      ...(chat?.description ? { topic: chat.description } : {}),
      members,
      ...profilePicture(pic, this.fetchUrl),
    };
  }

  // ---- messages ----------------------------------------------------------------------------

  message_create = async (msg: WAMessage): Promise<void> => {
    // Our own sends come back as message_create: recognised by id, never bridged twice.
    if (msg.fromMe && (await this.client.isOwnSend(msg.id._serialized))) return;
    await this.bridgeMessage(msg, false);
  };

  /** One message, live or from history (then with its original time and `backfill`). */
  async bridgeMessage(msg: WAMessage, backfill: boolean): Promise<boolean> {
    const chat = chatOf(msg);
    if (!this.wanted(chat)) return false;
    const event = await this.messageEvent(msg, backfill);
    if (!event) return false;
    const isNew = (await this.ctx.getPortal(event.chat)) === null;
    await this.ctx.emit(isNew ? { ...event, chatInfo: await this.chatInfo(chat) } : event);
    if (isNew && isGroup(chat)) await this.syncMembers(chat);
    return true;
  }

  /** A WhatsApp message as the core's message event; null for what is not bridged. */
  private async messageEvent(msg: WAMessage, backfill: boolean): Promise<RemoteMessageEvent | null> {
    const parts = await this.parts(msg);
    if (!parts) return null;
    const replyTo = msg.hasQuotedMsg ? await msg.getQuotedMessage().catch(() => undefined) : undefined;
    return {
      type: 'message',
      chat: this.chatRef(chatOf(msg)),
      sender: await this.sender(authorOf(msg, this.me), msg.fromMe ? undefined : msg._data.notifyName),
      id: msg.id._serialized,
      parts,
      timestamp: msg.timestamp * 1000,
      ...(replyTo ? { replyTo: replyTo.id._serialized } : {}),
      ...(backfill ? { backfill } : {}),
    };
  }

  /**
   * A new portal's history (SDK 1.3 `fetchHistory`): the chat's latest `backfill.messages`, so
   * a chat that comes back to life after the first login's backfill starts with its context.
   */
  async history(chatId: WAId): Promise<RemoteMessageEvent[]> {
    const limit = this.ctx.config.backfill.messages;
    if (limit <= 0 || !this.wanted(chatId)) return [];
    const chat = await this.client.driver.getChatById(chatId);
    const events: RemoteMessageEvent[] = [];
    for (const msg of chat ? await chat.fetchMessages({ limit }) : []) {
      const event = await this.messageEvent(msg, true);
      if (event) events.push(event);
    }
    return events;
  }

  async parts(msg: WAMessage): Promise<RemotePart[] | null> {
    if (msg.type === 'chat') return [await this.text(msg.body, msg.mentionedIds)];
    if (isMediaType(msg.type)) return [mediaPart(msg, this.login.id, this.ctx.config.max_media_bytes)];
    if (msg.type === 'location' && msg.location) {
      const { latitude, longitude, name, address } = msg.location;
      const description = [name, address].filter(Boolean).join(', ');
      return [{ kind: 'location', latitude, longitude, ...(description ? { description } : {}) }];
    }
    if (msg.type === 'vcard' || msg.type === 'multi_vcard') {
      const names = msg.vCards.map((v) => /^FN:(.*)$/m.exec(v)?.[1]?.trim() ?? 'contact');
      return [{ kind: 'text', text: `📇 Contact card: ${names.join(', ')}` }];
    }
    if (msg.type === 'poll_creation') return [{ kind: 'text', text: `📊 Poll: ${msg.body}` }];
    // Revoked, system and protocol messages, calls, reactions-as-messages: nothing to show.
    return null;
  }

  /** WhatsApp text with its markup and `@number` mentions → a text part with HTML and pills. */
  async text(body: string, mentionedIds: readonly WAId[]): Promise<RemotePart> {
    const targets: MentionTarget[] = [];
    for (const jid of mentionedIds) {
      const name = (await this.userInfo(jid)).displayName ?? fallbackName(jid);
      // Mentioning the login's own account points at its Matrix user, not at a ghost.
      const userId = jid === this.me ? this.login.userId : this.ctx.ghostUserId(userIdOf(jid));
      targets.push({ token: jid.split('@')[0] ?? '', name, userId });
    }
    const { text, html } = whatsappToMatrix(body, targets);
    const mentions = mentionedIds.filter((j) => j !== this.me).map((j) => ({ id: userIdOf(j) }));
    return { kind: 'text', text, ...(html ? { html } : {}), ...(mentions.length ? { mentions } : {}) };
  }

  message_edit = async (msg: WAMessage, newBody: string): Promise<void> => {
    const id = msg.id._serialized;
    if (msg.fromMe && this.client.take('edit', id)) return;
    const chat = chatOf(msg);
    if (!this.wanted(chat)) return;
    await this.ctx.emit({
      type: 'edit',
      chat: this.chatRef(chat),
      sender: await this.sender(authorOf(msg, this.me)),
      targetId: id,
      parts: [await this.text(newBody, msg.mentionedIds)],
    });
  };

  message_revoke_everyone = async (msg: WAMessage, before?: WAMessage | null): Promise<void> => {
    const id = msg.id._serialized;
    if (this.client.take('revoke', id)) return;
    const chat = chatOf(msg);
    if (!this.wanted(chat)) return;
    const sender = await this.sender(authorOf(before ?? msg, this.me));
    await this.ctx.emit({ type: 'redaction', chat: this.chatRef(chat), sender, targetId: id });
  };

  /**
   * WhatsApp keeps one reaction per person and message, and a removal carries no emoji: the
   * last one is remembered (module kv) to know which Matrix reaction to take back.
   */
  message_reaction = async (r: WAReaction): Promise<void> => {
    const target = r.msgId._serialized;
    const chat = r.msgId.remote;
    if (!this.wanted(chat)) return;
    const key = `reaction/${this.login.id}/${target}/${r.senderId}`;
    const previous = (await this.ctx.kv.get(key))?.toString();
    if (r.reaction) await this.ctx.kv.set(key, Buffer.from(r.reaction));
    else await this.ctx.kv.delete(key);
    if (r.senderId === this.me && this.client.take('react', `${target}\u0000${r.reaction}`)) return;
    const base = { chat: this.chatRef(chat), sender: await this.sender(r.senderId), targetId: target };
    const events: RemoteEvent[] = [];
    if (previous && previous !== r.reaction) events.push({ ...base, type: 'reaction_remove', key: previous });
    if (r.reaction && previous !== r.reaction) events.push({ ...base, type: 'reaction', key: r.reaction });
    for (const ev of events) await this.ctx.emit(ev);
  };

  /** Read receipts: WhatsApp tells us when a DM partner read (or played) our message. */
  message_ack = async (msg: WAMessage, ack: WAMessageAck): Promise<void> => {
    const chat = chatOf(msg);
    if (!msg.fromMe || ack < 3 || !isUserChat(chat) || !this.wanted(chat)) return;
    if (this.lastRead.get(chat) === msg.id._serialized) return;
    this.lastRead.set(chat, msg.id._serialized);
    if (!(await this.ctx.getPortal(this.chatRef(chat)))) return;
    const sender = { id: userIdOf(chat) };
    await this.ctx.emit({ type: 'read', chat: this.chatRef(chat), sender, upToId: msg.id._serialized });
  };

  /**
   * The user read a chat, on the phone or anywhere: their read receipt in the portal (the core
   * shows it only with double puppeting, as the Matrix user, so their clients count it as read).
   */
  unread_count = async (chat: WAChat): Promise<void> => {
    const id = chat.id._serialized;
    if (chat.unreadCount !== 0 || !chat.lastMessageId || !this.wanted(id)) return;
    if (!(await this.ctx.getPortal(this.chatRef(id)))) return;
    const sender = { id: userIdOf(this.me), isFromMe: true };
    await this.ctx.emit({ type: 'read', chat: this.chatRef(id), sender, upToId: chat.lastMessageId });
  };

  // ---- groups ------------------------------------------------------------------------------

  /** Group events only update existing portals: a rename alone does not create a room. */
  private async groupPortal(n: WAGroupNotification): Promise<RemoteChatRef | null> {
    const ref = this.chatRef(n.chatId);
    if (!this.wanted(n.chatId) || !(await this.ctx.getPortal(ref))) return null;
    return ref;
  }

  group_join = async (n: WAGroupNotification): Promise<void> => {
    const chat = await this.groupPortal(n);
    if (!chat) return;
    const sender = await this.sender(n.author || n.chatId);
    for (const id of n.recipientIds.filter((r) => r !== this.me)) {
      // Their profile first, so the ghost joins with a name.
      await this.ctx.emit({ type: 'user_info', user: { id: userIdOf(id) }, info: await this.userInfo(id) });
      await this.ctx.emit({ type: 'member', chat, sender, member: { id: userIdOf(id) }, membership: 'join' });
    }
  };

  group_leave = async (n: WAGroupNotification): Promise<void> => {
    const chat = await this.groupPortal(n);
    if (!chat) return;
    const sender = await this.sender(n.author || n.chatId);
    for (const id of n.recipientIds.filter((r) => r !== this.me)) {
      const membership = n.type === 'leave' || id === n.author ? 'leave' : 'kick';
      await this.ctx.emit({ type: 'member', chat, sender, member: { id: userIdOf(id) }, membership });
    }
  };

  group_update = async (n: WAGroupNotification): Promise<void> => {
    const chat = await this.groupPortal(n);
    if (!chat) return;
    const sender = await this.sender(n.author || n.chatId);
    if (n.type === 'subject')
      await this.ctx.emit({ type: 'chat_info', chat, sender, info: { name: n.body } });
    if (n.type === 'description')
      await this.ctx.emit({ type: 'chat_info', chat, sender, info: { topic: n.body } });
    if (n.type === 'picture') {
      const { avatarKey, fetchAvatar } = await this.chatInfo(n.chatId);
      const info = { ...(avatarKey ? { avatarKey } : {}), ...(fetchAvatar ? { fetchAvatar } : {}) };
      await this.ctx.emit({ type: 'chat_info', chat, sender, info });
    }
  };

  /** A new group room gets its members' ghosts (with names) right away, up to a cap. */
  private async syncMembers(jid: WAId): Promise<void> {
    if (this.membersSynced.has(jid)) return;
    this.membersSynced.add(jid);
    const chat = await this.client.driver.getChatById(jid).catch(() => null);
    const others = (chat?.participants ?? []).map((p) => p.id._serialized).filter((id) => id !== this.me);
    for (const id of others.slice(0, MAX_MEMBER_SYNC)) {
      const member = await this.sender(id);
      await this.ctx.emit({
        type: 'member',
        chat: this.chatRef(jid),
        sender: member,
        member,
        membership: 'join',
      });
    }
  }

  // ---- history -----------------------------------------------------------------------------

  /**
   * First login: the most recently active chats get their rooms, each through its newest
   * message; the core then asks `history` for the chat's latest messages and sends them first
   * (the newest one among them, so it is not sent twice).
   */
  async backfill(): Promise<void> {
    const { messages, chats } = this.ctx.config.backfill;
    if (messages > 0 && chats > 0) {
      const recent = (await this.client.driver.getChats())
        .filter((c) => this.wanted(c.id._serialized))
        .sort((a, b) => b.timestamp - a.timestamp)
        .slice(0, chats);
      for (const chat of recent) {
        const history = await chat.fetchMessages({ limit: messages }).catch((err: unknown) => {
          this.ctx.log.warn('backfill: could not fetch a chat', { error: String(err) });
          return [];
        });
        for (const msg of [...history].reverse()) if (await this.bridgeMessage(msg, true)) break;
      }
    }
    await this.ctx.updateLogin(this.login.id, { metadata: { backfilled: true } });
  }
}
