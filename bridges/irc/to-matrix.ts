/**
 * IRC → Matrix. Every connection of a network (bot and puppets) gets these handlers; channel events
 * are taken only from the channel's elected listener (channels.ts), private messages from the
 * puppet they were sent to. Lines from our own connections are never bridged back.
 */
import type { RemoteEvent, RemoteMsgType, RemotePart, RemoteRole, RemoteSender } from '../../src/sdk';
import type { IrcNetwork } from './client';
import type { IrcConn } from './connection';
import { ircToMatrix, stripFormatting, type Mentionable } from './formatting';
import { chatId, fold, ghostId, isChannel, lineId } from './ids';
import { applyModes, roleOf, rolesOf } from './roles';
import type { IrcTextEvent } from './safe-client';

/** Nicks of services whose notices go to the user's management room, not to a DM portal. */
const SERVICES = /^(nick|chan|memo|oper|host|bot|sasl)serv$|^global$/i;

export function bindToMatrix(net: IrcNetwork, conn: IrcConn): void {
  const c = conn.client;
  const ctx = net.ctx;
  const emit = (ev: RemoteEvent) =>
    void ctx.emit(ev).catch((err: unknown) => ctx.log.warn('IRC event not stored', { error: String(err) }));
  const sender = (nick: string): RemoteSender => ({ id: ghostId(net.id, nick), info: { displayName: nick } });
  const channelRef = (channel: string) => ({ id: chatId(net.id, channel) });
  const isMe = (nick: string) => fold(nick) === fold(conn.nick ?? '');
  /** Another of our connections: its own handlers deal with what it does. */
  const isOurs = (nick: string) => net.isOwnNick(nick);
  const listening = (channel: string) => net.channels.isListener(conn, channel);
  const member = (
    channel: string,
    nick: string,
    membership: 'join' | 'leave' | 'kick',
    o: { by?: string; reason?: string; role?: RemoteRole } = {},
  ) =>
    emit({
      type: 'member',
      chat: channelRef(channel),
      sender: sender(o.by ?? nick),
      member: { id: ghostId(net.id, nick) },
      membership,
      ...(o.reason ? { reason: stripFormatting(o.reason) } : {}),
      ...(o.role && o.role !== 'member' ? { role: o.role } : {}),
    });
  const ghostOf = (nick: string) => ghostId(net.id, nick);

  /** Nicks in a line that Matrix knows: ghosts in the channel, and our puppets (their Matrix users). */
  const lookup =
    (channel: string | null) =>
    (word: string): Mentionable | undefined => {
      const own = net.ownConn(word);
      if (own?.owner) return { userId: own.owner, mention: own.owner };
      if (own || word.length < 3) return undefined;
      const known = channel ? net.channels.get(channel)?.members.has(fold(word)) : false;
      const id = ghostId(net.id, word);
      return known ? { userId: ctx.ghostUserId(id), mention: id } : undefined;
    };

  const text = (e: IrcTextEvent, msgtype: RemoteMsgType) => {
    if (e.echo || isOurs(e.nick) || !e.nick) return;
    const at = e.time?.getTime();
    const id = lineId({
      msgid: e.msgid,
      time: at,
      nick: e.nick,
      target: e.target,
      text: e.text,
    });
    if (isChannel(e.target)) {
      if (!listening(e.target) || !net.recent.fresh(id)) return;
      const rendered = ircToMatrix(e.text, lookup(e.target));
      const part: RemotePart = { kind: 'text', msgtype, text: rendered.text, ...withHtml(rendered) };
      const name = net.channels.get(e.target)?.name ?? e.target;
      emit({
        type: 'message',
        chat: channelRef(e.target),
        sender: sender(e.nick),
        id,
        parts: [part],
        chatInfo: { kind: 'channel', name },
        ...(at ? { timestamp: at } : {}),
      });
      return;
    }
    if (!isMe(e.target)) return;
    if (!conn.owner) return answerOnce(e.nick);
    if (msgtype === 'notice' && SERVICES.test(e.nick)) {
      void ctx
        .notifyUser(conn.owner, `${net.name} ${e.nick}: ${stripFormatting(e.text)}`)
        .catch(() => undefined);
      return;
    }
    net.markActive(conn);
    const rendered = ircToMatrix(e.text, lookup(null));
    emit({
      type: 'message',
      chat: { id: chatId(net.id, e.nick), receiver: conn.owner },
      sender: sender(e.nick),
      id,
      parts: [{ kind: 'text', msgtype, text: rendered.text, ...withHtml(rendered) }],
      chatInfo: { kind: 'dm', name: e.nick, dmPartner: { id: ghostId(net.id, e.nick) } },
      ...(at ? { timestamp: at } : {}),
    });
  };
  c.on('message', (e) => text(e, 'text'));
  c.on('action', (e) => text(e, 'emote'));
  c.on('notice', (e) => text(e, 'notice'));

  const told = new Set<string>();
  const answerOnce = (nick: string) => {
    if (told.has(fold(nick)) || SERVICES.test(nick)) return;
    told.add(fold(nick));
    c.notice(
      nick,
      'I relay IRC channels to Matrix. Matrix users appear here with their own nicks: talk to them.',
    ).catch(() => undefined);
  };

  c.on('join', (e) => {
    const key = fold(e.channel);
    if (isMe(e.nick)) {
      conn.joining.delete(key);
      net.channels.joined(conn, e.channel);
      return;
    }
    if (isOurs(e.nick) || !listening(e.channel)) return;
    net.channels.get(e.channel)?.members.set(fold(e.nick), { nick: e.nick });
    member(e.channel, e.nick, 'join');
  });

  // The member list after our join: whoever we did not know is there joins, whoever is gone leaves,
  // and the prefix modes (ops, voice) are the whole truth about roles, repairing any we missed.
  c.on('names', (e) => {
    const state = net.channels.get(e.channel);
    if (!state || state.listener !== conn) return;
    const present = new Set<string>();
    for (const u of e.users) {
      if (isMe(u.nick) || isOurs(u.nick)) continue;
      present.add(fold(u.nick));
      const known = state.members.get(fold(u.nick));
      if (known) known.modes = u.modes.join('');
      if (known) continue;
      state.members.set(fold(u.nick), { nick: u.nick, modes: u.modes.join('') });
      member(e.channel, u.nick, 'join');
    }
    for (const [key, m] of state.members) {
      if (present.has(key)) continue;
      state.members.delete(key);
      member(e.channel, m.nick, 'leave');
    }
    const ranked = [...state.members.values()].filter((m) => roleOf(m.modes) !== 'member');
    emit({
      type: 'member_roles',
      chat: channelRef(e.channel),
      sender: sender(net.cfg.bot_nick),
      roles: rolesOf(ranked, ghostOf),
      complete: true,
    });
  });

  // `MODE #chan +o-v alice bob`: the members whose role changed, in one event.
  c.on('mode', (e) => {
    const state = net.channels.get(e.target);
    if (!state || state.listener !== conn) return;
    const changed = applyModes(state.members, e.modes, c.prefixModes);
    if (changed.length === 0) return;
    emit({
      type: 'member_roles',
      chat: channelRef(e.target),
      sender: sender(e.nick || net.cfg.bot_nick),
      roles: rolesOf(changed, ghostOf),
    });
  });

  const gone = (channel: string, nick: string) => net.channels.get(channel)?.members.delete(fold(nick));
  c.on('part', (e) => {
    if (isMe(e.nick)) return net.channels.left(conn, e.channel);
    if (isOurs(e.nick) || !listening(e.channel)) return;
    gone(e.channel, e.nick);
    member(e.channel, e.nick, 'leave', { reason: e.reason });
  });

  c.on('kick', (e) => {
    if (isMe(e.kicked)) {
      net.channels.left(conn, e.channel);
      const why = `${net.name}: ${e.nick} kicked you from ${e.channel}${e.reason ? `: ${stripFormatting(e.reason)}` : ''}`;
      if (conn.owner) void ctx.notifyUser(conn.owner, why).catch(() => undefined);
      else ctx.log.warn('IRC bot kicked', { network: net.id, channel: e.channel, by: e.nick });
      return;
    }
    if (isOurs(e.kicked) || !listening(e.channel)) return;
    gone(e.channel, e.kicked);
    // A kick by one of our puppets has no ghost to show as the kicker: the kicked ghost "leaves".
    const by = isOurs(e.nick) ? e.kicked : e.nick;
    member(e.channel, e.kicked, 'kick', {
      by,
      reason: isOurs(e.nick) ? `by ${e.nick}: ${e.reason}` : e.reason,
    });
  });

  c.on('quit', (e) => {
    if (isOurs(e.nick)) return;
    for (const state of net.channels.listening(conn)) {
      if (state.members.delete(fold(e.nick))) member(state.name, e.nick, 'leave', { reason: e.reason });
    }
  });

  // A nick is a ghost's identity, so a new nick is a new ghost: the old one leaves, the new one joins
  // (with the modes, which stay with the user).
  c.on('nick', (e) => {
    if (isMe(e.newNick) || isOurs(e.nick) || isOurs(e.newNick)) return;
    for (const state of net.channels.listening(conn)) {
      const old = state.members.get(fold(e.nick));
      if (!old) continue;
      state.members.delete(fold(e.nick));
      state.members.set(fold(e.newNick), { nick: e.newNick, modes: old.modes ?? '' });
      member(state.name, e.nick, 'leave', { reason: `now known as ${e.newNick}` });
      member(state.name, e.newNick, 'join', { role: roleOf(old.modes) });
    }
  });

  c.on('topic', (e) => {
    if (!listening(e.channel) || (e.nick && isOurs(e.nick))) return;
    emit({
      type: 'chat_info',
      chat: channelRef(e.channel),
      sender: sender(e.nick ?? net.cfg.bot_nick),
      info: { topic: stripFormatting(e.topic) },
    });
  });

  c.on('ircError', (e) => {
    // A refused JOIN (banned, invite-only, key...) may be tried again by the next message.
    if (e.channel) conn.joining.delete(fold(e.channel));
    if (!conn.owner) return ctx.log.warn('IRC bot error', { network: net.id, ...e });
    if (/nick/.test(e.error) && !e.channel) return; // answered by the `nick` command
    const where = e.channel ?? e.nick ?? '';
    const text = `${net.name}${where ? ` (${where})` : ''}: ${e.reason ?? e.error.replaceAll('_', ' ')}`;
    void ctx.notifyUser(conn.owner, `⚠️ ${text}`).catch(() => undefined);
  });
}

const withHtml = (r: { html?: string; mentions: readonly string[] }) => ({
  ...(r.html !== undefined ? { html: r.html } : {}),
  ...(r.mentions.length > 0 ? { mentions: r.mentions.map((id) => ({ id })) } : {}),
});
