/**
 * Matrix → Discord: the session a Matrix user speaks through. There is one bot connection; this
 * object only carries who is speaking (DM portals and `start-chat` need it). In channels a Matrix
 * user appears through the channel webhook with their name and avatar; in DMs, and where
 * webhooks are not permitted, the bot relays `**Name**: text`. Every send sets allowed_mentions.
 */
import { DiscordAPIError, Routes, type GuildBasedChannel, type Message } from 'discord.js';
import {
  BridgeError,
  type BridgedMessageRef,
  type MatrixActor,
  type MatrixMessage,
  type PortalInfo,
  type RemoteSendResult,
  type RemoteSession,
  type RemoteChatInfo,
  type RemoteChatRef,
  type RemoteUserInfo,
  type RemoteUserRef,
  type ResolvedChat,
} from '../../src/sdk';
import type { DiscordBot } from './client';
import { truncate, MAX_CONTENT } from './discord-text';
import type { DmRouter } from './dm';
import type { Guilds } from './guilds';
import { dmPartnerOf } from './ids';
import {
  allowedMentions,
  mediaUpload,
  mentionedIds,
  messageMarkdown,
  relayContent,
  webhookContent,
} from './outgoing';
import { findThread, loadLocation, saveLocation, toBridgeError, type Place } from './places';
import { discordEmoji, ReactionCounts } from './reactions';
import { quoteFor, viaBot, viaWebhook } from './post';
import type { WebhookPool } from './webhooks';

export interface ModuleParts {
  readonly bot: DiscordBot;
  readonly webhooks: WebhookPool;
  readonly dms: DmRouter;
  readonly reactions: ReactionCounts;
  readonly userInfo: (userId: string) => Promise<RemoteUserInfo>;
  readonly guilds: Guilds;
}

export class DiscordSession implements RemoteSession {
  constructor(
    private readonly m: ModuleParts,
    private readonly user: MatrixActor | null,
  ) {}

  connect = async (): Promise<void> => undefined;
  disconnect = async (): Promise<void> => undefined;

  sendMessage(portal: PortalInfo, msg: MatrixMessage): Promise<RemoteSendResult> {
    return guard(async () => {
      try {
        return await this.send(portal, msg);
      } catch (err) {
        // Someone deleted our webhook on Discord: forget it and send again (a new one is made).
        if (!isUnknownWebhook(err)) throw err;
        return this.send(portal, msg);
      }
    });
  }

  private async send(portal: PortalInfo, msg: MatrixMessage): Promise<RemoteSendResult> {
    const place = await this.place(portal, msg.threadRoot?.remoteId);
    const markdown = messageMarkdown(msg, (u) => this.m.bot.ctx.remoteUserIdOf(u));
    const upload = await mediaUpload(msg);
    const withLink = (text: string) => [text, upload.link].filter(Boolean).join('\n');
    let sent: Message[];
    if (place.webhook) {
      const mentioned = new Set(mentionedIds(msg));
      const quote = msg.replyTo ? await quoteFor(place.channel, msg.replyTo, mentioned) : '';
      const text = quote + withLink(webhookContent(msg, markdown));
      const hook = place.webhook;
      sent = await viaWebhook(place, msg, text, upload.file).catch((err: unknown) => {
        if (isUnknownWebhook(err)) this.m.webhooks.forgetWebhook(hook.id);
        throw err;
      });
    } else {
      sent = await viaBot(place, msg, withLink(relayContent(msg, markdown)), upload.file);
      if (place.dmPartner && this.user) await this.m.dms.remember(place.dmPartner, this.user.userId);
    }
    const [first, ...rest] = sent;
    if (!first) throw new BridgeError('unsupported_content', 'the message is empty');
    const extraIds = rest.map((r) => r.id);
    await saveLocation(this.m.bot, first.id, place, extraIds);
    return {
      remoteId: first.id,
      ...(extraIds.length ? { extraIds } : {}),
      timestamp: first.createdTimestamp,
    };
  }

  editMessage(portal: PortalInfo, target: BridgedMessageRef, msg: MatrixMessage): Promise<void> {
    return guard(async () => {
      const place = await this.placeOf(portal, target.remoteId);
      const markdown = messageMarkdown(msg, (u) => this.m.bot.ctx.remoteUserIdOf(u));
      const options = { allowedMentions: allowedMentions(msg) };
      if (place.webhook) {
        const content = truncate(webhookContent(msg, markdown), MAX_CONTENT, '…');
        const edited = await place.webhook
          .editMessage(target.remoteId, {
            content,
            ...options,
            ...(place.threadId ? { threadId: place.threadId } : {}),
          })
          .then(
            () => true,
            (err: unknown) => (isUnknown(err) ? false : Promise.reject(err)),
          );
        if (edited) return;
      }
      const content = truncate(relayContent(msg, markdown), MAX_CONTENT, '…');
      await place.channel.messages.edit(target.remoteId, { content, ...options });
    });
  }

