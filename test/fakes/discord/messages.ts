/**
 * Builds and edits stored messages the way Discord does for every author (bot, webhook, fake user):
 * validation (empty message, 2000-char limit, allowed_mentions exclusivity), mention resolution
 * filtered by allowed_mentions, replies with `referenced_message`, and attachments served by the CDN.
 */
import { createHash } from 'node:crypto';
import {
  MessageReferenceType,
  MessageType,
  type APIAttachment,
  type MessageFlags,
  type APIEmbed,
  type APIUser,
} from 'discord.js';
import { invalidFormBody, RestError, JsonErrorCode } from './errors';
import type { FakeState } from './state';
import type { StoredChannel, StoredMessage, StoredWebhook } from './types';
import { isRecord } from './util';
import { messageToWire } from './wire';

export interface AllowedMentions {
  parse?: string[];
  users?: string[];
  roles?: string[];
  replied_user?: boolean;
}

export interface UploadedFile {
  filename: string;
  contentType: string;
  data: Buffer;
  description?: string;
}

/** A message as requested, from a REST body or the test API. */
export interface MessageInput {
  content?: string;
  embeds?: APIEmbed[];
  files?: UploadedFile[];
  /** On edit: ids of existing attachments to keep (Discord's `attachments: [{ id }]`); absent keeps all. */
  keepAttachmentIds?: string[];
  /** Undefined means "no allowed_mentions sent": Discord then pings everything the content mentions. */
  allowedMentions?: AllowedMentions;
  reference?: { message_id: string; channel_id?: string; fail_if_not_exists?: boolean };
  tts?: boolean;
  flags?: number;
  nonce?: string | number;
}

const MAX_CONTENT = 2000;

export class MessageFactory {
  constructor(
    private readonly state: FakeState,
    private readonly cdnUrl: () => string,
  ) {}

  create(
    channel: StoredChannel,
    author: APIUser,
    input: MessageInput,
    webhook?: StoredWebhook,
  ): StoredMessage {
    const files = input.files ?? [];
    if (!input.content && !input.embeds?.length && files.length === 0) {
      throw new RestError(400, JsonErrorCode.CannotSendEmptyMessage, 'Cannot send an empty message');
    }
    const content = checkedContent(input.content ?? '');
    const replied = this.resolveReference(channel, input.reference);
    const guildId = channel.guildId;
    const message: StoredMessage['message'] = {
      id: this.state.ids.next(),
      channel_id: channel.id,
      author,
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: input.tts ?? false,
      ...this.mentions(channel, content, input.allowedMentions, replied?.message.author.id),
      attachments: files.map((file) => this.upload(channel.id, file)),
      embeds: input.embeds ?? [],
      components: [],
      pinned: false,
      type: replied ? MessageType.Reply : MessageType.Default,
      flags: (input.flags ?? 0) as MessageFlags,
      ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
      ...(webhook ? { webhook_id: webhook.id } : {}),
    };
    if (replied) {
      message.message_reference = {
        type: MessageReferenceType.Default,
        message_id: replied.message.id,
        channel_id: replied.message.channel_id,
        ...(replied.guildId ? { guild_id: replied.guildId } : {}),
      };
      // One level deep, as on Discord: the referenced message does not carry its own referenced_message.
      const { referenced_message: _nested, ...referenced } = messageToWire(this.state, replied);
      message.referenced_message = referenced;
    }
    const stored: StoredMessage = { message, guildId, reactions: new Map() };
    this.state.storeMessage(stored);
    return stored;
  }

  edit(stored: StoredMessage, input: MessageInput): void {
    const channel = this.state.channel(stored.message.channel_id);
    const { message } = stored;
    if (input.content !== undefined) message.content = checkedContent(input.content);
    if (input.embeds !== undefined) message.embeds = input.embeds;
    const keep = input.keepAttachmentIds;
    const kept = keep ? message.attachments.filter((a) => keep.includes(a.id)) : message.attachments;
    message.attachments = [...kept, ...(input.files ?? []).map((file) => this.upload(channel.id, file))];
    if (input.flags !== undefined) message.flags = input.flags as MessageFlags;
    const repliedAuthor = message.referenced_message?.author.id;
    Object.assign(message, this.mentions(channel, message.content, input.allowedMentions, repliedAuthor));
    message.edited_timestamp = new Date().toISOString();
  }

  /** Stores a file on the fake CDN under Discord's attachment URL layout. */
  upload(channelId: string, file: UploadedFile): APIAttachment {
    const id = this.state.ids.next();
    const path = `/attachments/${channelId}/${id}/${encodeURIComponent(file.filename)}`;
    this.state.blobs.set(path, { data: file.data, contentType: file.contentType });
    return {
      id,
      filename: file.filename,
      size: file.data.length,
      url: this.cdnUrl() + path,
      proxy_url: this.cdnUrl() + path,
      content_type: file.contentType,
      ...(file.description ? { description: file.description } : {}),
    };
  }

