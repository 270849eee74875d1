/**
 * Matrix → IRC: the session of one Matrix user, across every configured IRC network. It holds no
 * connection itself: the user's puppet on a network is created when they first speak there, joins
 * the channels of their portal rooms, and follows them in and out of rooms.
 */
import {
  BridgeError,
  type BridgedMessageRef,
  type LoginRecord,
  type MatrixActor,
  type MatrixMessage,
  type PortalInfo,
  type RemoteChatInfo,
  type RemoteChatRef,
  type RemoteSession,
  type RemoteUserRef,
  type ResolvedChat,
} from '../../src/sdk';
import type { IrcNetwork } from './client';
import type { IrcConn } from './connection';
import { toBridgeError } from './connection';
import {
  chatId,
  fold,
  ghostId,
  parseChatId,
  parseGhostId,
  parseUserIdentifier,
  type ParsedChat,
} from './ids';
import { renderOutgoing, type Outgoing } from './outgoing';

/** How long a message waits for its puppet to finish reconnecting before it is refused. */
const READY_WAIT_MS = 10_000;

/** Whether `channel` may be bridged on `net` (config `channels`). */
export function channelAllowed(net: IrcNetwork, channel: string): boolean {
  return net.cfg.channels.some((c) => c === '*' || fold(c) === fold(channel));
}

export class IrcSession implements RemoteSession {
  constructor(
    private readonly networks: ReadonlyMap<string, IrcNetwork>,
    private readonly user: MatrixActor,
    /** Set for the session of a stored login (it only reports the login's state). */
    private readonly login?: LoginRecord,
  ) {}

  async connect(): Promise<void> {
    // Puppets connect when their user speaks; a login only lends them its account.
    if (this.login)
      this.networks.get(this.login.remoteId)?.ctx.setBridgeState(this.login.id, { state: 'connected' });
  }

  async disconnect(): Promise<void> {
    // The puppets outlive a session object: the pool reaps them when idle.
  }

  async sendMessage(portal: PortalInfo, msg: MatrixMessage): Promise<{ remoteId: string }> {
    await this.send(portal, msg, false);
    return { remoteId: `mx:${msg.eventId}` };
  }

  async editMessage(portal: PortalInfo, _target: BridgedMessageRef, msg: MatrixMessage): Promise<void> {
    await this.send(portal, msg, true);
  }

  /** The room topic became the channel topic (the puppet needs the right to set it, e.g. +t and op). */
  async setChatInfo(portal: PortalInfo, info: { name?: string; topic?: string }): Promise<void> {
    const { net, chat } = this.route(portal.chat);
    if (info.topic === undefined || !chat.channel) return;
    const conn = await net.puppet(this.user);
    await conn.ready(READY_WAIT_MS, net.name);
    net.ensureIn(conn, chat.target);
    net.markActive(conn);
    await conn.client.setTopic(chat.target, info.topic).catch((err: unknown) => {
      throw toBridgeError(err, net.name);
    });
  }

  /** The bot is in every bridged channel with a Matrix member; a puppet follows its user. */
  async onMatrixMembership(portal: PortalInfo, change: { membership: string }): Promise<void> {
    const { net, chat } = this.route(portal.chat);
    if (!chat.channel) return;
    const conn = net.puppetOf(this.user.userId);
    if (change.membership === 'join') {
      net.ensureIn(net.bot, chat.target);
      if (conn) net.ensureIn(conn, chat.target);
    } else if (conn && net.channels.isIn(conn, chat.target)) {
      await conn.client.part(chat.target, 'left the Matrix room').catch(() => undefined);
    }
  }

  /**
   * A Matrix kick (or ban) of an IRC user's ghost: KICK (after `MODE +b nick!*@*`) through the
   * Matrix user's own puppet, so IRC decides whether they may: without op the server refuses,
   * and its answer reaches the user in their management room.
   */
  async removeRemoteMember(
    portal: PortalInfo,
    member: RemoteUserRef,
    change: { ban: boolean; reason?: string },
  ): Promise<void> {
    const { net, chat } = this.route(portal.chat);
    const ghost = parseGhostId(member.id);
    if (!chat.channel || !ghost || ghost.network !== net.id)
      throw new BridgeError('not_supported', 'only members of an IRC channel can be kicked');
    const conn = await net.puppet(this.user);
    await conn.ready(READY_WAIT_MS, net.name);
    net.ensureIn(conn, chat.target);
    net.markActive(conn);
    const nick = this.knownNick(net, ghost.nick);
    try {
      if (change.ban) await conn.client.raw('MODE', chat.target, '+b', `${nick}!*@*`);
      await conn.client.kick(chat.target, nick, change.reason);
    } catch (err) {
      throw toBridgeError(err, net.name);
    }
  }

