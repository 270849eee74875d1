import { MatrixApiError } from './errors';
import type { MatrixHttp } from './http';

const enc = encodeURIComponent;

export interface CreateRoomOptions {
  readonly name?: string;
  readonly topic?: string;
  readonly invite?: readonly string[];
  readonly isDirect?: boolean;
  readonly preset?: 'private_chat' | 'public_chat' | 'trusted_private_chat';
  readonly aliasLocalpart?: string;
  readonly initialState?: readonly { type: string; state_key: string; content: Record<string, unknown> }[];
  readonly powerLevels?: Record<string, unknown>;
  readonly creationContent?: Record<string, unknown>;
  readonly visibility?: 'public' | 'private';
}

/**
 * Typed client-server API calls the bridge makes, each optionally as a ghost (`asUser`).
 * Sends take the caller's transaction id: the caller derives it from the thing being sent.
 */
export class MatrixClient {
  constructor(readonly http: MatrixHttp) {}

  async sendEvent(
    roomId: string,
    type: string,
    content: Record<string, unknown>,
    opts: { asUser?: string; txnId: string; ts?: number },
  ): Promise<string> {
    const res = await this.http.request<{ event_id: string }>(
      'PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/send/${enc(type)}/${enc(opts.txnId)}`,
      { body: content, asUser: opts.asUser, query: { ts: opts.ts } },
    );
    return res.event_id;
  }

  async sendState(
    roomId: string,
    type: string,
    stateKey: string,
    content: Record<string, unknown>,
    asUser?: string,
  ): Promise<string> {
    const res = await this.http.request<{ event_id: string }>(
      'PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`,
      { body: content, asUser },
    );
    return res.event_id;
  }

  async getState<T>(roomId: string, type: string, stateKey = '', asUser?: string): Promise<T | null> {
    try {
      return await this.http.request<T>(
        'GET',
        `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`,
        { asUser },
      );
    } catch (err) {
      if (err instanceof MatrixApiError && err.status === 404) return null;
      throw err;
    }
  }

  async redact(
    roomId: string,
    eventId: string,
    opts: { asUser?: string; txnId: string; reason?: string; content?: Record<string, unknown> },
  ): Promise<void> {
    await this.http.request(
      'PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/redact/${enc(eventId)}/${enc(opts.txnId)}`,
      {
        body: { ...opts.content, ...(opts.reason ? { reason: opts.reason } : {}) },
        asUser: opts.asUser,
      },
    );
  }

  async createRoom(o: CreateRoomOptions, asUser?: string): Promise<string> {
    const body: Record<string, unknown> = {
      preset: o.preset ?? 'private_chat',
      visibility: o.visibility ?? 'private',
      invite: o.invite ?? [],
      is_direct: o.isDirect ?? false,
      initial_state: o.initialState ?? [],
    };
    if (o.name) body.name = o.name;
    if (o.topic) body.topic = o.topic;
    if (o.aliasLocalpart) body.room_alias_name = o.aliasLocalpart;
    if (o.powerLevels) body.power_level_content_override = o.powerLevels;
    if (o.creationContent) body.creation_content = o.creationContent;
    const res = await this.http.request<{ room_id: string }>('POST', '/_matrix/client/v3/createRoom', {
      body,
      asUser,
    });
    return res.room_id;
  }

  async invite(roomId: string, userId: string, asUser?: string): Promise<void> {
    try {
      await this.http.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/invite`, {
        body: { user_id: userId },
        asUser,
      });
    } catch (err) {
      // Already joined or invited: the goal is reached.
      if (
        err instanceof MatrixApiError &&
        err.status === 403 &&
        /already in the room|is already joined/i.test(err.message)
      )
        return;
      throw err;
    }
  }

  /** `via`: a server that knows the room (a room id carries none from room version 12 on). */
  async join(roomIdOrAlias: string, asUser?: string, via?: string): Promise<string> {
    const res = await this.http.request<{ room_id: string }>(
      'POST',
      `/_matrix/client/v3/join/${enc(roomIdOrAlias)}`,
      // `server_name` is the older name of `via`; Synapse and conduwuit read both.
      { body: {}, asUser, query: { via, server_name: via } },
    );
    return res.room_id;
  }

  async leave(roomId: string, asUser?: string): Promise<void> {
    await this.http.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/leave`, { body: {}, asUser });
  }

