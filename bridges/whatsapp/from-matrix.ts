/**
 * The session of one stored WhatsApp login: its client's life cycle (restore, revocation,
 * bridge state) and everything Matrix users do, sent to WhatsApp.
 */
import {
  BridgeError,
  type BridgedMessageRef,
  type JsonValue,
  type LoginRecord,
  type MatrixMessage,
  type PortalInfo,
  type RemoteSendResult,
  type RemoteSession,
  type ResolvedChat,
} from '../../src/sdk';
import type { ClientPool, WhatsAppClient } from './client';
import type { WhatsAppContext } from './config';
import type { WAState, WhatsAppDriverEvents } from './driver';
import { matrixHtmlToWhatsApp, type MentionResolver } from './formatting';
import { isGroup, jidOf, phoneDigits, userIdOf } from './ids';
import { toWhatsAppMedia, type FetchLike } from './media';
import { ToMatrix } from './to-matrix';

/** The session id a login's credentials name (its stored browser session). */
export function sessionIdOf(credentials: JsonValue): string | null {
  const id = (credentials as { sessionId?: unknown } | null)?.sessionId;
  return typeof id === 'string' && /^wa-[0-9a-f]{8,64}$/.test(id) ? id : null;
}

const RELOGIN = 'Send `login whatsapp` to the bridge bot to link WhatsApp again.';

export class WhatsAppSession implements RemoteSession {
  private client: WhatsAppClient | undefined;
  private toMatrix: ToMatrix | undefined;
  private backfillQueued = false;
  private readonly listeners: {
    [E in 'ready' | 'qr' | 'auth_failure' | 'disconnected' | 'change_state']: (
      ...a: WhatsAppDriverEvents[E]
    ) => void;
  } = {
    ready: () => this.onReady(),
    // A QR code while restoring means WhatsApp no longer knows this session.
    qr: () => {
      if (!this.client?.ready)
        void this.revoked('logged_out', 'WhatsApp no longer accepts the stored session');
    },
    auth_failure: (m) => void this.revoked('bad_credentials', `WhatsApp refused the stored session (${m})`),
    disconnected: (reason) =>
      void this.revoked(
        reason === 'LOGOUT' ? 'logged_out' : 'bad_credentials',
        reason === 'LOGOUT'
          ? 'this device was logged out of WhatsApp (removed under Linked devices on the phone?)'
          : `WhatsApp ended the session (${reason})`,
      ),
    change_state: (state: WAState) => this.onState(state),
  };

  constructor(
    private readonly ctx: WhatsAppContext,
    private readonly pool: ClientPool,
    private readonly login: LoginRecord,
    private readonly fetchUrl: FetchLike,
  ) {}

  private get sessionId(): string {
    const id = sessionIdOf(this.login.credentials);
    if (!id) throw new BridgeError('bad_credentials', `the stored WhatsApp login is unreadable. ${RELOGIN}`);
    return id;
  }

  async connect(): Promise<void> {
    const sessionId = this.sessionId;
    this.ctx.setBridgeState(this.login.id, { state: 'connecting' });
    // Right after a login, the client that scanned the QR code is still running: keep it.
    const client = this.pool.takeHandedOff(sessionId) ?? this.pool.open(sessionId);
    this.client = client;
    this.pool.byLogin.set(this.login.id, client);
    const toMatrix = new ToMatrix(this.ctx, this.login, client, this.fetchUrl);
    this.toMatrix = toMatrix;
    client.history = (chatId) => toMatrix.history(chatId);
    const d = client.driver;
    const l = this.listeners;
    d.on('ready', l.ready).on('qr', l.qr).on('auth_failure', l.auth_failure);
    d.on('disconnected', l.disconnected).on('change_state', l.change_state);
    if (client.ready) {
      client.attach(toMatrix, this.needsBackfill() ? () => toMatrix.backfill() : undefined);
      this.ctx.setBridgeState(this.login.id, { state: 'connected' });
      return;
    }
    client.attach(toMatrix);
    try {
      await d.initialize(); // restores the stored session from the database: no QR code
    } catch (err) {
      this.ctx.log.error('WhatsApp Web did not start', { login: this.login.id, error: String(err) });
      await this.stop();
      throw new BridgeError('remote_unreachable', 'WhatsApp Web did not start (the bridge log says why)');
    }
  }

  async disconnect(): Promise<void> {
    await this.stop();
  }

