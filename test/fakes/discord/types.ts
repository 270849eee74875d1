/** Inputs of the FakeDiscord test API and the records its state keeps. Wire shapes come from discord-api-types. */
import type { APIMessage, APIPartialEmoji, APIRole, APIUser, ChannelType, APIEmbed } from 'discord.js';

export interface FakeDiscordOptions {
  /** The bot token the fake accepts (REST `Authorization: Bot <token>` and gateway IDENTIFY/RESUME). */
  token?: string;
  bot?: { id?: string; username?: string };
  /**
   * Privileged intents switched on in the (pretend) developer portal. Asking for one that is off
   * closes the gateway with 4014 Disallowed intents, as Discord does. All default to on.
   */
  privilegedIntents?: { messageContent?: boolean; guildMembers?: boolean; guildPresences?: boolean };
  /** HELLO's heartbeat_interval; Discord sends ~41250 ms. */
  heartbeatIntervalMs?: number;
  /** Upload cap per request; beyond it the fake answers 413 / 40005 like Discord (10 MiB for bots by default). */
  maxUploadBytes?: number;
  /** TCP port to listen on (127.0.0.1); 0 picks a free one. */
  port?: number;
}

export interface UserSpec {
  id?: string;
  username: string;
  global_name?: string | null;
  /** Avatar hash; the fake's CDN serves a tiny PNG for `/avatars/:userId/:hash.png`. */
  avatar?: string | null;
  bot?: boolean;
}

export interface MemberSpec extends UserSpec {
  nick?: string | null;
  roles?: string[];
}

export interface RoleSpec {
  id?: string;
  name: string;
  /** Permission bit set as a decimal string, as on the wire. */
  permissions?: string;
  color?: number;
  mentionable?: boolean;
}

export interface ChannelSpec {
  id?: string;
  name: string;
  /** Defaults to GuildText. Thread types (10/11/12) need a parent_id and go into GUILD_CREATE `threads`. */
  type?: ChannelType;
  topic?: string | null;
  parent_id?: string | null;
  position?: number;
}

export interface GuildSpec {
  id?: string;
  name: string;
  ownerId?: string;
  channels?: ChannelSpec[];
  members?: MemberSpec[];
  roles?: RoleSpec[];
}

export interface FileSpec {
  filename: string;
  data: Buffer;
  contentType?: string;
  description?: string;
}

export interface UserMessageSpec {
  content?: string;
  embeds?: APIEmbed[];
  attachments?: FileSpec[];
  /** Makes the message a reply (type 19) carrying `referenced_message`. */
  message_reference?: { message_id: string; channel_id?: string };
}

export interface EmojiSpec {
  /** A unicode emoji, or the name of a custom emoji. */
  name: string;
  /** Set for custom emoji. */
  id?: string | null;
  animated?: boolean;
}

export interface StoredMember {
  userId: string;
  nick: string | null;
  roles: string[];
  joinedAt: string;
}

export interface StoredGuild {
  id: string;
  name: string;
  ownerId: string;
  joinedAt: string;
  roles: Map<string, APIRole>;
  members: Map<string, StoredMember>;
  /** Channel and thread ids in creation order (their records live in FakeState.channels). */
  channelIds: string[];
}

export interface StoredChannel {
  id: string;
  type: ChannelType;
  name: string | null;
  guildId: string | null;
  topic: string | null;
  parentId: string | null;
  position: number;
  lastMessageId: string | null;
  /** DM channels: the other user. */
  recipientId: string | null;
  /** Threads: who started it and when. */
  ownerId: string | null;
  createdAt: string;
}

export interface StoredReaction {
  emoji: APIPartialEmoji;
  userIds: Set<string>;
}

export interface StoredMessage {
  /** The message as Discord's REST API would return it; `reactions` is rebuilt from `reactions` below. */
  message: APIMessage;
  guildId: string | null;
  /** Keyed by custom emoji id, or by name for unicode emoji. */
  reactions: Map<string, StoredReaction>;
}

export interface StoredWebhook {
  id: string;
  token: string;
  channelId: string;
  guildId: string;
  name: string;
  avatar: string | null;
  creator: APIUser;
}

export interface StoredBlob {
  data: Buffer;
  contentType: string;
}

export interface RecordedFile {
  /** The multipart field name, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
}

export interface RecordedRequest {
  method: string;
  /** Path below the versioned API root, as sent (percent-encoded), e.g. `/channels/123/messages`. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON body, or the parsed `payload_json` of a multipart body; null when there is none. */
  body: unknown;
  files: RecordedFile[];
  /** Decoded `X-Audit-Log-Reason` (discord.js URI-encodes it). */
  auditLogReason: string | null;
  /** HTTP status the fake answered with; 0 until the answer is sent. */
  status: number;
  /** The JSON the fake answered with (e.g. the created message); undefined for 204 and until answered. */
  response?: unknown;
}

export interface RouteMatcher {
  method?: string;
  /** Matched against RecordedRequest.path: a string must be equal, a RegExp must match. */
  path: string | RegExp;
}
