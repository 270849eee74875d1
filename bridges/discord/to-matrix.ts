/**
 * Discord message → the parts of a Matrix message: text through the markdown converter (with
 * mentions resolved to names and ghost pills), rich embeds as notices, attachments and stickers
 * as media; and Discord users (or foreign webhooks) as ghost senders with name and avatar.
 */
import { MessageType, type Guild, type Message, type PartialMessage, type User } from 'discord.js';
import type { RemotePart, RemoteSender, RemoteUserInfo } from '../../src/sdk';
import type { DiscordBot } from './client';
import { mediaHosts } from './config';
import { webhookGhostId } from './ids';
import { parseDiscordMarkdown } from './markdown';
import { collectIds, hasFormatting, renderHtml, renderPlain, type RenderNames } from './markdown-render';
import { attachmentPart, fetchMedia, stickerPart } from './media';

/** Message types that carry what people wrote; joins, pins, boosts and the like are not bridged. */
const BRIDGED_TYPES: ReadonlySet<MessageType> = new Set([
  MessageType.Default,
  MessageType.Reply,
  MessageType.ChatInputCommand,
  MessageType.ContextMenuCommand,
]);

export const isBridgedType = (m: Message | PartialMessage): boolean =>
  m.type !== null && BRIDGED_TYPES.has(m.type);

export class ToMatrixContent {
  private readonly hosts: ReadonlySet<string>;

  constructor(private readonly bot: DiscordBot) {
    this.hosts = mediaHosts(bot.ctx.config);
  }

  /** A Discord user's ghost profile: global display name and avatar (fetched only when it changed). */
  userInfo(user: User): RemoteUserInfo {
    const url = user.displayAvatarURL({ extension: 'png', size: 256 });
    return {
      displayName: user.globalName ?? user.username,
      avatarKey: user.avatar ?? `default:${url}`,
      fetchAvatar: () =>
        fetchMedia({ url, mimetype: 'image/png', filename: 'avatar.png' }, this.hosts, 8 << 20),
    };
  }

  /** The ghost that speaks for a message: its author, or a per-name ghost for foreign webhooks. */
  sender(m: Message): RemoteSender {
    if (m.webhookId) {
      const url = m.author.displayAvatarURL({ extension: 'png', size: 256 });
      return {
        id: webhookGhostId(m.webhookId, m.author.username),
        info: {
          displayName: m.author.username,
          avatarKey: m.author.avatar ?? `default:${url}`,
          fetchAvatar: () =>
            fetchMedia({ url, mimetype: 'image/png', filename: 'avatar.png' }, this.hosts, 8 << 20),
        },
      };
    }
    return { id: m.author.id, info: this.userInfo(m.author) };
  }

  /** All parts of a message, text first. Empty when there is nothing to show. */
  async parts(m: Message): Promise<RemotePart[]> {
    const parts: RemotePart[] = [];
    const text = await this.text(m.content, m.guild);
    if (text) parts.push(text);
    for (const snapshot of m.messageSnapshots.values()) {
      const forwarded = await this.text(`-# ↪ forwarded\n${snapshot.content ?? ''}`, m.guild);
      if (forwarded) parts.push(forwarded);
      for (const a of snapshot.attachments?.values() ?? []) parts.push(attachmentPart(a, m, this.hosts));
    }
    for (const embed of m.embeds) {
      // Link previews are rebuilt by Matrix clients; only bots' rich embeds carry content of their own.
      if (embed.data.type !== 'rich') continue;
      const lines = [
        embed.title && `**${embed.title}**`,
        embed.description,
        ...embed.fields.map((f) => `**${f.name}**: ${f.value}`),
      ];
      const part = await this.text(lines.filter(Boolean).join('\n'), m.guild);
      if (part && part.kind === 'text') parts.push({ ...part, msgtype: 'notice' });
    }
    for (const a of m.attachments.values()) parts.push(attachmentPart(a, m, this.hosts));
    for (const s of m.stickers.values()) parts.push(stickerPart(s, this.hosts));
    return parts;
  }

  /** Discord markdown → a text part: plain body, HTML when there is formatting, mentioned ghosts. */
  async text(content: string, guild: Guild | null): Promise<RemotePart | null> {
    if (!content.trim()) return null;
    const nodes = parseDiscordMarkdown(content);
    const names = await this.names(collectIds(nodes), guild);
    const html = hasFormatting(nodes) ? renderHtml(nodes, names.render) : undefined;
    return {
      kind: 'text',
      text: renderPlain(nodes, names.render),
      ...(html !== undefined ? { html } : {}),
      ...(names.ghosts.length > 0 ? { mentions: names.ghosts.map((id) => ({ id })) } : {}),
    };
  }

  /**
   * A custom emoji's image in the media repository, uploaded once per emoji (ids never change
   * their image); null when Discord's CDN does not give it, and the text keeps `:name:`.
   */
  private async emoji(id: string, animated: boolean): Promise<string | null> {
    const cdn = this.bot.client?.rest.cdn;
    if (!cdn || !/^\d{1,20}$/.test(id)) return null;
    const extension = animated ? 'gif' : 'png';
    const ref = {
      url: cdn.emoji(id, { extension }),
      mimetype: `image/${extension}`,
      filename: `${id}.${extension}`,
    };
    return this.bot.ctx
      .uploadMedia(`emoji:${id}`, () => fetchMedia(ref, this.hosts, 1 << 20))
      .catch((err: unknown) => {
        this.bot.ctx.log.debug('custom emoji not uploaded', { id, error: String(err) });
        return null;
      });
  }

  /** Resolves the ids a message mentions (cache first, REST for unknown users). */
  private async names(ids: ReturnType<typeof collectIds>, guild: Guild | null) {
    const { ctx } = this.bot;
    const client = this.bot.client;
    const users = new Map<string, { name: string; mxid?: string }>();
    for (const id of ids.users) {
      const member = guild?.members.cache.get(id);
      const user =
        member?.user ?? client?.users.cache.get(id) ?? (await client?.users.fetch(id).catch(() => null));
      const name = member?.displayName ?? user?.globalName ?? user?.username ?? 'unknown-user';
      // The bot's own account is not a ghost; a mention of it stays text.
      users.set(id, user && id !== this.bot.selfId ? { name, mxid: ctx.ghostUserId(id) } : { name });
    }
    const channels = new Map<string, { name: string; href?: string }>();
    for (const id of ids.channels) {
      const channel = client?.channels.cache.get(id);
      const name = channel && 'name' in channel && channel.name ? channel.name : 'unknown-channel';
      const portal = await ctx.getPortal({ id }).catch(() => null);
      channels.set(id, portal ? { name, href: `https://matrix.to/#/${portal.roomId}` } : { name });
    }
    const emojis = new Map<string, string>();
    for (const [id, animated] of ids.emojis) {
      const mxc = await this.emoji(id, animated);
      if (mxc) emojis.set(id, mxc);
    }
    const render: RenderNames = {
      user: (id) => users.get(id) ?? { name: 'unknown-user' },
      channel: (id) => channels.get(id) ?? { name: 'unknown-channel' },
      role: (id) => guild?.roles.cache.get(id)?.name ?? 'unknown-role',
      emoji: (id) => emojis.get(id),
    };
    const ghosts = [...users.entries()].filter(([, u]) => u.mxid).map(([id]) => id);
    return { render, ghosts };
  }
}
