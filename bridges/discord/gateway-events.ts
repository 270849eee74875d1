/**
 * Gateway events → remote events for the core. Events of one channel are handled one after the
 * other (a message, then its edit, then its deletion) because handling awaits lookups; without
 * the queue a quick edit could overtake its message. Our own echoes are dropped here: messages
 * by the bot user or by one of our webhooks, reactions by the bot, deletions we made.
 */
import {
  ChannelType,
  Events,
  type Client,
  type Message,
  type MessageReaction,
  type PartialMessage,
  type PartialMessageReaction,
  type PartialUser,
  type User,
} from 'discord.js';
import type { RemoteChatRef, RemoteEvent, RemoteMessageEvent } from '../../src/sdk';
import { isBridgeable, type DiscordBot } from './client';
import type { DmRouter } from './dm';
import type { Guilds } from './guilds';
import { dmChatId, dmPartnerOf, isSpaceChat, reactionKey } from './ids';
import { Nicknames } from './nicknames';
import { isBridgedType, ToMatrixContent } from './to-matrix';
import type { WebhookPool } from './webhooks';

type AnyMessage = Message | PartialMessage;
/** Where an event goes: the chat, and the Matrix thread root for a thread without its own portal. */
type Target = { chat: RemoteChatRef; threadRoot?: string };

/** The message a Discord message replies to, when it is in the same channel. */
const replyOf = (m: Message): string | undefined =>
  m.reference?.messageId && m.reference.channelId === m.channelId ? m.reference.messageId : undefined;

