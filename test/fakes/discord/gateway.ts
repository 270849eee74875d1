/**
 * The gateway WebSocket, following https://discord.com/developers/docs/events/gateway: HELLO on
 * connect, IDENTIFY → READY + one GUILD_CREATE per guild, HEARTBEAT → HEARTBEAT_ACK, and RESUME →
 * the missed dispatches replayed in order, then RESUMED. Each session numbers its own dispatches
 * (`s`) and keeps a backlog so a dropped client can resume, as @discordjs/ws does after an abnormal
 * close.
 */
import { randomBytes } from 'node:crypto';
import {
  GatewayCloseCodes,
  GatewayDispatchEvents as E,
  GatewayIntentBits,
  GatewayOpcodes,
  type APIUser,
  type GatewayGuildMemberAddDispatchData,
  type GatewayGuildMemberRemoveDispatchData,
  type GatewayGuildMembersChunkDispatchData,
  type GatewayGuildMemberUpdateDispatchData,
  type GatewayMessageCreateDispatchData,
  type GatewayMessageDeleteDispatchData,
  type GatewayMessageReactionAddDispatchData,
  type GatewayMessageReactionRemoveDispatchData,
  type GatewayReadyDispatchData,
  type GatewayTypingStartDispatchData,
  type GatewayWebhooksUpdateDispatchData,
} from 'discord.js';
import { WebSocket, type RawData } from 'ws';
import { disallowedIntents, requiredIntent, withheldContent, type PrivilegedIntents } from './intents';
import type { FakeState } from './state';
import { isRecord, noFlags } from './util';
import { guildCreateToWire, memberToWire, type WireChannel, type WireGuildCreate } from './wire';

/** `d` of each dispatch the fake sends, so callers cannot put the wrong shape under an event name. */
export interface DispatchData {
  [E.GuildCreate]: WireGuildCreate;
  [E.ChannelCreate]: WireChannel;
  [E.ChannelUpdate]: WireChannel;
  [E.ThreadCreate]: WireChannel & { newly_created?: true };
  [E.ThreadUpdate]: WireChannel;
  [E.GuildMemberAdd]: GatewayGuildMemberAddDispatchData;
  [E.GuildMemberUpdate]: GatewayGuildMemberUpdateDispatchData;
  [E.GuildMemberRemove]: GatewayGuildMemberRemoveDispatchData;
  [E.WebhooksUpdate]: GatewayWebhooksUpdateDispatchData;
  [E.MessageDelete]: GatewayMessageDeleteDispatchData;
  [E.MessageReactionAdd]: GatewayMessageReactionAddDispatchData;
  [E.MessageReactionRemove]: GatewayMessageReactionRemoveDispatchData;
  [E.TypingStart]: GatewayTypingStartDispatchData;
}

interface DispatchPayload {
  op: GatewayOpcodes.Dispatch;
  t: E;
  s: number;
  d: unknown;
}

interface Session {
  id: string;
  intents: number;
  seq: number;
  /** Recent dispatches, replayed on RESUME; bounded like Discord's own resume buffer. */
  backlog: DispatchPayload[];
  socket: WebSocket | null;
}

/** A payload the client sent, kept for assertions (e.g. "the client RESUMEd rather than re-IDENTIFYing"). */
export interface ReceivedPayload {
  op: number;
  d: unknown;
  sessionId: string | null;
}

const MAX_BACKLOG = 1000;

const rawText = (raw: RawData): string => {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return raw instanceof ArrayBuffer ? Buffer.from(raw).toString('utf8') : raw.toString('utf8');
};

export class Gateway {
  readonly received: ReceivedPayload[] = [];
  private readonly sessions = new Map<string, Session>();
  private readonly sockets = new Set<WebSocket>();

  constructor(
    private readonly state: FakeState,
    private readonly config: {
      token: string;
      privileged: PrivilegedIntents;
      heartbeatIntervalMs: number;
      /** The URL clients must reconnect to for RESUME (READY's resume_gateway_url). */
      resumeUrl: () => string;
    },
  ) {}

  get openConnections(): number {
    return this.sockets.size;
  }

