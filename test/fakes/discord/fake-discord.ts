/**
 * A local Discord that the real discord.js v14 client talks to: REST under `restUrl`, the gateway
 * found through `GET /gateway/bot`, a CDN for attachments and avatars. Tests act as Discord users
 * through this class and inspect what the bot sent. Use it with:
 *
 *   new Client({ intents, partials, rest: { api: fake.restUrl, cdn: fake.cdnUrl } })
 */
import { randomBytes } from 'node:crypto';
import type { APIGuildMember, APIMessage, APIUser, APIWebhook } from 'discord.js';
import type { WebSocket } from 'ws';
import { Dispatcher } from './dispatcher';
import { Gateway, type ReceivedPayload } from './gateway';
import { MessageFactory } from './messages';
import { RequestLog, routeMatches } from './request-log';
import { FakeServer } from './server';
import { FakeState } from './state';
import type {
  ChannelSpec,
  EmojiSpec,
  FakeDiscordOptions,
  FileSpec,
  GuildSpec,
  MemberSpec,
  RecordedRequest,
  RouteMatcher,
  StoredChannel,
  UserMessageSpec,
} from './types';
import { channelToWire, memberToWire, messageToWire, webhookToWire, type WireChannel } from './wire';

export interface AddedGuild {
  id: string;
  channels: WireChannel[];
}

export class FakeDiscord {
  readonly token: string;
  private readonly state: FakeState;
  private readonly log = new RequestLog();
  private readonly gateway: Gateway;
  private readonly dispatcher: Dispatcher;
  private readonly messages: MessageFactory;
  private readonly server: FakeServer;
  private readonly requestedPort: number;
  private port: number | null = null;

  constructor(options: FakeDiscordOptions = {}) {
    this.state = new FakeState(options.bot ?? {});
    // Shaped like a real token (base64 user id . timestamp . HMAC) so token-parsing code behaves.
    this.token =
      options.token ??
      `${Buffer.from(this.state.bot.id).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(20).toString('base64url')}`;
    this.requestedPort = options.port ?? 0;
    this.gateway = new Gateway(this.state, {
      token: this.token,
      privileged: {
        messageContent: options.privilegedIntents?.messageContent ?? true,
        guildMembers: options.privilegedIntents?.guildMembers ?? true,
        guildPresences: options.privilegedIntents?.guildPresences ?? true,
      },
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      resumeUrl: () => this.gatewayUrl,
    });
    this.dispatcher = new Dispatcher(this.state, this.gateway);
    this.messages = new MessageFactory(this.state, () => this.cdnUrl);
    this.server = new FakeServer(
      {
        state: this.state,
        dispatcher: this.dispatcher,
        messages: this.messages,
        log: this.log,
        token: this.token,
        maxUploadBytes: options.maxUploadBytes ?? 10 * 1024 * 1024,
        restUrl: () => this.restUrl,
        gatewayUrl: () => this.gatewayUrl,
      },
      (socket: WebSocket, query: URLSearchParams) => this.gateway.accept(socket, query),
    );
  }

  async start(): Promise<void> {
    this.port = await this.server.listen(this.requestedPort);
  }

  async stop(): Promise<void> {
    await this.server.close();
    this.port = null;
  }

  private get origin(): string {
    if (this.port === null) throw new Error('FakeDiscord is not started');
    return `127.0.0.1:${this.port}`;
  }

  /** For discord.js `rest.api`; @discordjs/rest appends `/v10`. */
  get restUrl(): string {
    return `http://${this.origin}/api`;
  }

  /** For discord.js `rest.cdn`; attachment URLs point here too. */
  get cdnUrl(): string {
    return `http://${this.origin}`;
  }

  /** What `GET /gateway/bot` returns (and READY's resume_gateway_url). */
  get gatewayUrl(): string {
    return `ws://${this.origin}/gateway`;
  }

  get botUser(): APIUser {
    return this.state.bot;
  }

  /** Every REST request so far, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.log.entries;
  }

  /** Every gateway payload the client sent (IDENTIFY, RESUME, HEARTBEAT, ...), oldest first. */
  get gatewayPayloads(): readonly ReceivedPayload[] {
    return this.gateway.received;
  }

