/**
 * One webhook per channel shows Matrix users with their own name and avatar. The pool finds the
 * bridge's existing webhook (created by this bot) or creates one, falls back to relaying through
 * the bot where webhooks are not permitted, and recognises messages of our webhooks (echoes).
 */
import {
  DiscordAPIError,
  PermissionFlagsBits,
  type GuildBasedChannel,
  type Webhook,
  type WebhookType,
} from 'discord.js';
import type { DiscordBot } from './client';
import { webhookUsername } from './discord-text';

type Hook = Webhook<WebhookType.Incoming>;
/** Channels that can own webhooks (threads post through their parent's webhook). */
type HookChannel = Extract<GuildBasedChannel, { createWebhook: unknown; fetchWebhooks: unknown }>;

/** Where a Matrix user's message goes: a webhook (with the thread to post in), or the bot. */
export type Delivery = { readonly webhook: Hook; readonly threadId?: string } | { readonly webhook: null };

export class WebhookPool {
  private readonly byChannel = new Map<string, Promise<Hook | null>>();
  /** Webhook ids checked once: ours (created by this bot) or someone else's. */
  private readonly owners = new Map<string, boolean>();
  private readonly channelOf = new Map<string, string>();

  constructor(private readonly bot: DiscordBot) {}

  /** How to post into `channel`; null webhook means "relay through the bot". */
  async delivery(channel: GuildBasedChannel): Promise<Delivery> {
    if (!this.bot.ctx.config.use_webhooks) return { webhook: null };
    const holder = channel.isThread() ? channel.parent : channel;
    if (!holder || !('createWebhook' in holder)) return { webhook: null };
    let pending = this.byChannel.get(holder.id);
    if (!pending) {
      pending = this.obtain(holder as HookChannel);
      this.byChannel.set(holder.id, pending);
      // A transient failure should not stick: forget it so the next message tries again.
      void pending.catch(() => this.byChannel.delete(holder.id));
    }
    const webhook = await pending;
    if (!webhook) return { webhook: null };
    return channel.isThread() ? { webhook, threadId: channel.id } : { webhook };
  }

  /** Forgets a webhook someone deleted on Discord; the next message finds or makes another. */
  forgetWebhook(webhookId: string): void {
    const channelId = this.channelOf.get(webhookId);
    if (channelId) this.byChannel.delete(channelId);
    this.channelOf.delete(webhookId);
  }

  private async obtain(channel: HookChannel): Promise<Hook | null> {
    const me = channel.guild.members.me;
    if (me && !channel.permissionsFor(me).has(PermissionFlagsBits.ManageWebhooks)) {
      this.bot.ctx.log.info('no Manage Webhooks permission; relaying through the bot', {
        channel: channel.id,
      });
      return null;
    }
    const selfId = this.bot.selfId;
    const name = webhookUsername(this.bot.ctx.config.webhook_name, 'Switchboard');
    try {
      const existing = (await channel.fetchWebhooks()).find(
        (w) => w.owner?.id === selfId && w.isIncoming() && !!w.token,
      );
      const webhook = (existing ??
        (await channel.createWebhook({
          name,
          reason: 'Switchboard: show Matrix users in this channel',
        }))) as Hook;
      this.owners.set(webhook.id, true);
      this.channelOf.set(webhook.id, channel.id);
      return webhook;
    } catch (err) {
      // 50013 Missing Permissions / 30007 too many webhooks: relay instead of failing every message.
      if (err instanceof DiscordAPIError && (err.status === 403 || err.code === 30007)) {
        this.bot.ctx.log.warn('cannot use a webhook; relaying through the bot', {
          channel: channel.id,
          error: err.message,
        });
        return null;
      }
      throw err;
    }
  }

  /** Whether a message from webhook `id` is one of ours (an echo of a Matrix user's message). */
  async isOurs(id: string): Promise<boolean> {
    const known = this.owners.get(id);
    if (known !== undefined) return known;
    const client = this.bot.client;
    const webhook = await client?.fetchWebhook(id).catch(() => null);
    // Unknown webhooks (deleted, or not visible to us) cannot be ours: we can see all we created.
    const ours = !!webhook && webhook.owner?.id === client?.user?.id;
    this.owners.set(id, ours);
    return ours;
  }
}