  redactMessage(portal: PortalInfo, target: BridgedMessageRef): Promise<void> {
    return guard(async () => {
      const place = await this.placeOf(portal, target.remoteId);
      for (const id of [target.remoteId, ...place.extraIds]) {
        this.m.bot.deleting(id);
        const viaHook = place.webhook
          ? await place.webhook.deleteMessage(id, place.threadId).then(
              () => true,
              () => false,
            )
          : false;
        if (!viaHook)
          await place.channel.messages
            .delete(id)
            .catch((err: unknown) => (isUnknown(err) ? undefined : Promise.reject(err)));
      }
    });
  }

  sendReaction(portal: PortalInfo, target: BridgedMessageRef, key: string, by: MatrixActor): Promise<void> {
    return guard(async () => {
      const place = await this.placeOf(portal, target.remoteId);
      const emoji = discordEmoji(key, 'guild' in place.channel ? place.channel.guild : null);
      // Several Matrix users may react alike; Discord holds one reaction of the bot for all of them.
      if (!(await this.m.reactions.add(target.remoteId, key, by.userId))) return;
      await this.m.bot
        .ready()
        .rest.put(Routes.channelMessageOwnReaction(place.channel.id, target.remoteId, emoji))
        .catch(async (err: unknown) => {
          await this.m.reactions.remove(target.remoteId, key, by.userId);
          throw err;
        });
    });
  }

  removeReaction(portal: PortalInfo, target: BridgedMessageRef, key: string, by: MatrixActor): Promise<void> {
    return guard(async () => {
      if (!(await this.m.reactions.remove(target.remoteId, key, by.userId))) return;
      const place = await this.placeOf(portal, target.remoteId);
      const emoji = discordEmoji(key, 'guild' in place.channel ? place.channel.guild : null);
      await this.m.bot
        .ready()
        .rest.delete(Routes.channelMessageOwnReaction(place.channel.id, target.remoteId, emoji));
    });
  }

  async setTyping(portal: PortalInfo, typing: boolean): Promise<void> {
    if (!typing) return; // Discord typing stops by itself after 10 s or with the next message.
    const place = await this.place(portal).catch(() => null);
    await place?.channel.sendTyping().catch(() => undefined);
  }

  resolveIdentifier(identifier: string): Promise<ResolvedChat> {
    const user = this.user;
    if (!user) return Promise.reject(new BridgeError('invalid_input', 'starting a chat needs a Matrix user'));
    return guard(() => this.m.dms.resolve(identifier, user.userId));
  }

  getUserInfo(user: RemoteUserRef): Promise<RemoteUserInfo> {
    return guard(() => this.m.userInfo(user.id));
  }

  /** For `bridge discord <channel id> <room>`: only a bridgeable channel of an allowed guild. */
  getChatInfo(chat: RemoteChatRef): Promise<RemoteChatInfo> {
    return guard(async () => this.m.guilds.chatInfo(await this.m.bot.guildChannel(chat.id)));
  }

  /** Where a new message goes: a channel (webhook or bot), a thread, or the DM with someone. */
  private place(portal: PortalInfo, threadRootId?: string): Promise<Place> {
    const partner = dmPartnerOf(portal.chat.id);
    if (partner) return this.dmPlace(portal, partner);
    return this.guildPlace(portal.chat.id, threadRootId);
  }

  /** Where an existing message is (it may sit in a thread of the portal's channel). */
  private async placeOf(portal: PortalInfo, messageId: string): Promise<Place & { extraIds: string[] }> {
    const loc = await loadLocation(this.m.bot, messageId);
    const partner = dmPartnerOf(portal.chat.id);
    const place = partner
      ? await this.dmPlace(portal, partner)
      : await this.guildPlace(loc.thread ?? portal.chat.id);
    return { ...place, extraIds: loc.extra };
  }

  private async dmPlace(portal: PortalInfo, partner: string): Promise<Place> {
    if (!this.user || portal.chat.receiver !== this.user.userId) {
      throw new BridgeError('permission_denied', 'this Discord DM belongs to another Matrix user');
    }
    const channel = await this.m.bot.ready().users.createDM(partner);
    return { channel, webhook: null, dmPartner: partner };
  }

  private async guildPlace(channelId: string, threadRootId?: string): Promise<Place> {
    const portalChannel = await this.m.bot.guildChannel(channelId);
    const thread =
      threadRootId && !portalChannel.isThread()
        ? await findThread(this.m.bot, portalChannel, threadRootId)
        : null;
    const channel: GuildBasedChannel = thread ?? portalChannel;
    if (!channel.isSendable())
      throw new BridgeError('permission_denied', 'the bot cannot post in this Discord channel');
    const delivery = await this.m.webhooks.delivery(channel);
    return { channel, ...delivery };
  }
}

const isUnknownWebhook = (err: unknown) => err instanceof DiscordAPIError && err.code === 10015;

const isUnknown = (err: unknown) =>
  err instanceof DiscordAPIError && (err.code === 10008 || err.code === 10015);

/** Runs a Discord call and turns its failure into a BridgeError the Matrix user can act on. */
async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toBridgeError(err);
  }
}