  async logout(): Promise<void> {
    const client = this.client;
    await this.stop(false);
    // Tells WhatsApp (the phone drops the linked device) and deletes the stored session.
    if (client)
      await client.driver
        .logout()
        .catch((err: unknown) => this.ctx.log.warn('WhatsApp logout failed', { error: String(err) }));
    if (client) await this.pool.close(client);
    await this.pool.forget(this.sessionId);
    for (const key of await this.ctx.kv.list(`reaction/${this.login.id}/`)) await this.ctx.kv.delete(key);
  }

  private needsBackfill(): boolean {
    if (this.backfillQueued || this.login.metadata.backfilled === true) return false;
    this.backfillQueued = true;
    return true;
  }

  private onReady(): void {
    this.ctx.setBridgeState(this.login.id, { state: 'connected' });
    const toMatrix = this.toMatrix;
    if (toMatrix && this.needsBackfill()) this.client?.enqueue(() => toMatrix.backfill());
  }

  private onState(state: WAState): void {
    if (state === 'CONNECTED') this.ctx.setBridgeState(this.login.id, { state: 'connected' });
    else if (state === 'OPENING' || state === 'PAIRING' || state === 'TIMEOUT' || state === 'CONFLICT')
      this.ctx.setBridgeState(this.login.id, {
        state: 'transient_disconnect',
        message: state === 'CONFLICT' ? 'WhatsApp Web is open elsewhere' : 'reconnecting to WhatsApp',
      });
  }

  /** The stored session is dead: say so (the core tells the user), free the browser, delete it. */
  private async revoked(state: 'logged_out' | 'bad_credentials', why: string): Promise<void> {
    if (!this.client) return;
    const client = this.client;
    await this.stop(false);
    this.ctx.setBridgeState(this.login.id, { state, message: `${why}. ${RELOGIN}` });
    await this.pool.close(client);
    await this.pool.forget(client.sessionId).catch(() => undefined);
  }