  async getChatInfo(chat: RemoteChatRef): Promise<RemoteChatInfo> {
    const { net, chat: parsed } = this.route(chat);
    if (!parsed.channel) return { kind: 'dm', dmPartner: { id: ghostId(net.id, parsed.target) } };
    if (!channelAllowed(net, parsed.target))
      throw new BridgeError('permission_denied', `${parsed.target} may not be bridged on ${net.name}`);
    return { kind: 'channel', name: net.channels.get(parsed.target)?.name ?? parsed.target };
  }

  /** A nick (`libera_alice`, `libera/alice`, `alice@libera`, or `alice` with one network): a DM portal. */
  async resolveIdentifier(identifier: string): Promise<ResolvedChat> {
    const target = parseUserIdentifier(identifier, [...this.networks.keys()]);
    if (!target)
      throw new BridgeError(
        'not_found',
        `"${identifier}" is not an IRC nick; write it as <network>/<nick> (networks: ${[...this.networks.keys()].join(', ')}); IRC users are @<prefix><network>_<nick>`,
      );
    const user = { id: ghostId(target.network, target.nick) };
    return {
      chat: { id: chatId(target.network, target.nick), receiver: this.user.userId },
      info: { kind: 'dm', name: target.nick, dmPartner: user },
      user,
    };
  }

  async logout(): Promise<void> {
    // The puppet quits, so that its next connection is made without the account.
    const net = this.login ? this.networks.get(this.login.remoteId) : undefined;
    await net?.puppetOf(this.user.userId)?.quit('Logged out');
  }

  private route(ref: RemoteChatRef): { net: IrcNetwork; chat: ParsedChat } {
    const chat = parseChatId(ref.id);
    const net = chat ? this.networks.get(chat.network) : undefined;
    if (!chat || !net)
      throw new BridgeError('not_found', `${ref.id} is not a chat on a configured IRC network`);
    if (!chat.channel && ref.receiver !== this.user.userId)
      throw new BridgeError('permission_denied', 'this IRC conversation belongs to another Matrix user');
    return { net, chat };
  }

  private async send(portal: PortalInfo, msg: MatrixMessage, edit: boolean): Promise<void> {
    const { net, chat } = this.route(portal.chat);
    const conn = await net.puppet(this.user);
    await conn.ready(READY_WAIT_MS, net.name);
    if (chat.channel) net.ensureIn(conn, chat.target);
    net.markActive(conn);
    const out = renderOutgoing(msg, {
      resolvePill: (userId, text) => this.nickFor(net, userId) ?? text,
      replyNick: msg.replyTo ? this.replyNick(net, msg.replyTo) : undefined,
      edit,
      budget: conn.client.textBudget(chat.target),
      maxLines: net.cfg.max_lines,
    });
    await write(conn, chat.target, out).catch((err: unknown) => {
      throw toBridgeError(err, net.name);
    });
  }

  /** The IRC nick of a Matrix user id: a ghost's nick, or a puppet's. */
  private nickFor(net: IrcNetwork, userId: string): string | undefined {
    const remote = net.ctx.remoteUserIdOf(userId);
    const ghost = remote ? parseGhostId(remote) : null;
    if (ghost && ghost.network === net.id) return this.knownNick(net, ghost.nick);
    return net.puppetOf(userId)?.nick;
  }

  private replyNick(net: IrcNetwork, ref: BridgedMessageRef): string | undefined {
    const ghost = ref.remoteSender ? parseGhostId(ref.remoteSender) : null;
    if (ghost) return this.knownNick(net, ghost.nick);
    return ref.matrixSender && ref.matrixSender !== this.user.userId
      ? net.puppetOf(ref.matrixSender)?.nick
      : undefined;
  }

  /** The nick as spelled on IRC now, if a channel knows it; else the folded one (IRC ignores case). */
  private knownNick(net: IrcNetwork, folded: string): string {
    return net.memberNick(folded) ?? folded;
  }
}

function write(conn: IrcConn, target: string, out: Outgoing): Promise<void> {
  if (out.kind === 'action') return conn.client.action(target, out.text);
  if (out.kind === 'notice') return conn.client.notice(target, out.text);
  return conn.client.say(target, out.text);
}