  get openGatewayConnections(): number {
    return this.gateway.openConnections;
  }

  /** Resolves with the first answered request matching; already-logged requests count. */
  waitForRequest(
    match: RouteMatcher | ((request: RecordedRequest) => boolean),
    timeoutMs = 5000,
  ): Promise<RecordedRequest> {
    const predicate =
      typeof match === 'function' ? match : (request: RecordedRequest) => routeMatches(match, request);
    return this.log.waitFor(predicate, timeoutMs);
  }

  clearRequests(): void {
    this.log.clear();
  }

  /** The next request matching `route` gets a 429 telling the client to retry after `retryAfterSeconds`. */
  rateLimitNext(route: RouteMatcher, retryAfterSeconds: number, options: { global?: boolean } = {}): void {
    this.log.addRateLimit({ matcher: route, retryAfterSeconds, global: options.global ?? false });
  }

  /** Kills the gateway socket(s) without a close frame; discord.js reconnects and RESUMEs. */
  dropConnection(): void {
    this.gateway.dropConnections();
  }

  /** Closes the gateway socket(s) with a close code, e.g. 4000 (client resumes) or 4004 (fatal). */
  closeConnection(code: number, reason = ''): void {
    this.gateway.closeConnections(code, reason);
  }

  /** Adds a guild the bot is in; if a client is connected it gets GUILD_CREATE, as when a bot joins. */
  addGuild(spec: GuildSpec): AddedGuild {
    const guild = this.state.addGuild(spec);
    this.dispatcher.guildCreated(guild);
    return {
      id: guild.id,
      channels: guild.channelIds.map((id) => channelToWire(this.state, this.state.channel(id))),
    };
  }

  addChannel(guildId: string, spec: ChannelSpec): WireChannel {
    const channel = this.state.addChannel(guildId, spec);
    this.dispatcher.channelCreated(channel);
    return channelToWire(this.state, channel);
  }

  /** CHANNEL_UPDATE (THREAD_UPDATE for threads). */
  updateChannel(
    channelId: string,
    patch: { name?: string; topic?: string | null; parent_id?: string | null },
  ): WireChannel {
    const channel = this.state.channel(channelId);
    if (patch.name !== undefined) channel.name = patch.name;
    if (patch.topic !== undefined) channel.topic = patch.topic;
    if (patch.parent_id !== undefined) channel.parentId = patch.parent_id;
    this.dispatcher.channelUpdated(channel);
    return channelToWire(this.state, channel);
  }

  /** GUILD_MEMBER_ADD. */
  addMember(guildId: string, spec: MemberSpec): APIGuildMember {
    const { guild, user } = this.state.addMember(guildId, spec);
    this.dispatcher.memberAdded(guildId, user.id);
    return this.memberWire(guild.id, user.id);
  }

  /**
   * GUILD_MEMBER_UPDATE: a nick (null removes it) or role change, or a change of the user's
   * names/avatar (Discord tells bots about those through this event too, not USER_UPDATE).
   */
  updateMember(guildId: string, userId: string, patch: Partial<Omit<MemberSpec, 'id'>>): APIGuildMember {
    const member = this.state.guild(guildId).members.get(userId);
    if (!member) throw new Error(`user ${userId} is not a member of guild ${guildId}`);
    if (patch.nick !== undefined) member.nick = patch.nick;
    if (patch.roles !== undefined) member.roles = patch.roles;
    const user = this.state.user(userId);
    this.state.upsertUser({ ...user, ...patch, id: userId });
    this.dispatcher.memberUpdated(guildId, userId);
    return this.memberWire(guildId, userId);
  }

  /** GUILD_MEMBER_REMOVE (leave or kick). */
  removeMember(guildId: string, userId: string): void {
    this.dispatcher.memberRemoved(guildId, userId);
  }

  /** A guild member posts in a channel or thread: MESSAGE_CREATE with author, member, mentions, attachments. */
  userSendsMessage(channelId: string, userId: string, spec: UserMessageSpec): APIMessage {
    const channel = this.state.channel(channelId);
    if (channel.guildId && !this.state.guild(channel.guildId).members.has(userId)) {
      throw new Error(`user ${userId} is not a member of guild ${channel.guildId}`);
    }
    return this.post(channel, userId, spec);
  }

