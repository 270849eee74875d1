/** A small real Matrix client for e2e tests: plain fetch against the client-server API, no SDK. */
import { createHmac, randomBytes } from 'node:crypto';
import { matrixFetch, matrixJson, type MatrixRequest } from './matrix-http';
import { SyncFeed, type Invite, type MatrixEvent, type Receipt, type SyncResponse } from './matrix-sync';
import type { SynapseInstance } from './synapse';

export type { Invite, MatrixEvent, StrippedStateEvent } from './matrix-sync';
export { MatrixHttpError } from './matrix-http';

export interface MatrixSession {
  userId: string;
  accessToken: string;
}

/** Registers a user through Synapse's shared-secret admin API (the server has open registration off). */
export async function registerUser(
  synapse: Pick<SynapseInstance, 'baseUrl' | 'sharedSecret'>,
  localpart: string,
  opts: { admin?: boolean } = {},
): Promise<MatrixSession> {
  const path = '/_synapse/admin/v1/register';
  const { nonce } = await matrixJson<{ nonce: string }>(synapse.baseUrl, 'GET', path);
  const password = randomBytes(12).toString('hex');
  const admin = opts.admin ?? false;
  const mac = createHmac('sha1', synapse.sharedSecret)
    .update([nonce, localpart, password, admin ? 'admin' : 'notadmin'].join('\0'))
    .digest('hex');
  const res = await matrixJson<{ user_id: string; access_token: string }>(synapse.baseUrl, 'POST', path, {
    json: { nonce, username: localpart, password, admin, mac },
  });
  return { userId: res.user_id, accessToken: res.access_token };
}

export interface CreateRoomBody {
  name?: string;
  invite?: string[];
  preset?: 'private_chat' | 'public_chat' | 'trusted_private_chat';
  room_alias_name?: string;
  is_direct?: boolean;
  [field: string]: unknown;
}

export interface RoomMember {
  display_name?: string;
  avatar_url?: string;
}

export interface Profile {
  displayname?: string;
  avatar_url?: string;
}

const DEFAULT_WAIT_MS = 10_000;
const enc = encodeURIComponent;

export class TestMatrixClient {
  private readonly feed = new SyncFeed((since, timeoutMs) => this.syncRequest(since, timeoutMs));
  private txnCounter = 0;

  /**
   * With `masquerade`, `session.accessToken` is an appservice's as_token and every request acts as
   * `session.userId` through `?user_id=`, as a bridge does for its ghosts.
   */
  constructor(
    readonly baseUrl: string,
    readonly session: MatrixSession,
    private readonly opts: { masquerade?: boolean } = {},
  ) {}

  get userId(): string {
    return this.session.userId;
  }

  async createRoom(body: CreateRoomBody = {}): Promise<string> {
    return (await this.api<{ room_id: string }>('POST', '/_matrix/client/v3/createRoom', { json: body }))
      .room_id;
  }

