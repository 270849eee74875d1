/**
 * Direct messages. Webhooks do not exist in DMs, so the bot opens one DM channel with the Discord
 * user and relays every Matrix user's message there as `**Name**: text`. Each Matrix user has
 * their own DM portal (receiver = their Matrix id); the Discord user's answers go to the portal
 * of the message they reply to, else to the Matrix user who wrote to them last, else (only one
 * correspondent) to that one. See README.md for the limits.
 */
import type { User } from 'discord.js';
import { BridgeError, type PortalInfo, type ResolvedChat } from '../../src/sdk';
import type { DiscordBot } from './client';
import { dmChatId, SNOWFLAKE } from './ids';

const LAST_KEY = (discordUserId: string) => `dm-last:${discordUserId}`;

export class DmRouter {
  /** Discord users already told that nobody on Matrix is listening (once per process). */
  private readonly told = new Set<string>();

  constructor(private readonly bot: DiscordBot) {}

  /** Matrix users (receivers) who have a DM portal with this Discord user. */
  async receivers(discordUserId: string): Promise<string[]> {
    const chat = dmChatId(discordUserId);
    const portals: PortalInfo[] = await this.bot.ctx.listPortals();
    return portals.filter((p) => p.chat.id === chat && p.chat.receiver).map((p) => p.chat.receiver as string);
  }

  /** The receiver whose DM portal holds message `messageId` (our relayed one or theirs). */
  async receiverOfMessage(discordUserId: string, messageId: string): Promise<string | null> {
    const chat = dmChatId(discordUserId);
    for (const receiver of await this.receivers(discordUserId)) {
      if (await this.bot.ctx.findMessage({ id: chat, receiver }, messageId)) return receiver;
    }
    return null;
  }

  /** Where a new message from the Discord user goes (see the file comment), or null. */
  async receiverFor(discordUserId: string, replyTo?: string): Promise<string | null> {
    const receivers = await this.receivers(discordUserId);
    if (receivers.length === 0) return null;
    if (replyTo) {
      const byReply = await this.receiverOfMessage(discordUserId, replyTo);
      if (byReply) return byReply;
    }
    const last = (await this.bot.ctx.kv.get(LAST_KEY(discordUserId)))?.toString('utf8');
    if (last && receivers.includes(last)) return last;
    return receivers.length === 1 ? (receivers[0] ?? null) : null;
  }

  /** Remembers the Matrix user who wrote last, for answers that are not replies. */
  async remember(discordUserId: string, matrixUserId: string): Promise<void> {
    await this.bot.ctx.kv.set(LAST_KEY(discordUserId), Buffer.from(matrixUserId, 'utf8'));
  }

  /** Tells a Discord user once why their DM goes nowhere. */
  async nobodyListening(user: User): Promise<void> {
    if (this.told.has(user.id)) return;
    this.told.add(user.id);
    await user
      .send({
        content:
          'I relay messages between Discord and Matrix. No Matrix user has a chat with you yet, so this message was not delivered.',
        allowedMentions: { parse: [] },
      })
      .catch(() => undefined);
  }

  /**
   * `start-chat discord <user id | name>` or inviting a ghost: finds a Discord user who shares a
   * bridged server with the bot (nobody else can be reached, and nobody else should be).
   */
  async resolve(identifier: string, matrixUserId: string): Promise<ResolvedChat> {
    const client = this.bot.ready();
    const wanted = identifier
      .trim()
      .replace(/^@/, '')
      .replace(/^<@!?(\d+)>$/, '$1');
    let user: User | undefined;
    const guilds = client.guilds.cache.filter((g) => this.bot.guildAllowed(g.id));
    if (SNOWFLAKE.test(wanted)) {
      for (const guild of guilds.values()) {
        const member = await guild.members.fetch(wanted).catch(() => null);
        if (member) {
          user = member.user;
          break;
        }
      }
    } else {
      const lower = wanted.toLowerCase();
      const found = new Map<string, User>();
      for (const guild of guilds.values()) {
        for (const m of guild.members.cache.values()) {
          const names = [m.user.username, m.user.globalName, m.nickname].filter((n): n is string => !!n);
          if (names.some((n) => n.toLowerCase() === lower)) found.set(m.id, m.user);
        }
      }
      if (found.size > 1) {
        const list = [...found.values()].map((u) => `${u.username} (${u.id})`).join(', ');
        throw new BridgeError(
          'invalid_input',
          `several Discord users are called ${wanted}: ${list}; use the id`,
        );
      }
      user = [...found.values()][0];
    }
    if (!user || user.bot) {
      throw new BridgeError('not_found', `no Discord user "${wanted}" shares a bridged server with the bot`);
    }
    const name = user.globalName ?? user.username;
    return {
      chat: { id: dmChatId(user.id), receiver: matrixUserId },
      info: { kind: 'dm', name, dmPartner: { id: user.id } },
      user: { id: user.id },
    };
  }
}