  /**
   * Serves one client. @discordjs/ws connects to `<url>?v=10&encoding=json` and only adds
   * `compress=zlib-stream` when the optional zlib-sync package is installed; this fake speaks plain
   * JSON only, so it refuses anything else with an unrecoverable close code rather than looping.
   */
  accept(socket: WebSocket, query: URLSearchParams): void {
    if (query.get('v') !== '10' || query.get('encoding') !== 'json' || query.has('compress')) {
      socket.close(
        GatewayCloseCodes.InvalidAPIVersion,
        'fake-discord speaks only v=10&encoding=json, uncompressed',
      );
      return;
    }
    this.sockets.add(socket);
    let session: Session | null = null;
    socket.on('message', (raw: RawData) => {
      session = this.onPayload(socket, session, rawText(raw));
    });
    socket.on('close', (code: number) => {
      this.sockets.delete(socket);
      if (session?.socket !== socket) return;
      session.socket = null;
      // A client closing with 1000/1001 ends its session; any other close keeps it resumable.
      if (code === 1000 || code === 1001) this.sessions.delete(session.id);
    });
    this.send(socket, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.config.heartbeatIntervalMs },
    });
  }

  /** Sends `t` to every session subscribed to the needed intent; disconnected sessions queue it for RESUME. */
  dispatch<K extends keyof DispatchData>(t: K, d: DispatchData[K], guildId: string | null): void {
    this.broadcast(t, guildId, () => d);
  }

  /** MESSAGE_CREATE/UPDATE, with content withheld from sessions that lack the Message Content intent. */
  dispatchMessage(t: E.MessageCreate | E.MessageUpdate, d: GatewayMessageCreateDispatchData): void {
    const guildId = d.guild_id ?? null;
    this.broadcast(t, guildId, (session) =>
      guildId && !(session.intents & GatewayIntentBits.MessageContent)
        ? withheldContent(d, this.state.bot.id)
        : d,
    );
  }

  /** Kills every socket without a close frame (code 1006): clients reconnect and RESUME. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  /** Closes every socket with a gateway close code, e.g. 4000 (resumable) or 4004 (fatal). */
  closeConnections(code: number, reason: string): void {
    for (const socket of this.sockets) socket.close(code, reason);
  }

  private broadcast(t: E, guildId: string | null, dataFor: (session: Session) => unknown): void {
    const intent = requiredIntent(t, guildId !== null);
    for (const session of this.sessions.values()) {
      if (intent === null || session.intents & intent) this.dispatchTo(session, t, dataFor(session));
    }
  }

  private dispatchTo(session: Session, t: E, d: unknown): void {
    session.seq += 1;
    const payload: DispatchPayload = { op: GatewayOpcodes.Dispatch, t, s: session.seq, d };
    session.backlog.push(payload);
    if (session.backlog.length > MAX_BACKLOG) session.backlog.shift();
    if (session.socket) this.send(session.socket, payload);
  }

  private send(socket: WebSocket, payload: { op: GatewayOpcodes; d: unknown; s?: number; t?: E }): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ s: null, t: null, ...payload }));
  }

  /** Returns the session the socket belongs to after this payload. */
  private onPayload(socket: WebSocket, session: Session | null, text: string): Session | null {
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      socket.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return session;
    }
    if (!isRecord(payload) || typeof payload.op !== 'number') {
      socket.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return session;
    }
    this.received.push({ op: payload.op, d: payload.d, sessionId: session?.id ?? null });
    const d = isRecord(payload.d) ? payload.d : {};
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.send(socket, { op: GatewayOpcodes.HeartbeatAck, d: null });
        return session;
      case GatewayOpcodes.Identify:
        return this.identify(socket, session, d);
      case GatewayOpcodes.Resume:
        return this.resume(socket, session, d);
      case GatewayOpcodes.RequestGuildMembers:
        if (session) this.sendMembersChunk(session, d);
        return session;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
        return session;
      default:
        socket.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
        return session;
    }
  }

  private identify(socket: WebSocket, current: Session | null, d: Record<string, unknown>): Session | null {
    if (current) {
      socket.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return current;
    }
    if (d.token !== this.config.token) {
      socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return null;
    }
    if (typeof d.intents !== 'number') {
      socket.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return null;
    }
    if (disallowedIntents(d.intents, this.config.privileged) !== 0) {
      socket.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      return null;
    }
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      intents: d.intents,
      seq: 0,
      backlog: [],
      socket,
    };
    this.sessions.set(session.id, session);
    const bot: APIUser = { ...this.state.bot, verified: true, mfa_enabled: false };
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: bot,
      // Guilds start unavailable; discord.js waits for their GUILD_CREATE before emitting clientReady.
      guilds: [...this.state.guilds.keys()].map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.config.resumeUrl(),
      shard: [0, 1],
      application: { id: bot.id, flags: noFlags(), flags_new: '0' },
    };
    this.dispatchTo(session, E.Ready, ready);
    if (session.intents & GatewayIntentBits.Guilds) {
      for (const guild of this.state.guilds.values()) {
        this.dispatchTo(session, E.GuildCreate, guildCreateToWire(this.state, guild));
      }
    }
    return session;
  }

  private resume(socket: WebSocket, current: Session | null, d: Record<string, unknown>): Session | null {
    if (d.token !== this.config.token) {
      socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return current;
    }
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    const seq = typeof d.seq === 'number' ? d.seq : 0;
    const oldest = session?.backlog[0]?.s ?? 1;
    if (!session || seq + 1 < oldest) {
      // Op 9 with d=false: not resumable, the client must IDENTIFY afresh.
      this.send(socket, { op: GatewayOpcodes.InvalidSession, d: false });
      return current;
    }
    if (session.socket && session.socket !== socket) session.socket.terminate();
    session.socket = socket;
    for (const payload of session.backlog) if (payload.s > seq) this.send(socket, payload);
    this.dispatchTo(session, E.Resumed, {});
    return session;
  }

  /** Op 8 Request Guild Members → one GUILD_MEMBERS_CHUNK (discord.js `guild.members.fetch()` uses this). */
  private sendMembersChunk(session: Session, d: Record<string, unknown>): void {
    const guildIds = Array.isArray(d.guild_id) ? d.guild_id : [d.guild_id];
    const userIds = d.user_ids === undefined ? null : ([] as unknown[]).concat(d.user_ids).map(String);
    const query = typeof d.query === 'string' ? d.query.toLowerCase() : '';
    const limit = typeof d.limit === 'number' && d.limit > 0 ? d.limit : Infinity;
    for (const guildId of guildIds) {
      const guild = typeof guildId === 'string' ? this.state.guilds.get(guildId) : undefined;
      if (!guild) continue;
      const ids = [...guild.members.keys()].filter((id) =>
        userIds ? userIds.includes(id) : this.state.user(id).username.toLowerCase().startsWith(query),
      );
      const chunk: GatewayGuildMembersChunkDispatchData = {
        guild_id: guild.id,
        members: ids.slice(0, limit).flatMap((id) => memberToWire(this.state, guild, id) ?? []),
        chunk_index: 0,
        chunk_count: 1,
        ...(userIds ? { not_found: userIds.filter((id) => !guild.members.has(id)) } : {}),
        ...(typeof d.nonce === 'string' ? { nonce: d.nonce } : {}),
      };
      this.dispatchTo(session, E.GuildMembersChunk, chunk);
    }
  }
}
