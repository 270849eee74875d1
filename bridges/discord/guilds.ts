/**
 * Guilds and channels as Matrix rooms: chat facts (name, topic, the guild space and the category
 * sub-space), portals on demand through aliases, which chat a channel's events go to (a thread
 * without its own portal goes to its parent's room as a Matrix thread), and member fan-out.
 */
import type { Guild, GuildBasedChannel, GuildMember, PartialGuildMember } from 'discord.js';
import type { PortalInfo, RemoteChatInfo, ResolvedChat } from '../../src/sdk';
import { isBridgeable, type DiscordBot } from './client';
import { dmPartnerOf, isSpaceChat, parseAliasLocalpart } from './ids';

/** A space as the core's portals take it; `parent` nests a category space in its guild's. */
export interface SpaceInfo {
  readonly id: string;
  readonly name: string;
  readonly parent?: SpaceInfo;
}

/** Where a channel's events go: its own portal, or its parent's with the thread as Matrix thread. */
export interface Route {
  readonly chatId: string;
  readonly threadRoot?: string;
}

export class Guilds {
  /** Chat ids known to have a portal (portals are not deleted, so positive answers are kept). */
  private readonly portals = new Set<string>();

  constructor(private readonly bot: DiscordBot) {}

  /** The guild space, or the category space inside it. Threads share their parent's space. */
  spaceOf(channel: GuildBasedChannel): SpaceInfo {
    const guild: SpaceInfo = { id: channel.guild.id, name: channel.guild.name };
    const holder = channel.isThread() ? channel.parent : channel;
    const category = holder?.parent;
    return category ? { id: category.id, name: category.name, parent: guild } : guild;
  }

  chatInfo(channel: GuildBasedChannel): RemoteChatInfo {
    const topic = 'topic' in channel && typeof channel.topic === 'string' ? channel.topic : undefined;
    const space: SpaceInfo = this.spaceOf(channel);
    return { kind: 'channel', name: channel.name, ...(topic ? { topic } : {}), space };
  }

  /** `#<prefix><guild id>_<channel id>`: a bridgeable channel of an allowed guild becomes a portal. */
  async resolveAlias(localpart: string): Promise<ResolvedChat | null> {
    const ids = parseAliasLocalpart(localpart);
    if (!ids || !this.bot.ctx.config.portals_on_demand || !this.bot.guildAllowed(ids.guildId)) return null;
    const client = this.bot.client;
    if (!client?.isReady()) return null;
    const channel = await client.channels.fetch(ids.channelId).catch(() => null);
    if (!channel || !isBridgeable(channel) || channel.guildId !== ids.guildId) return null;
    this.portals.add(channel.id);
    return { chat: { id: channel.id }, info: this.chatInfo(channel) };
  }

  async hasPortal(chatId: string): Promise<boolean> {
    if (this.portals.has(chatId)) return true;
    const found = !!(await this.bot.ctx.getPortal({ id: chatId }));
    if (found) this.portals.add(chatId);
    return found;
  }

  /**
   * The chat for an event in `channel`, or null when it is not bridged. A thread goes to its own
   * portal if it has one, else into its parent's room (Discord gives a thread started from a
   * message that message's id, so the thread id is the Matrix thread root).
   */
  async route(channel: GuildBasedChannel): Promise<Route | null> {
    if (!this.bot.guildAllowed(channel.guildId)) return null;
    if (await this.hasPortal(channel.id)) return { chatId: channel.id };
    if (channel.isThread() && channel.parentId && (await this.hasPortal(channel.parentId))) {
      return { chatId: channel.parentId, threadRoot: channel.id };
    }
    return null;
  }

  /** Portals of a guild's channels (not threads, spaces or DMs), for member joins and leaves. */
  async guildPortals(guild: Guild): Promise<{ portal: PortalInfo; channel: GuildBasedChannel }[]> {
    const out: { portal: PortalInfo; channel: GuildBasedChannel }[] = [];
    for (const portal of await this.bot.ctx.listPortals()) {
      const id = portal.chat.id;
      if (isSpaceChat(id) || dmPartnerOf(id)) continue;
      const channel = guild.channels.cache.get(id);
      if (channel && !channel.isThread()) out.push({ portal, channel });
    }
    return out;
  }

  /** The guild portals a member can read (Discord's ViewChannel), where their ghost belongs. */
  async visiblePortals(member: GuildMember | PartialGuildMember): Promise<PortalInfo[]> {
    const all = await this.guildPortals(member.guild);
    return all
      .filter(({ channel }) => member.partial || channel.permissionsFor(member)?.has('ViewChannel') !== false)
      .map((p) => p.portal);
  }
}
