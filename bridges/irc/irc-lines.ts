/**
 * Builds the protocol lines SafeClient sends. Every function returns complete lines (without CRLF)
 * from checked, stripped input, or throws IrcInputError; nothing here touches a socket.
 */
import { hasLineBreakOrNul, isValidMiddleParam, splitMessage, toSingleLine, truncateUtf8 } from './irc-text';
import { IrcInputError } from './safe-client-types';

/**
 * Commands raw() accepts: queries, modes, invites, away. Everything with its own method, or that changes
 * the connection (NICK, QUIT, USER, PASS, CAP, AUTHENTICATE), is refused so its checks cannot be bypassed.
 */
export const RAW_ALLOWED = new Set([
  'AWAY',
  'INVITE',
  'ISON',
  'LIST',
  'MODE',
  'MONITOR',
  'NAMES',
  'USERHOST',
  'WHO',
  'WHOIS',
  'WHOWAS',
]);

/** `COMMAND p1 p2 :last`: an allow-listed command; no parameter may hold CR/LF/NUL, all but the last are one word. */
export function rawLine(command: string, params: readonly string[], lineLength: number): string {
  const cmd = command.toUpperCase();
  if (!RAW_ALLOWED.has(cmd)) throw new IrcInputError('command', `${command} is not allowed through raw()`);
  const last = params.length - 1;
  const parts = params.map((p, i) => {
    if (hasLineBreakOrNul(p)) throw new IrcInputError('parameter', 'contains CR, LF or NUL');
    if (i < last && !isValidMiddleParam(p)) {
      throw new IrcInputError('parameter', `${JSON.stringify(p)} is not one word`);
    }
    return i === last && (p === '' || p.startsWith(':') || /\s/.test(p)) ? `:${p}` : p;
  });
  const line = [cmd, ...parts].join(' ');
  if (Buffer.byteLength(line) > lineLength - 2) throw new IrcInputError('parameter', 'line too long');
  return line;
}

/** `head :text`, the text made single-line and cut so the line fits; without text just `head` unless `keepEmpty`. */
export function trailingLine(
  head: string,
  text: string | undefined,
  lineLength: number,
  keepEmpty = false,
): string {
  const clean = text === undefined ? '' : toSingleLine(text);
  if (clean.trim() === '' && !keepEmpty) return head;
  return `${head} :${truncateUtf8(clean, lineLength - 2 - Buffer.byteLength(head) - 2)}`;
}

/** PRIVMSG/NOTICE lines for a message, split to `budget` bytes of text each; actions wrapped in CTCP. */
export function textLines(
  command: 'PRIVMSG' | 'NOTICE',
  target: string,
  text: string,
  budget: number,
  action: boolean,
): string[] {
  const lines = splitMessage(text, action ? budget - '\x01ACTION \x01'.length : budget);
  if (lines.length === 0) throw new IrcInputError('text', 'nothing to send');
  return lines.map((line) => `${command} ${target} :${action ? `\x01ACTION ${line}\x01` : line}`);
}

/** As few `JOIN #a,#b key` lines as fit: how a reconnect rejoins without one line per channel. */
export function joinLines(channels: readonly { name: string; key?: string }[], lineLength: number): string[] {
  // Keyed channels first: JOIN pairs keys with the leading channel names.
  const sorted = [...channels].sort((a, b) => Number(b.key !== undefined) - Number(a.key !== undefined));
  const render = (names: string[], keys: string[]) =>
    `JOIN ${names.join(',')}${keys.length ? ` ${keys.join(',')}` : ''}`;
  const lines: string[] = [];
  let names: string[] = [];
  let keys: string[] = [];
  for (const { name, key } of sorted) {
    const nextKeys = key === undefined ? keys : [...keys, key];
    if (names.length > 0 && Buffer.byteLength(render([...names, name], nextKeys)) > lineLength - 2) {
      lines.push(render(names, keys));
      names = [];
      keys = [];
    }
    names.push(name);
    if (key !== undefined) keys.push(key);
  }
  if (names.length > 0) lines.push(render(names, keys));
  return lines;
}
