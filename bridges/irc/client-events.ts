/**
 * The events SafeClient emits, in its own shapes rather than irc-framework's: the bridge depends on
 * these few fields (Date, msgid, account, echo), not on the library's event objects.
 */
import type { EventEmitter } from 'node:events';
import type { Client, MessageEvent } from 'irc-framework';

/** PRIVMSG, NOTICE or CTCP ACTION. server-time is always requested (irc-framework asks for it). */
export interface IrcTextEvent {
  nick: string;
  ident: string;
  hostname: string;
  target: string;
  text: string;
  time?: Date;
  msgid?: string;
  account?: string;
  /** Our own line coming back through echo-message. */
  echo: boolean;
}

export type SafeClientEvents = {
  message: [IrcTextEvent];
  notice: [IrcTextEvent];
  action: [IrcTextEvent];
  join: [{ nick: string; ident: string; hostname: string; channel: string; account?: string }];
  part: [{ nick: string; channel: string; reason: string }];
  quit: [{ nick: string; reason: string }];
  kick: [{ nick: string; kicked: string; channel: string; reason: string }];
  nick: [{ nick: string; newNick: string }];
  topic: [{ channel: string; topic: string; nick?: string }];
  /** The member list after a JOIN (or a NAMES query), with each member's prefix modes (o, v...). */
  names: [{ channel: string; users: { nick: string; modes: string[] }[] }];
  /** Channel or user modes; `modes` like `[{ mode: '+o', param: 'alice' }]`. */
  mode: [{ target: string; nick: string; modes: { mode: string; param?: string }[] }];
  registered: [{ nick: string }];
  reconnecting: [{ attempt: number; delayMs: number }];
  /** Numeric errors after registration, e.g. cannot_send_to_channel, nick_in_use. */
  ircError: [{ error: string; reason?: string; channel?: string; nick?: string }];
  /** Final: no more reconnects. `error` is absent after quit(). */
  close: [{ error?: Error }];
};

/** irc-framework's PRIVMSG/NOTICE/ACTION event in SafeClient's shape (Date, msgid, account). */
export function toTextEvent(e: MessageEvent, echo: boolean): IrcTextEvent {
  const msgid = e.tags.msgid;
  return {
    nick: e.nick,
    ident: e.ident,
    hostname: e.hostname,
    target: e.target,
    text: e.message,
    time: e.time === undefined ? undefined : new Date(e.time),
    msgid: typeof msgid === 'string' ? msgid : undefined,
    account: typeof e.account === 'string' ? e.account : undefined,
    echo,
  };
}

/** What happens on the channels and to nicks; the connection's own lifecycle events are SafeClient's. */
export function forwardEvents(
  client: Client,
  out: EventEmitter<SafeClientEvents>,
  isMe: (nick: string) => boolean,
): void {
  client.on('privmsg', (e) => out.emit('message', toTextEvent(e, isMe(e.nick))));
  client.on('action', (e) => out.emit('action', toTextEvent(e, isMe(e.nick))));
  // Server notices ("*** Looking up your hostname") are not conversation.
  client.on('notice', (e) => !e.from_server && out.emit('notice', toTextEvent(e, isMe(e.nick))));
  client.on('join', (e) => {
    const account = typeof e.account === 'string' ? e.account : undefined;
    out.emit('join', { nick: e.nick, ident: e.ident, hostname: e.hostname, channel: e.channel, account });
  });
  client.on('part', (e) => out.emit('part', { nick: e.nick, channel: e.channel, reason: e.message }));
  client.on('kick', (e) =>
    out.emit('kick', { nick: e.nick, kicked: e.kicked, channel: e.channel, reason: e.message }),
  );
  client.on('quit', (e) => out.emit('quit', { nick: e.nick, reason: e.message }));
  client.on('nick', (e) => out.emit('nick', { nick: e.nick, newNick: e.new_nick }));
  client.on('topic', (e) => out.emit('topic', { channel: e.channel, topic: e.topic, nick: e.nick }));
  client.on('userlist', (e) =>
    out.emit('names', {
      channel: e.channel,
      users: e.users.map((u) => ({ nick: u.nick, modes: u.modes })),
    }),
  );
  client.on('mode', (e) => out.emit('mode', { target: e.target, nick: e.nick, modes: e.modes }));
}
