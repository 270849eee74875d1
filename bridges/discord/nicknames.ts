/**
 * Server nicknames as per-room display names. A ghost's global profile carries the Discord user's
 * global name; in the rooms of a guild where they have a nickname, their `m.room.member` shows the
 * nickname instead (a `user_info` event naming the chat). What each room was last given is kept in
 * the module's key-value store, so a name is sent only when it changes, and a nickname change
 * reaches every room the ghost was seen in, also after a restart.
 *
 * Synapse rewrites all of a ghost's memberships with its global profile, in the background,
 * whenever that profile (name or avatar) changes, which wipes the nicknames. After such a change
 * the nicknames are set again once that rewrite has had time to finish (`SETTLE_MS`); the core
 * skips a name a room already shows, so setting one again is cheap.
 */
import type { GuildMember, PartialGuildMember, User } from 'discord.js';
import type { RemoteChatRef } from '../../src/sdk';
import type { DiscordBot } from './client';

/** How long Synapse gets to rewrite a ghost's memberships after a profile change. */
export const SETTLE_MS = 3_000;

/** What a room shows for a ghost, and the global profile (name, avatar) it was set against. */
interface RoomName {
  readonly name: string;
  readonly profile: string;
}

type Member = GuildMember | PartialGuildMember;

/** Rooms (guild portals) a user's ghost was seen in: `nick:<user>:<guild>:<chat>`. */
const key = (userId: string, guildId: string, chatId: string) => `nick:${userId}:${guildId}:${chatId}`;
const profileOf = (user: User) => `${user.displayName}\u0000${user.avatar ?? ''}`;

export class Nicknames {
  /** Records read or written in this process, by kv key (bounded; the kv store is the truth). */
  private readonly cache = new Map<string, RoomName | null>();
  /** One user's records change one at a time (messages and member updates arrive on other queues). */
  private readonly queues = new Map<string, Promise<void>>();
  /** Pending re-applications after a profile change, by user id. */
  private readonly settling = new Map<string, NodeJS.Timeout>();

  constructor(private readonly bot: DiscordBot) {}

  /** The member's ghost is in `chat` (spoke, reacted, joined): give the room their name there. */
  seen(member: Member, chat: RemoteChatRef): Promise<void> {
    if (member.id === this.bot.selfId) return Promise.resolve();
    return this.serial(member.id, async () => {
      // The event that brought us here also carried the global profile: if that changed, the
      // core's profile update may yet wipe the name set now.
      if (await this.apply(member, member.guild.id, chat.id, false)) this.settle(member.user);
    });
  }

  /** The nickname changed: every room of the guild the ghost was seen in follows. */
  changed(member: Member): Promise<void> {
    return this.serial(member.id, () => this.applyAll(member, false));
  }

  /** The global name or avatar changed (the core applies it): nicknames are set again after. */
  profileChanged(user: User): void {
    this.settle(user);
  }

  /** Left the guild: its ghost left those rooms, and a later join starts from the global name. */
  left(userId: string, guildId: string): Promise<void> {
    return this.serial(userId, async () => {
      for (const room of await this.rooms(userId, guildId)) {
        const k = key(userId, guildId, room.chatId);
        this.cache.delete(k);
        await this.bot.ctx.kv.delete(k);
      }
    });
  }

  stop(): void {
    for (const timer of this.settling.values()) clearTimeout(timer);
    this.settling.clear();
  }

  private settle(user: User): void {
    if (this.settling.has(user.id)) return;
    const timer = setTimeout(() => {
      this.settling.delete(user.id);
      void this.reapply(user.id).catch((err: unknown) =>
        this.bot.ctx.log.warn('Discord nicknames not set again', { error: String(err) }),
      );
    }, SETTLE_MS);
    timer.unref();
    this.settling.set(user.id, timer);
  }

  private async reapply(userId: string): Promise<void> {
    const guilds = new Set((await this.rooms(userId)).map((r) => r.guildId));
    for (const guildId of guilds) {
      const member = this.bot.guild(guildId)?.members.cache.get(userId);
      if (member) await this.serial(userId, () => this.applyAll(member, true));
    }
  }

  private async applyAll(member: Member, force: boolean): Promise<void> {
    for (const room of await this.rooms(member.id, member.guild.id)) {
      await this.apply(member, room.guildId, room.chatId, force);
    }
  }

  /** The rooms the user's ghost was seen in, in one guild or in all. */
  private async rooms(userId: string, guildId?: string): Promise<{ guildId: string; chatId: string }[]> {
    const keys = await this.bot.ctx.kv.list(guildId ? `nick:${userId}:${guildId}:` : `nick:${userId}:`);
    // Snowflakes hold no ':', so a key splits back into its parts.
    return keys.flatMap((k) => {
      const [, , guild, chat] = k.split(':');
      return guild && chat ? [{ guildId: guild, chatId: chat }] : [];
    });
  }

  /**
   * Sends the room its name for the ghost when the room shows another one (`force`: whenever it
   * is not the global name). True when the profile changed since the room was last named.
   */
  private async apply(member: Member, guildId: string, chatId: string, force: boolean): Promise<boolean> {
    const user = member.user;
    const k = key(user.id, guildId, chatId);
    const stored = await this.read(k);
    const global = user.displayName;
    const profile = profileOf(user);
    const want = member.nickname ?? global;
    // A ghost joins with its global profile, and a profile change rewrites its memberships: in
    // both cases the room shows the global name, whatever nickname it was given before.
    const moved = !!stored && stored.profile !== profile;
    const shows = !stored || moved ? global : stored.name;
    const send = want !== shows || (force && want !== global);
    if (send) {
      await this.bot.ctx.emit({
        type: 'user_info',
        user: { id: user.id },
        info: { displayName: want },
        chat: { id: chatId },
      });
    }
    if (stored?.name !== want || stored.profile !== profile) {
      const next: RoomName = { name: want, profile };
      await this.bot.ctx.kv.set(k, Buffer.from(JSON.stringify(next)));
      this.remember(k, next);
    }
    return moved;
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

  private serial(userId: string, fn: () => Promise<void>): Promise<void> {
    const run = (this.queues.get(userId) ?? Promise.resolve()).then(fn);
    const settled = run.catch(() => undefined);
    this.queues.set(userId, settled);
    void settled.then(() => this.queues.get(userId) === settled && this.queues.delete(userId));
    return run;
  }
}
