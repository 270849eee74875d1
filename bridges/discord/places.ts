/**
 * Where Matrix messages live on Discord: the channel (or thread, or DM) and how we post there,
 * the few facts the core's message mapping cannot hold (a message sent into a thread of the
 * portal's channel, the extra messages of a split one), and Discord errors as BridgeErrors.
 */
import {
  ChannelType,
  DiscordAPIError,
  type GuildBasedChannel,
  type SendableChannels,
  type AnyThreadChannel,
} from 'discord.js';
import { BridgeError } from '../../src/sdk';
import type { DiscordBot } from './client';
import { truncate } from './discord-text';
import type { Delivery } from './webhooks';

export type Place = Delivery & {
  readonly channel: SendableChannels;
  /** Set for DMs: the Discord user on the other side. */
  readonly dmPartner?: string;
};

interface Location {
  readonly thread?: string;
  readonly extra: string[];
}

const KEY = (messageId: string) => `msg:${messageId}`;

/** Remembers a sent message's thread and split parts, only when there is something to remember. */
export async function saveLocation(
  bot: DiscordBot,
  id: string,
  place: Place,
  extra: string[],
): Promise<void> {
  const thread = place.channel.isThread() ? place.channel.id : undefined;
  if (!thread && extra.length === 0) return;
  await bot.ctx.kv.set(KEY(id), Buffer.from(JSON.stringify({ ...(thread ? { thread } : {}), extra })));
}

export async function loadLocation(bot: DiscordBot, id: string): Promise<Location> {
  const raw = await bot.ctx.kv.get(KEY(id));
  if (!raw) return { extra: [] };
  const parsed = JSON.parse(raw.toString('utf8')) as { thread?: unknown; extra?: unknown };
  return {
    ...(typeof parsed.thread === 'string' ? { thread: parsed.thread } : {}),
    extra: Array.isArray(parsed.extra) ? parsed.extra.filter((x): x is string => typeof x === 'string') : [],
  };
}

/**
 * The Discord thread for a Matrix thread in `channel`: Discord gives a thread started from a
 * message that message's id, so the root's id finds it; otherwise the thread is started now.
 */
export async function findThread(
  bot: DiscordBot,
  channel: GuildBasedChannel,
  rootId: string,
): Promise<AnyThreadChannel | null> {
  const existing = await bot
    .ready()
    .channels.fetch(rootId)
    .catch(() => null);
  if (existing?.isThread() && existing.parentId === channel.id) return existing;
  if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) return null;
  const root = await channel.messages.fetch(rootId).catch(() => null);
  if (!root) return null;
  const name = truncate(root.content.replace(/\s+/g, ' ').trim() || 'Thread', 100);
  return channel.threads.create({ startMessage: root, name, reason: 'Switchboard: a Matrix thread' });
}

/** Discord's refusals as errors the Matrix user can act on (shown as "not delivered: …"). */
export function toBridgeError(err: unknown): BridgeError {
  if (err instanceof BridgeError) return err;
  if (err instanceof DiscordAPIError) {
    switch (err.code) {
      case 50013:
      case 50001:
        return new BridgeError(
          'permission_denied',
          'the Discord bot lacks a permission here (it needs View Channel, Send Messages, Manage Webhooks, Attach Files, Add Reactions, Read Message History)',
        );
      case 50007:
        return new BridgeError(
          'permission_denied',
          'Discord does not let the bot message this user (they must share a server with it and allow DMs from server members)',
        );
      case 40005:
        return new BridgeError('too_large', 'the file is larger than Discord accepts');
      case 10014:
        return new BridgeError(
          'not_supported',
          'Discord reactions must be standard emoji or emoji of this server',
        );
      case 10003:
      case 10008:
        return new BridgeError('not_found', 'the Discord message or channel no longer exists');
      case 50035:
        return new BridgeError('invalid_input', `Discord refused the message: ${err.message}`);
    }
    return new BridgeError(
      'remote_unreachable',
      `Discord refused the request (${err.code}): ${err.message}`,
      false,
    );
  }
  return new BridgeError('remote_unreachable', 'Discord could not be reached; try again later');
}