  async invite(roomId: string, userId: string): Promise<void> {
    await this.api('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/invite`, { json: { user_id: userId } });
  }

  /** Joins by room ID or alias; returns the room ID. */
  async join(roomIdOrAlias: string): Promise<string> {
    const path = `/_matrix/client/v3/join/${enc(roomIdOrAlias)}`;
    return (await this.api<{ room_id: string }>('POST', path, { json: {} })).room_id;
  }

  async leave(roomId: string): Promise<void> {
    await this.api('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/leave`, { json: {} });
  }

  async kick(roomId: string, userId: string, reason?: string): Promise<void> {
    const json = { user_id: userId, ...(reason ? { reason } : {}) };
    await this.api('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/kick`, { json });
  }

  async ban(roomId: string, userId: string, reason?: string): Promise<void> {
    const json = { user_id: userId, ...(reason ? { reason } : {}) };
    await this.api('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/ban`, { json });
  }

  /** Upgrades the room to `newVersion` (what a client's "upgrade room" does); returns the new room. */
  async upgradeRoom(roomId: string, newVersion: string): Promise<string> {
    const path = `/_matrix/client/v3/rooms/${enc(roomId)}/upgrade`;
    const res = await this.api<{ replacement_room: string }>('POST', path, {
      json: { new_version: newVersion },
    });
    return res.replacement_room;
  }

  /** Sends an `m.room.message`; returns its event ID. */
  sendMessage(roomId: string, content: Record<string, unknown>): Promise<string> {
    return this.sendEvent(roomId, 'm.room.message', content);
  }

  async sendEvent(roomId: string, type: string, content: Record<string, unknown>): Promise<string> {
    const path = `/_matrix/client/v3/rooms/${enc(roomId)}/send/${enc(type)}/${this.txnId()}`;
    return (await this.api<{ event_id: string }>('PUT', path, { json: content })).event_id;
  }

  async sendState(
    roomId: string,
    type: string,
    stateKey: string,
    content: Record<string, unknown>,
  ): Promise<string> {
    const path = `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`;
    return (await this.api<{ event_id: string }>('PUT', path, { json: content })).event_id;
  }

  async redact(roomId: string, eventId: string, reason?: string): Promise<string> {
    const path = `/_matrix/client/v3/rooms/${enc(roomId)}/redact/${enc(eventId)}/${this.txnId()}`;
    return (await this.api<{ event_id: string }>('PUT', path, { json: reason ? { reason } : {} })).event_id;
  }

  sendReaction(roomId: string, eventId: string, key: string): Promise<string> {
    return this.sendEvent(roomId, 'm.reaction', {
      'm.relates_to': { rel_type: 'm.annotation', event_id: eventId, key },
    });
  }

  getEvent(roomId: string, eventId: string): Promise<MatrixEvent> {
    return this.api('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/event/${enc(eventId)}`);
  }

  /** The latest `limit` timeline events, newest first. */
  async messages(roomId: string, opts: { limit?: number } = {}): Promise<MatrixEvent[]> {
    const path = `/_matrix/client/v3/rooms/${enc(roomId)}/messages`;
    const query = { dir: 'b', limit: opts.limit ?? 20 };
    return (await this.api<{ chunk: MatrixEvent[] }>('GET', path, { query })).chunk;
  }

  /** See SyncFeed: finds events that arrived before the call too, and hands each out once. */
  waitForEvent(
    roomId: string,
    predicate: (e: MatrixEvent) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<MatrixEvent> {
    return this.feed.waitForEvent(roomId, predicate, timeoutMs);
  }

  /** A read receipt `userId` set in `roomId`, as it comes down /sync. */
  waitForReceipt(roomId: string, userId: string, timeoutMs = DEFAULT_WAIT_MS): Promise<Receipt> {
    return this.feed.waitForReceipt(roomId, (r) => r.userId === userId, timeoutMs);
  }

  waitForInvite(
    predicate: (invite: Invite) => boolean = () => true,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<Invite> {
    return this.feed.waitForInvite(predicate, timeoutMs);
  }

  /** Joined members by user ID. */
  async joinedMembers(roomId: string): Promise<Record<string, RoomMember>> {
    const path = `/_matrix/client/v3/rooms/${enc(roomId)}/joined_members`;
    return (await this.api<{ joined: Record<string, RoomMember> }>('GET', path)).joined;
  }

  /** The content of a state event; throws MatrixHttpError M_NOT_FOUND when there is none. */
  getState(roomId: string, type: string, stateKey = ''): Promise<Record<string, unknown>> {
    return this.api('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`);
  }

  /** A public read receipt up to `eventId` (what a client sends as the user reads). */
  async sendReceipt(roomId: string, eventId: string): Promise<void> {
    await this.api('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/receipt/m.read/${enc(eventId)}`, {
      json: {},
    });
  }

  async setTyping(roomId: string, typing: boolean): Promise<void> {
    const path = `/_matrix/client/v3/rooms/${enc(roomId)}/typing/${enc(this.userId)}`;
    await this.api('PUT', path, { json: typing ? { typing: true, timeout: 30_000 } : { typing: false } });
  }

  getProfile(userId: string): Promise<Profile> {
    return this.api('GET', `/_matrix/client/v3/profile/${enc(userId)}`);
  }

  /** Uploads to the media repository; returns the `mxc://` URI. */
  async uploadMedia(data: Uint8Array<ArrayBuffer>, contentType: string, filename?: string): Promise<string> {
    const req = { raw: { data, contentType }, query: { filename } };
    return (await this.api<{ content_uri: string }>('POST', '/_matrix/media/v3/upload', req)).content_uri;
  }

  /** Downloads through the authenticated media API (spec v1.11), the only one bridges may rely on. */
  async downloadMedia(mxc: string): Promise<{ data: Buffer; contentType: string }> {
    const match = /^mxc:\/\/([^/]+)\/([^/]+)$/.exec(mxc);
    if (!match?.[1] || !match[2]) throw new Error(`Not an mxc URI: ${mxc}`);
    const path = `/_matrix/client/v1/media/download/${enc(match[1])}/${enc(match[2])}`;
    const res = await matrixFetch(this.baseUrl, 'GET', path, this.withAuth({}));
    return { data: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? '' };
  }

  /** The room ID an alias points at. */
  async getAliasRoom(alias: string): Promise<string> {
    const path = `/_matrix/client/v3/directory/room/${enc(alias)}`;
    return (await this.api<{ room_id: string }>('GET', path)).room_id;
  }

  private syncRequest(since: string | undefined, timeoutMs: number): Promise<SyncResponse> {
    // A generous timeline limit so that an initial sync still sees the events a test waits for.
    const filter = JSON.stringify({ room: { timeline: { limit: 100 } } });
    const query = { since, timeout: timeoutMs, filter };
    return this.api('GET', '/_matrix/client/v3/sync', { query, timeoutMs: timeoutMs + 30_000 });
  }

  private api<T>(method: string, path: string, req: MatrixRequest = {}): Promise<T> {
    return matrixJson<T>(this.baseUrl, method, path, this.withAuth(req));
  }

  private withAuth(req: MatrixRequest): MatrixRequest {
    const query = this.opts.masquerade ? { ...req.query, user_id: this.session.userId } : req.query;
    return { ...req, query, accessToken: this.session.accessToken };
  }

  private txnId(): string {
    return `${Date.now()}.${this.txnCounter++}`;
  }
}