export class GatewayEvents {
  private readonly content: ToMatrixContent;
  private readonly names: Nicknames;
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly bot: DiscordBot,
    private readonly guilds: Guilds,
    private readonly webhooks: WebhookPool,
    private readonly dms: DmRouter,
  ) {
    this.content = new ToMatrixContent(bot);
    this.names = new Nicknames(bot);
  }

  attach(client: Client): void {
    // Queued per channel (member changes per guild): order matters within one, not across them.
    const on = (key: string, what: string, fn: () => Promise<void>) => this.serial(key, what, fn);
    client.on(Events.MessageCreate, (m) => on(m.channelId, 'message', () => this.message(m)));
    client.on(Events.MessageUpdate, (_old, m) => on(m.channelId, 'edit', () => this.edit(_old, m)));
    client.on(Events.MessageDelete, (m) => on(m.channelId, 'delete', () => this.deleted(m)));
    client.on(Events.MessageBulkDelete, (ms) => {
      for (const m of ms.values()) void on(m.channelId, 'delete', () => this.deleted(m));
    });
    client.on(Events.MessageReactionAdd, (r, u) =>
      on(r.message.channelId, 'react', () => this.reaction(r, u, true)),
    );
    client.on(Events.MessageReactionRemove, (r, u) =>
      on(r.message.channelId, 'unreact', () => this.reaction(r, u, false)),
    );
    client.on(Events.TypingStart, (t) => on(t.channel.id, 'typing', () => this.typing(t.channel.id, t.user)));
    client.on(Events.ChannelUpdate, (_o, c) => on(c.id, 'channel', () => this.channelInfo(c.id)));
    client.on(Events.ThreadUpdate, (_o, c) => on(c.id, 'thread', () => this.channelInfo(c.id)));
    client.on(Events.GuildUpdate, (_o, g) =>
      on(`space:${g.id}`, 'guild', () => this.renameSpace(g.id, g.name)),
    );
    client.on(Events.GuildMemberAdd, (m) =>
      on(m.guild.id, 'join', () => this.membership(m.id, m.guild.id, 'join')),
    );
    client.on(Events.GuildMemberRemove, (m) =>
      on(m.guild.id, 'leave', () => this.membership(m.id, m.guild.id, 'leave')),
    );
    // Nicknames: a member first seen after GUILD_CREATE (large guilds) arrives as "available".
    client.on(Events.GuildMemberUpdate, (old, m) => {
      if (old.partial || old.nickname !== m.nickname)
        void on(m.guild.id, 'nick', () => this.names.changed(m));
    });
    client.on(Events.GuildMemberAvailable, (m) => on(m.guild.id, 'nick', () => this.names.changed(m)));
    client.on(Events.UserUpdate, (_o, u) => on(`user:${u.id}`, 'user', () => this.userInfo(u)));
    client.on(Events.ClientReady, () => void on('startup', 'sync', () => this.syncPortals()));
  }

  private serial(key: string, what: string, fn: () => Promise<void>): Promise<void> {
    const run = (this.queues.get(key) ?? Promise.resolve())
      .then(fn)
      .catch((err: unknown) =>
        this.bot.ctx.log.warn('Discord event not bridged', { what, error: String(err) }),
      );
    this.queues.set(key, run);
    void run.then(() => this.queues.get(key) === run && this.queues.delete(key));
    return run;
  }

  private emit(ev: RemoteEvent): Promise<void> {
    return this.bot.ctx.emit(ev);
  }

  /** Our own messages come back from the gateway: sent by the bot, or through one of our webhooks. */
  private async isEcho(m: Message): Promise<boolean> {
    if (m.author.id === this.bot.selfId) return true;
    return !!m.webhookId && (await this.webhooks.isOurs(m.webhookId));
  }

  /**
   * The chat of an event in a channel. In a DM, `pick` chooses the Matrix user whose DM portal
   * it goes to (by the message replied to or concerned, else the latest correspondent).
   */
  private async target(
    channelId: string,
    pick: (partner: string) => Promise<string | null> = (p) => this.dms.receiverFor(p),
  ): Promise<Target | null> {
    const client = this.bot.client;
    const channel =
      client?.channels.cache.get(channelId) ?? (await client?.channels.fetch(channelId).catch(() => null));
    if (!channel) return null;
    if (channel.isDMBased()) {
      const partner = 'recipientId' in channel ? channel.recipientId : null;
      const receiver = partner ? await pick(partner) : null;
      return partner && receiver ? { chat: { id: dmChatId(partner), receiver } } : null;
    }
    if (!isBridgeable(channel)) return null;
    const route = await this.guilds.route(channel);
    return route
      ? { chat: { id: route.chatId }, ...(route.threadRoot ? { threadRoot: route.threadRoot } : {}) }
      : null;
  }

  /** For events about an existing message: in a DM, the portal that has the message. */
  private about(messageId: string) {
    return async (partner: string) =>
      (await this.dms.receiverOfMessage(partner, messageId)) ?? (await this.dms.receiverFor(partner));
  }

  private async message(m: Message): Promise<void> {
    if (!isBridgedType(m) || (await this.isEcho(m))) return;
    const replyTo = replyOf(m);
    const target = await this.target(m.channelId, (p) => this.dms.receiverFor(p, replyTo));
    if (!target) {
      if (m.channel.isDMBased() && !m.author.bot) await this.dms.nobodyListening(m.author);
      return;
    }
    const event = await this.messageEvent(m, target);
    if (!event) return;
    await this.emit(event);
    // After the message: the core applies the global profile it carries before this room's name.
    if (m.member && !m.webhookId && !target.chat.receiver) await this.names.seen(m.member, target.chat);
  }

  /** A Discord message as the core's message event in `target`; null when it shows nothing. */
  private async messageEvent(m: Message, target: Target): Promise<RemoteMessageEvent | null> {
    const replyTo = replyOf(m);
    const parts = await this.content.parts(m);
    if (parts.length === 0) return null;
    // A reply to a Matrix user's message notifies them (the core takes a Matrix id as a mention).
    const replied = replyTo ? await this.bot.ctx.findMessage(target.chat, replyTo) : null;
    const text = parts[0];
    if (replied?.matrixSender && text?.kind === 'text') {
      parts[0] = { ...text, mentions: [...(text.mentions ?? []), { id: replied.matrixSender }] };
    }
    return {
      type: 'message',
      chat: target.chat,
      sender: this.content.sender(m),
      id: m.id,
      parts,
      timestamp: m.createdTimestamp,
      ...(replyTo ? { replyTo } : {}),
      ...(target.threadRoot ? { threadRoot: target.threadRoot } : {}),
      ...(target.chat.receiver ? { chatInfo: { kind: 'dm', dmPartner: { id: m.author.id } } } : {}),
    };
  }

  /**
   * A new channel portal's history (SDK 1.3 `fetchHistory`): the channel's latest `limit`
   * messages, oldest first, without our own webhook's and bot's (Matrix users' messages from an
   * earlier portal). DMs start empty: their history is the bot's, not the Matrix user's.
   */
  async history(chat: RemoteChatRef, limit: number): Promise<RemoteMessageEvent[]> {
    if (chat.receiver || limit <= 0) return [];
    const target = await this.target(chat.id);
    const channel = this.bot.client?.channels.cache.get(chat.id);
    if (!target || target.chat.id !== chat.id || !channel?.isTextBased()) return [];
    const fetched = await channel.messages.fetch({ limit });
    const events: RemoteMessageEvent[] = [];
    for (const m of [...fetched.values()].reverse()) {
      if (!isBridgedType(m) || (await this.isEcho(m))) continue;
      const event = await this.messageEvent(m, target);
      if (event) events.push(event);
    }
    return events;
  }

  private async edit(old: AnyMessage, updated: AnyMessage): Promise<void> {
    const m = updated.partial ? await updated.fetch().catch(() => null) : updated;
    if (!m || !isBridgedType(m) || (await this.isEcho(m))) return;
    // Embeds resolving also update a message; only a changed text is an edit.
    if ((!old.partial && old.content === m.content) || !m.editedTimestamp) return;
    const target = await this.target(m.channelId, this.about(m.id));
    const part = await this.content.text(m.content, m.guild);
    if (!target || !part) return;
    await this.emit({
      type: 'edit',
      chat: target.chat,
      sender: this.content.sender(m),
      targetId: m.id,
      editId: `${m.id}:${m.editedTimestamp}`,
      parts: [part],
    });
  }

  private async deleted(m: AnyMessage): Promise<void> {
    if (this.bot.ownDeletes.delete(m.id)) return;
    const target = await this.target(m.channelId, this.about(m.id));
    if (!target) return;
    // Who deleted is not reported; the author if known, else the bot's account stands in (a moderator).
    const known = await this.bot.ctx.findMessage(target.chat, m.id);
    const sender = known?.remoteSender ?? (m.author && !m.webhookId ? m.author.id : this.bot.selfId);
    if (!sender) return;
    await this.emit({ type: 'redaction', chat: target.chat, sender: { id: sender }, targetId: m.id });
  }

  private async reaction(
    r: MessageReaction | PartialMessageReaction,
    user: User | PartialUser,
    added: boolean,
  ): Promise<void> {
    if (user.id === this.bot.selfId) return;
    const target = await this.target(r.message.channelId, this.about(r.message.id));
    if (!target) return;
    const full = user.partial ? await user.fetch().catch(() => null) : user;
    const sender = { id: user.id, ...(full ? { info: this.content.userInfo(full) } : {}) };
    const key = reactionKey(r.emoji);
    if (!key) return;
    await this.emit(
      added
        ? { type: 'reaction', chat: target.chat, sender, targetId: r.message.id, key }
        : { type: 'reaction_remove', chat: target.chat, sender, targetId: r.message.id, key },
    );
    const member = r.message.guild?.members.cache.get(user.id);
    if (member && !target.chat.receiver) await this.names.seen(member, target.chat);
  }

  private async typing(channelId: string, user: User | PartialUser): Promise<void> {
    if (user.id === this.bot.selfId) return;
    const target = await this.target(channelId);
    if (!target || target.threadRoot) return;
    await this.emit({ type: 'typing', chat: target.chat, sender: { id: user.id }, typing: true });
  }

  /** Name, topic and category (space) of a bridged channel. */
  private async channelInfo(channelId: string): Promise<void> {
    const channel = this.bot.client?.channels.cache.get(channelId);
    const self = this.bot.selfId;
    if (!channel || !self) return;
    if (
      !channel.isDMBased() &&
      channel.type === ChannelType.GuildCategory &&
      this.bot.guildAllowed(channel.guildId)
    ) {
      return this.renameSpace(channel.id, channel.name);
    }
    if (!isBridgeable(channel) || !this.bot.guildAllowed(channel.guildId)) return;
    if (!(await this.guilds.hasPortal(channel.id))) return;
    const info = this.guilds.chatInfo(channel);
    await this.emit({
      type: 'chat_info',
      chat: { id: channel.id },
      sender: { id: self },
      info: { ...info, topic: info.topic ?? '' },
    });
  }

  /** A guild or category renamed: its space room follows (the core keeps spaces as `space:<id>`). */
  private async renameSpace(id: string, name: string): Promise<void> {
    const self = this.bot.selfId;
    if (!self || !(await this.bot.ctx.getPortal({ id: `space:${id}` }))) return;
    await this.emit({ type: 'chat_info', chat: { id: `space:${id}` }, sender: { id: self }, info: { name } });
  }

  /** A member joined or left the guild: their ghost joins or leaves the guild's portals. */
  private async membership(userId: string, guildId: string, membership: 'join' | 'leave'): Promise<void> {
    const guild = this.bot.guild(guildId);
    if (!guild || !this.bot.guildAllowed(guildId) || userId === this.bot.selfId) return;
    const member = guild.members.cache.get(userId);
    const portals =
      membership === 'join' && member
        ? await this.guilds.visiblePortals(member)
        : (await this.guilds.guildPortals(guild)).map((p) => p.portal);
    const sender = { id: userId, ...(member ? { info: this.content.userInfo(member.user) } : {}) };
    for (const portal of portals) {
      await this.emit({ type: 'member', chat: portal.chat, sender, member: { id: userId }, membership });
      if (membership === 'join' && member) await this.names.seen(member, portal.chat);
    }
    if (membership === 'leave') await this.names.left(userId, guildId);
  }

  /** The global profile (the core keeps the nicknames set per room across it). */
  private async userInfo(user: User): Promise<void> {
    await this.emit({ type: 'user_info', user: { id: user.id }, info: this.content.userInfo(user) });
  }

  /** On (re)connect: portals pick up renames, topic changes and category moves made meanwhile. */
  private async syncPortals(): Promise<void> {
    for (const portal of await this.bot.ctx.listPortals()) {
      const id = portal.chat.id;
      if (isSpaceChat(id) || dmPartnerOf(id)) continue;
      await this.bot.client?.channels.fetch(id).catch(() => null);
      await this.channelInfo(id);
    }
  }
}