  async kick(roomId: string, userId: string, reason?: string, asUser?: string): Promise<void> {
    await this.http.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/kick`, {
      body: { user_id: userId, ...(reason ? { reason } : {}) },
      asUser,
    });
  }

  async joinedMembers(
    roomId: string,
  ): Promise<Record<string, { display_name?: string; avatar_url?: string }>> {
    const res = await this.http.request<{
      joined: Record<string, { display_name?: string; avatar_url?: string }>;
    }>('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/joined_members`);
    return res.joined;
  }

  /** Registers an appservice user; `M_USER_IN_USE` means it exists already, which is success. */
  async registerGhost(localpart: string): Promise<void> {
    try {
      await this.http.request('POST', '/_matrix/client/v3/register', {
        body: { type: 'm.login.application_service', username: localpart, inhibit_login: true },
      });
    } catch (err) {
      if (err instanceof MatrixApiError && err.errcode === 'M_USER_IN_USE') return;
      throw err;
    }
  }

  async setDisplayName(userId: string, name: string): Promise<void> {
    await this.http.request('PUT', `/_matrix/client/v3/profile/${enc(userId)}/displayname`, {
      body: { displayname: name },
      asUser: userId,
    });
  }

  async setAvatarUrl(userId: string, mxc: string): Promise<void> {
    await this.http.request('PUT', `/_matrix/client/v3/profile/${enc(userId)}/avatar_url`, {
      body: { avatar_url: mxc },
      asUser: userId,
    });
  }

  async getProfile(userId: string): Promise<{ displayname?: string; avatar_url?: string }> {
    try {
      return await this.http.request('GET', `/_matrix/client/v3/profile/${enc(userId)}`);
    } catch (err) {
      if (err instanceof MatrixApiError && (err.status === 404 || err.status === 403)) return {};
      throw err;
    }
  }

  async setTyping(roomId: string, userId: string, typing: boolean): Promise<void> {
    await this.http.request('PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/typing/${enc(userId)}`, {
      body: typing ? { typing: true, timeout: 30_000 } : { typing: false },
      asUser: userId,
      attempts: 1,
    });
  }

  async sendReceipt(roomId: string, eventId: string, asUser: string): Promise<void> {
    await this.http.request(
      'POST',
      `/_matrix/client/v3/rooms/${enc(roomId)}/receipt/m.read/${enc(eventId)}`,
      {
        body: {},
        asUser,
        attempts: 1,
      },
    );
  }

  async resolveAlias(alias: string): Promise<string | null> {
    try {
      const res = await this.http.request<{ room_id: string }>(
        'GET',
        `/_matrix/client/v3/directory/room/${enc(alias)}`,
      );
      return res.room_id;
    } catch (err) {
      if (err instanceof MatrixApiError && err.status === 404) return null;
      throw err;
    }
  }

  async getEvent(roomId: string, eventId: string, asUser?: string): Promise<Record<string, unknown>> {
    return this.http.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/event/${enc(eventId)}`, {
      asUser,
    });
  }

  /** `POST /_matrix/client/v1/appservice/{id}/ping`: proves the homeserver can reach us with our tokens. */
  async ping(appserviceId: string, transactionId?: string): Promise<{ duration_ms: number }> {
    return this.http.request('POST', `/_matrix/client/v1/appservice/${enc(appserviceId)}/ping`, {
      body: transactionId ? { transaction_id: transactionId } : {},
      attempts: 1,
    });
  }

  /**
   * Proves the homeserver accepts our as_token and, where it implements the appservice ping
   * (Synapse, conduwuit), that it reaches us back: `pingMs` is then the round trip. Dendrite has
   * no ping endpoint; there `pingMs` is null and only the token is proven (by `whoami`), since
   * treating the missing endpoint as an outage would keep the bridge "not ready" for ever.
   *
   * @example
   * const { pingMs } = await client.checkLink('switchboard');
   * log.info(pingMs === null ? 'token accepted; no ping on this homeserver' : `ping ${pingMs} ms`);
   */
  async checkLink(appserviceId: string): Promise<{ pingMs: number | null }> {
    try {
      return { pingMs: (await this.ping(appserviceId)).duration_ms };
    } catch (err) {
      // An unknown endpoint, not a failed ping: the spec's ping errors are 400/403/502/504.
      const unknown =
        err instanceof MatrixApiError &&
        (err.status === 404 || err.status === 405) &&
        (err.errcode === 'M_UNRECOGNIZED' || err.errcode === 'M_UNKNOWN');
      if (!unknown) throw err;
      await this.whoami();
      return { pingMs: null };
    }
  }

  async whoami(): Promise<{ user_id: string }> {
    return this.http.request('GET', '/_matrix/client/v3/account/whoami', { attempts: 1 });
  }
}
