/**
 * Server nicknames as per-room display names. A ghost's global profile carries the Discord user's
 * global name; in the rooms of a guild where they have a nickname, their `m.room.member` shows the
 * nickname instead (a `user_info` event naming the chat; naming the chat with the global name
 * removes it). What each room was last given is kept in the module's key-value store, so a name is
 * sent only when it changes, and a nickname change reaches every room the ghost was seen in, also
 * after a restart.
 *
 * A change of the global profile needs nothing here: the core keeps per-room names across it
 * (Synapse rewrites every membership with the global profile, and the core sets the room's name
 * again after that rewrite).
 */
import type { GuildMember, PartialGuildMember } from 'discord.js';
import { SerialByKey, type RemoteChatRef } from '../../src/sdk';
import type { DiscordBot } from './client';

/** The nickname a room shows for a ghost; null: the global name. */
interface RoomName {
  readonly name: string | null;
}

type Member = GuildMember | PartialGuildMember;

/** Rooms (guild portals) a user's ghost was seen in: `nick:<user>:<guild>:<chat>`. */
const key = (userId: string, guildId: string, chatId: string) => `nick:${userId}:${guildId}:${chatId}`;

export class Nicknames {
  /** Records read or written in this process, by kv key (bounded; the kv store is the truth). */
  private readonly cache = new Map<string, RoomName | null>();
  /** One user's records change one at a time (messages and member updates arrive on other queues). */
  private readonly queues = new SerialByKey();

  constructor(private readonly bot: DiscordBot) {}

  /** The member's ghost is in `chat` (spoke, reacted, joined): give the room their name there. */
  seen(member: Member, chat: RemoteChatRef): Promise<void> {
    if (member.id === this.bot.selfId) return Promise.resolve();
    return this.queues.run(member.id, () => this.apply(member, member.guild.id, chat.id));
  }

  /** The nickname changed: every room of the guild the ghost was seen in follows. */
  changed(member: Member): Promise<void> {
    return this.queues.run(member.id, async () => {
      for (const room of await this.rooms(member.id, member.guild.id)) {
        await this.apply(member, room.guildId, room.chatId);
      }
    });
  }

  /** Left the guild: its ghost left those rooms, and a later join starts from the global name. */
  left(userId: string, guildId: string): Promise<void> {
    return this.queues.run(userId, async () => {
      for (const room of await this.rooms(userId, guildId)) {
        const k = key(userId, guildId, room.chatId);
        this.cache.delete(k);
        await this.bot.ctx.kv.delete(k);
      }
    });
  }

  /** The rooms the user's ghost was seen in, in one guild. */
  private async rooms(userId: string, guildId: string): Promise<{ guildId: string; chatId: string }[]> {
    const keys = await this.bot.ctx.kv.list(`nick:${userId}:${guildId}:`);
    // Snowflakes hold no ':', so a key splits back into its parts.
    return keys.flatMap((k) => {
      const [, , guild, chat] = k.split(':');
      return guild && chat ? [{ guildId: guild, chatId: chat }] : [];
    });
  }

  /** Sends the room its name for the ghost when the room shows another one. */
  private async apply(member: Member, guildId: string, chatId: string): Promise<void> {
    const user = member.user;
    const k = key(user.id, guildId, chatId);
    const stored = await this.read(k);
    // A ghost joins with its global name; the core keeps a nickname through profile changes.
    const shows = stored?.name ?? null;
    const want = member.nickname ?? null;
    if (stored && want === shows) return;
    if (want !== shows) {
      await this.bot.ctx.emit({
        type: 'user_info',
        user: { id: user.id },
        info: { displayName: want ?? user.displayName },
        chat: { id: chatId },
      });
    }
    const next: RoomName = { name: want };
    await this.bot.ctx.kv.set(k, Buffer.from(JSON.stringify(next)));
    this.remember(k, next);
  }

  private async read(k: string): Promise<RoomName | null> {
    const cached = this.cache.get(k);
    if (cached !== undefined) return cached;
    const raw = await this.bot.ctx.kv.get(k);
    const parsed = raw ? (JSON.parse(raw.toString('utf8')) as RoomName) : null;
    this.remember(k, parsed);
    return parsed;
  }

  private remember(k: string, value: RoomName | null): void {
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(k, value);
  }
}