  /** A user DMs the bot: MESSAGE_CREATE without guild_id in their DM channel (discord.js needs Partials.Channel). */
  userSendsDM(userId: string, spec: UserMessageSpec): APIMessage {
    return this.post(this.state.dmChannel(userId), userId, spec);
  }

  /** MESSAGE_UPDATE with the full edited message. */
  userEditsMessage(channelId: string, messageId: string, content: string): APIMessage {
    const stored = this.state.message(channelId, messageId);
    this.messages.edit(stored, { content });
    this.dispatcher.messageUpdated(stored);
    return messageToWire(this.state, stored);
  }

  /** MESSAGE_DELETE. */
  userDeletesMessage(channelId: string, messageId: string): void {
    this.dispatcher.messageDeleted(this.state.message(channelId, messageId));
  }

  /** MESSAGE_REACTION_ADD; a string is a unicode emoji. */
  userReacts(channelId: string, messageId: string, userId: string, emoji: EmojiSpec | string): void {
    this.dispatcher.reactionAdded(
      this.state.message(channelId, messageId),
      this.state.user(userId).id,
      toEmoji(emoji),
    );
  }

  /** MESSAGE_REACTION_REMOVE. */
  userUnreacts(channelId: string, messageId: string, userId: string, emoji: EmojiSpec | string): void {
    this.dispatcher.reactionRemoved(this.state.message(channelId, messageId), userId, toEmoji(emoji));
  }

  /** TYPING_START. */
  userTyping(channelId: string, userId: string): void {
    this.dispatcher.typing(this.state.channel(channelId), this.state.user(userId).id);
  }

  /** Messages in a channel, oldest first, as the REST API shows them. */
  getMessages(channelId: string): APIMessage[] {
    return [...(this.state.messages.get(channelId)?.values() ?? [])].map((m) => messageToWire(this.state, m));
  }

  getMessage(channelId: string, messageId: string): APIMessage | undefined {
    const stored = this.state.messages.get(channelId)?.get(messageId);
    return stored && messageToWire(this.state, stored);
  }

  getWebhooks(channelId?: string): APIWebhook[] {
    return [...this.state.webhooks.values()]
      .filter((w) => channelId === undefined || w.channelId === channelId)
      .map((w) => webhookToWire(w, this.restUrl));
  }

  /** A custom emoji's image on the CDN (`/emojis/<id>.png`), for `<:name:id>` in messages. */
  addCustomEmoji(id: string, png: Buffer): void {
    this.state.blobs.set(`/emojis/${id}.png`, { data: png, contentType: 'image/png' });
  }

  /** The bytes behind an attachment URL the fake handed out. */
  getAttachment(url: string): Buffer | undefined {
    return this.state.blobs.get(new URL(url).pathname)?.data;
  }

  private post(channel: StoredChannel, userId: string, spec: UserMessageSpec): APIMessage {
    const stored = this.messages.create(channel, this.state.user(userId), {
      ...(spec.content !== undefined ? { content: spec.content } : {}),
      ...(spec.embeds ? { embeds: spec.embeds } : {}),
      files: (spec.attachments ?? []).map(toUpload),
      ...(spec.message_reference ? { reference: spec.message_reference } : {}),
    });
    this.dispatcher.messageCreated(stored);
    return messageToWire(this.state, stored);
  }

  private memberWire(guildId: string, userId: string): APIGuildMember {
    const member = memberToWire(this.state, this.state.guild(guildId), userId);
    if (!member) throw new Error(`user ${userId} is not a member of guild ${guildId}`);
    return member;
  }
}

const toEmoji = (emoji: EmojiSpec | string) =>
  typeof emoji === 'string'
    ? { id: null, name: emoji }
    : { id: emoji.id ?? null, name: emoji.name, ...(emoji.id ? { animated: emoji.animated ?? false } : {}) };

const toUpload = (file: FileSpec) => ({
  filename: file.filename,
  contentType: file.contentType ?? 'application/octet-stream',
  data: file.data,
  ...(file.description ? { description: file.description } : {}),
});