  /** Detaches from the client and (by default) stops its browser. */
  private async stop(close = true): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    const d = client.driver;
    const l = this.listeners;
    d.off('ready', l.ready).off('qr', l.qr).off('auth_failure', l.auth_failure);
    d.off('disconnected', l.disconnected).off('change_state', l.change_state);
    if (close) await this.pool.close(client);
  }

  private live(): { client: WhatsAppClient; toMatrix: ToMatrix } {
    if (!this.client?.ready || !this.toMatrix)
      throw new BridgeError('remote_unreachable', 'WhatsApp is not connected right now', true);
    return { client: this.client, toMatrix: this.toMatrix };
  }

  private readonly resolveMention: MentionResolver = (userId) => {
    const jid = jidOf(this.ctx.remoteUserIdOf(userId) ?? '');
    return jid ? { token: jid.split('@')[0] ?? '', jid } : null;
  };

  /** Matrix text → WhatsApp text: HTML to WhatsApp markup, pills to `@number` mentions. */
  private text(msg: MatrixMessage): { text: string; mentions: string[] } {
    if (msg.html) return matrixHtmlToWhatsApp(msg.html, this.resolveMention);
    let text = msg.body;
    const mentions: string[] = [];
    for (const m of msg.mentions) {
      const jid = jidOf(m.remoteUserId);
      const at = text.indexOf(m.displayName);
      if (!jid || at < 0 || !m.displayName) continue;
      const start = text[at - 1] === '@' ? at - 1 : at;
      text = `${text.slice(0, start)}@${jid.split('@')[0]}${text.slice(at + m.displayName.length)}`;
      mentions.push(jid);
    }
    return { text, mentions };
  }

  async sendMessage(portal: PortalInfo, msg: MatrixMessage): Promise<RemoteSendResult> {
    const { client } = this.live();
    const chat = portal.chat.id;
    const converted = this.text(msg);
    const mentions = converted.mentions;
    let text = msg.msgtype === 'emote' ? `* ${converted.text}` : converted.text;
    if (msg.location) {
      const { latitude: lat, longitude: lon } = msg.location;
      text = `📍 ${msg.body}\nhttps://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}`;
    }
    const options = {
      ...(msg.replyTo ? { quotedMessageId: msg.replyTo.remoteId } : {}),
      ...(mentions.length ? { mentions } : {}),
    };
    const sent = msg.media
      ? await toWhatsAppMedia(msg, this.ctx.config.max_media_bytes).then(({ media, options: how }) =>
          client.trackSend(() =>
            client.driver.sendMessage(chat, media, {
              ...how,
              ...options,
              ...(text ? { caption: text } : {}),
            }),
          ),
        )
      : await client.trackSend(() => client.driver.sendMessage(chat, text, options));
    return { remoteId: sent.id._serialized, timestamp: sent.timestamp * 1000 };
  }

  private async target(ref: BridgedMessageRef) {
    const { client } = this.live();
    const msg = await client.driver.getMessageById(ref.remoteId);
    if (!msg) throw new BridgeError('not_found', 'WhatsApp no longer has that message');
    return { client, msg };
  }

  async editMessage(_portal: PortalInfo, target: BridgedMessageRef, msg: MatrixMessage): Promise<void> {
    const { client, msg: original } = await this.target(target);
    const { text, mentions } = this.text(msg);
    client.expect('edit', target.remoteId);
    const edited = await original.edit(text, mentions.length ? { mentions } : {});
    if (!edited) {
      client.take('edit', target.remoteId);
      throw new BridgeError(
        'not_supported',
        'WhatsApp only allows editing your own text messages for 15 minutes',
      );
    }
  }

  async redactMessage(_portal: PortalInfo, target: BridgedMessageRef): Promise<void> {
    const { client, msg } = await this.target(target);
    client.expect('revoke', target.remoteId);
    await msg.delete(true);
  }

  async sendReaction(_portal: PortalInfo, target: BridgedMessageRef, key: string): Promise<void> {
    const { client, msg } = await this.target(target);
    client.expect('react', `${target.remoteId}\u0000${key}`);
    await msg.react(key);
  }

  async removeReaction(_portal: PortalInfo, target: BridgedMessageRef): Promise<void> {
    const { client, msg } = await this.target(target);
    client.expect('react', `${target.remoteId}\u0000`);
    await msg.react('');
  }

  async setTyping(portal: PortalInfo, typing: boolean): Promise<void> {
    const chat = await this.live().client.driver.getChatById(portal.chat.id);
    await (typing ? chat?.sendStateTyping() : chat?.clearState());
  }

  /** A Matrix rename or topic change of a group's room renames the group or sets its description. */
  async setChatInfo(portal: PortalInfo, info: { name?: string; topic?: string }): Promise<void> {
    const chat = await this.live().client.driver.getChatById(portal.chat.id);
    if (!chat?.isGroup) return; // a DM has no name or description of its own on WhatsApp
    const refused = (what: string) =>
      new BridgeError(
        'permission_denied',
        `WhatsApp did not let you change the group's ${what} (only admins may)`,
      );
    if (info.name && chat.setSubject && !(await chat.setSubject(info.name))) throw refused('name');
    if (info.topic !== undefined && chat.setDescription && !(await chat.setDescription(info.topic)))
      throw refused('description');
  }

  /** A Matrix kick or ban of a group member's ghost removes them from the group (admins only). */
  async removeRemoteMember(portal: PortalInfo, member: { id: string }): Promise<void> {
    const chat = await this.live().client.driver.getChatById(portal.chat.id);
    const jid = jidOf(member.id);
    if (!chat?.removeParticipants || !jid)
      throw new BridgeError('not_supported', 'only members of a WhatsApp group can be removed');
    await chat.removeParticipants([jid]).catch(() => {
      throw new BridgeError(
        'permission_denied',
        'WhatsApp did not let you remove them (only group admins may)',
      );
    });
  }

  async markRead(portal: PortalInfo): Promise<void> {
    await this.live().client.driver.sendSeen(portal.chat.id);
  }

  getChatInfo = async (chat: { id: string }) => this.live().toMatrix.chatInfo(chat.id);

  async getUserInfo(user: { id: string }) {
    const jid = jidOf(user.id);
    if (!jid) throw new BridgeError('not_found', `${user.id} is not a WhatsApp user`);
    return this.live().toMatrix.userInfo(jid);
  }

  /** `start-chat whatsapp +371 2345 6789`, a ghost's id, or a group's id. */
  async resolveIdentifier(identifier: string): Promise<ResolvedChat> {
    const { client, toMatrix } = this.live();
    const given = identifier.trim();
    let jid = /@|^lid-/.test(given) ? jidOf(given) : null;
    if (!jid) {
      const digits = phoneDigits(given);
      if (!digits)
        throw new BridgeError(
          'invalid_input',
          'give a phone number in international format, e.g. +371 2345 6789',
        );
      const found = await client.driver.getNumberId(digits);
      if (!found) throw new BridgeError('not_found', `+${digits} is not on WhatsApp`);
      jid = found._serialized;
    }
    if (isGroup(jid) && !(await client.driver.getChatById(jid)))
      throw new BridgeError('not_found', 'you are not in that WhatsApp group');
    const info = await toMatrix.chatInfo(jid);
    return { chat: toMatrix.chatRef(jid), info, ...(isGroup(jid) ? {} : { user: { id: userIdOf(jid) } }) };
  }
}