  /** The author Discord shows for a webhook message: the per-message username/avatar override the webhook's. */
  webhookAuthor(webhook: StoredWebhook, username?: string, avatarUrl?: string): APIUser {
    return {
      id: webhook.id,
      username: username ?? webhook.name,
      discriminator: '0000',
      global_name: null,
      // Discord re-hosts avatar_url and reports the image's hash; a hash of the URL stands in for it.
      avatar: avatarUrl ? createHash('md5').update(avatarUrl).digest('hex') : webhook.avatar,
      bot: true,
    };
  }

  private resolveReference(
    channel: StoredChannel,
    reference: MessageInput['reference'],
  ): StoredMessage | undefined {
    if (!reference) return undefined;
    const found = this.state.messages.get(reference.channel_id ?? channel.id)?.get(reference.message_id);
    if (!found && reference.fail_if_not_exists !== false) {
      throw invalidFormBody('message_reference', 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
    }
    return found;
  }

  /**
   * `mentions`, `mention_roles`, `mention_everyone` as Discord computes them: what the content
   * mentions, reduced to what allowed_mentions lets ping, so a test sees exactly who would be notified.
   * https://discord.com/developers/docs/resources/message#allowed-mentions-object
   */
  private mentions(
    channel: StoredChannel,
    content: string,
    allowed: AllowedMentions | undefined,
    repliedAuthorId: string | undefined,
  ): { mentions: APIUser[]; mention_roles: string[]; mention_everyone: boolean } {
    const parse = allowed ? (allowed.parse ?? []) : ['users', 'roles', 'everyone'];
    if (allowed && parse.includes('users') && allowed.users?.length) {
      throw invalidFormBody(
        'allowed_mentions',
        'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
        'parse:["users"] and users: [ids...] are mutually exclusive.',
      );
    }
    if (allowed && parse.includes('roles') && allowed.roles?.length) {
      throw invalidFormBody(
        'allowed_mentions',
        'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
        'parse:["roles"] and roles: [ids...] are mutually exclusive.',
      );
    }
    const guild = channel.guildId ? this.state.guild(channel.guildId) : undefined;
    const userIds = new Set(
      [...content.matchAll(/<@!?(\d+)>/g)]
        .map((m) => m[1] ?? '')
        .filter(
          (id) => this.state.users.has(id) && (parse.includes('users') || allowed?.users?.includes(id)),
        ),
    );
    // The author of a webhook message is no user (the webhook's pseudo-user): nobody to ping.
    const repliedUser =
      repliedAuthorId && this.state.users.has(repliedAuthorId) ? repliedAuthorId : undefined;
    if (repliedUser && (allowed === undefined || allowed.replied_user === true)) userIds.add(repliedUser);
    const roleIds = [...content.matchAll(/<@&(\d+)>/g)]
      .map((m) => m[1] ?? '')
      .filter((id) => guild?.roles.has(id) && (parse.includes('roles') || allowed?.roles?.includes(id)));
    return {
      mentions: [...userIds].map((id) => this.state.user(id)),
      mention_roles: [...new Set(roleIds)],
      mention_everyone: parse.includes('everyone') && /@(everyone|here)\b/.test(content),
    };
  }
}

function checkedContent(content: string): string {
  if (content.length > MAX_CONTENT) {
    throw invalidFormBody('content', 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_CONTENT} or fewer in length.`);
  }
  return content;
}

/** Reads the message fields of a REST JSON body (bot or webhook send/edit). */
export function messageInputFromBody(body: unknown, files: UploadedFile[]): MessageInput {
  const b = isRecord(body) ? body : {};
  const reference = isRecord(b.message_reference) ? b.message_reference : undefined;
  const allowed = isRecord(b.allowed_mentions) ? b.allowed_mentions : undefined;
  const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);
  // discord.js lists new uploads in `attachments` as { id: "<index>" } next to kept ones by snowflake.
  const attachmentEntries = Array.isArray(b.attachments) ? b.attachments.filter(isRecord) : undefined;
  const described = files.map((file, index) => {
    const meta = attachmentEntries?.find((a) => String(a.id) === String(index));
    return typeof meta?.description === 'string' ? { ...file, description: meta.description } : file;
  });
  return {
    ...(typeof b.content === 'string' ? { content: b.content } : b.content === null ? { content: '' } : {}),
    ...(Array.isArray(b.embeds) ? { embeds: b.embeds.filter(isRecord) as APIEmbed[] } : {}),
    files: described,
    ...(attachmentEntries ? { keepAttachmentIds: attachmentEntries.map((a) => String(a.id)) } : {}),
    ...(allowed
      ? {
          allowedMentions: {
            parse: strings(allowed.parse),
            users: strings(allowed.users),
            roles: strings(allowed.roles),
            replied_user: allowed.replied_user === true,
          },
        }
      : {}),
    ...(reference && typeof reference.message_id === 'string'
      ? {
          reference: {
            message_id: reference.message_id,
            ...(typeof reference.channel_id === 'string' ? { channel_id: reference.channel_id } : {}),
            fail_if_not_exists: reference.fail_if_not_exists !== false,
          },
        }
      : {}),
    tts: b.tts === true,
    ...(typeof b.flags === 'number' ? { flags: b.flags } : {}),
    ...(typeof b.nonce === 'string' || typeof b.nonce === 'number' ? { nonce: b.nonce } : {}),
  };
}
