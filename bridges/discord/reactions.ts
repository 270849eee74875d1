/**
 * Matrix reactions on Discord. The bot holds one reaction per emoji and message for all Matrix
 * users, so the Matrix users behind it are counted (durably, in the module's key-value store)
 * and the bot's reaction is removed only when the last of them takes theirs back.
 */
import type { Guild } from 'discord.js';
import { BridgeError, type ModuleKv } from '../../src/sdk';

const EMOJI = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|[#*0-9]\u20e3)/u;

/**
 * A Matrix reaction key as Discord's emoji path segment: unicode emoji as they are, `:name:` as
 * the server's custom emoji of that name. Anything else (text reactions like "+1") Discord refuses.
 */
export function discordEmoji(key: string, guild: Guild | null): string {
  const custom = /^:([\w~-]{1,32}):$/.exec(key);
  if (custom) {
    const emoji = guild?.emojis.cache.find((e) => e.name === custom[1]);
    if (emoji?.name) return encodeURIComponent(`${emoji.name}:${emoji.id}`);
  } else if (EMOJI.test(key) && [...key].length <= 10) {
    return encodeURIComponent(key);
  }
  throw new BridgeError('not_supported', `Discord reactions must be emoji; "${key.slice(0, 20)}" is not one`);
}

export class ReactionCounts {
  constructor(private readonly kv: ModuleKv) {}

  private key = (messageId: string, emoji: string) => `react:${messageId}:${emoji}`;

  private async users(k: string): Promise<string[]> {
    const raw = await this.kv.get(k);
    return raw ? (JSON.parse(raw.toString('utf8')) as string[]) : [];
  }

  /** Adds a reactor; true when they are the first (the bot must react on Discord). */
  async add(messageId: string, emoji: string, userId: string): Promise<boolean> {
    const k = this.key(messageId, emoji);
    const users = await this.users(k);
    if (users.includes(userId)) return false;
    await this.kv.set(k, Buffer.from(JSON.stringify([...users, userId])));
    return users.length === 0;
  }

  /** Removes a reactor; true when nobody is left (the bot must remove its reaction). */
  async remove(messageId: string, emoji: string, userId: string): Promise<boolean> {
    const k = this.key(messageId, emoji);
    const users = await this.users(k);
    if (!users.includes(userId)) return users.length === 0;
    const rest = users.filter((u) => u !== userId);
    if (rest.length === 0) await this.kv.delete(k);
    else await this.kv.set(k, Buffer.from(JSON.stringify(rest)));
    return rest.length === 0;
  }
}
