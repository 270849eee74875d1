/**
 * Ids of the IRC module. Everything is keyed by the configured network id (`libera`) and a
 * case-folded IRC name, because IRC names are case-insensitive: `#Matrix` and `#matrix` are one
 * channel, `Alice` and `alice` one user.
 *
 * - Channel chats: `libera/#matrix` (shared: no receiver).
 * - Private chats: `libera/alice`, receiver = the Matrix user id whose puppet talks to alice.
 * - Ghosts (IRC users): `libera_alice` → `@irc_libera_alice:domain` (see ghostLocalpart).
 * - Alias localparts (after the alias prefix): `libera_matrix` → `#matrix`, `libera_#foo` → `##foo`.
 */
import { createHash } from 'node:crypto';
import type { GhostLocalpartCodec } from '../../src/sdk';
import { isValidChannel, isValidNick } from './irc-text';

/** Network ids: short, lower-case, no `_` or `/` (they separate the parts of the ids above). */
export const NETWORK_ID = /^[a-z][a-z0-9]{0,15}$/;

/**
 * RFC 1459 case folding (InspIRCd's and most servers' CASEMAPPING): A-Z and []\~ fold to a-z and
 * {}|^. Fixed here rather than taken from ISUPPORT so ids stay stable whatever a server announces.
 */
export function fold(name: string): string {
  return name.replace(/[A-Z[\]\\~]/g, (c) =>
    c === '[' ? '{' : c === ']' ? '}' : c === '\\' ? '|' : c === '~' ? '^' : c.toLowerCase(),
  );
}

const CHANTYPES = '#&';
export const isChannel = (target: string): boolean =>
  target !== '' && CHANTYPES.includes(target[0] as string);

/** The chat id of a channel or of a private chat with `nick`. */
export const chatId = (network: string, target: string): string => `${network}/${fold(target)}`;

/** The ghost's remote user id of `nick`. */
export const ghostId = (network: string, nick: string): string => `${network}_${fold(nick)}`;

/** What identifies a line: its msgid tag, else its server-time (ms) with sender, target and text. */
export interface LineFacts {
  readonly msgid?: string | undefined;
  readonly time?: number | undefined;
  readonly nick: string;
  readonly target: string;
  readonly text: string;
}

/**
 * The remote id of a line from IRC: `i:<msgid>` when the server tags lines with one, else a hash of
 * the server-time (seconds now, without it), sender, target and text. Every puppet that sees the
 * same line computes the same id, so it enters Matrix once.
 */
export function lineId(line: LineFacts): string {
  if (line.msgid) return `i:${line.msgid}`;
  const key = `${line.time ?? Math.floor(Date.now() / 1000)}|${fold(line.nick)}|${fold(line.target)}|${line.text}`;
  return `h:${createHash('sha256').update(key).digest('base64url').slice(0, 22)}`;
}

/** Bytes a ghost localpart keeps as they are: what folded nicks mostly consist of. */
const KEPT = /^[a-z0-9_-]$/;
/** A network id and the first `_`: network ids have no `_`, so the first one ends the network. */
const GHOST_LOCALPART = /^[a-z][a-z0-9]{0,15}_./;

/**
 * Ghost localparts (after the ghost prefix) of ghost ids: `libera_alice` stays `libera_alice`,
 * and any byte of the UTF-8 id outside `[a-z0-9_-]` becomes `=xx` (lower-case hex), so
 * `libera_[m]dana` (folded `libera_{m}dana`) is `libera_=7bm=7ddana`. The core's default escaping
 * would double every `_` (`libera__alice`), because it also has to encode upper case; folded
 * nicks have none. Reversible because `=` is always escaped and only `=xx` is special; decode
 * accepts only the one spelling encode makes, and only `<network>_<nick>` ids.
 */
export const ghostLocalpart: GhostLocalpartCodec = {
  encode(id) {
    let out = '';
    for (const byte of Buffer.from(id, 'utf8')) {
      const c = String.fromCharCode(byte);
      out += KEPT.test(c) ? c : `=${byte.toString(16).padStart(2, '0')}`;
    }
    return out;
  },
  decode(localpart) {
    if (!GHOST_LOCALPART.test(localpart)) return null;
    const bytes: number[] = [];
    for (let i = 0; i < localpart.length; i++) {
      const c = localpart[i] as string;
      if (KEPT.test(c)) {
        bytes.push(c.charCodeAt(0));
        continue;
      }
      const hex = localpart.slice(i + 1, i + 3);
      const byte = parseInt(hex, 16);
      // `=41` for `A` is fine, `=61` for `a` is a second spelling of `a`: refuse it.
      if (c !== '=' || !/^[0-9a-f]{2}$/.test(hex) || KEPT.test(String.fromCharCode(byte))) return null;
      bytes.push(byte);
      i += 2;
    }
    const id = Buffer.from(bytes).toString('utf8');
    // Invalid UTF-8 decodes to U+FFFD, which would encode differently: not a spelling encode makes.
    return Buffer.from(id, 'utf8').equals(Buffer.from(bytes)) ? id : null;
  },
};

export interface ParsedChat {
  readonly network: string;
  /** The folded channel or nick. */
  readonly target: string;
  readonly channel: boolean;
}

/** Parses a chat id; null when it is not one of ours or not canonical (folded). */
export function parseChatId(id: string): ParsedChat | null {
  const slash = id.indexOf('/');
  const network = id.slice(0, slash);
  const target = id.slice(slash + 1);
  if (slash < 0 || !NETWORK_ID.test(network) || fold(target) !== target) return null;
  if (isChannel(target)) return isValidChannel(target) ? { network, target, channel: true } : null;
  return isValidNick(target, { maxLength: 64 }) ? { network, target, channel: false } : null;
}

/** The network and folded nick of a ghost's remote id. */
export function parseGhostId(id: string): { network: string; nick: string } | null {
  const m = /^([a-z][a-z0-9]{0,15})_(.+)$/.exec(id);
  if (!m || fold(m[2] as string) !== m[2] || !isValidNick(m[2] as string, { maxLength: 64 })) return null;
  return { network: m[1] as string, nick: m[2] as string };
}

/**
 * The channel behind an alias localpart: `libera_matrix` → libera `#matrix`, `libera_#foo` →
 * `##foo`; `&` channels keep their `&` (`libera_&local` → `&local`).
 * Only the folded spelling is accepted, so one channel has one alias.
 */
export function parseAliasLocalpart(localpart: string): { network: string; channel: string } | null {
  const m = /^([a-z][a-z0-9]{0,15})_(.+)$/.exec(localpart);
  if (!m) return null;
  const rest = m[2] as string;
  const channel = rest.startsWith('&') ? rest : `#${rest}`;
  if (fold(channel) !== channel || !isValidChannel(channel)) return null;
  return { network: m[1] as string, channel };
}

/** The alias localpart (after the prefix) of a channel: the inverse of parseAliasLocalpart. */
export function aliasLocalpart(network: string, channel: string): string {
  const folded = fold(channel);
  return `${network}_${folded.startsWith('#') ? folded.slice(1) : folded}`;
}

/**
 * What a user typed to reach someone on IRC: a ghost id (`libera_alice`), `libera/alice`,
 * `alice@libera`, or a bare nick when only one network is configured.
 */
export function parseUserIdentifier(
  input: string,
  networks: readonly string[],
): { network: string; nick: string } | null {
  const text = input.trim();
  const byGhost = parseGhostId(fold(text));
  if (byGhost && networks.includes(byGhost.network)) return byGhost;
  const m = /^([a-z][a-z0-9]{0,15})\/(.+)$/.exec(text) ?? /^(.+)@([a-z][a-z0-9]{0,15})$/.exec(text);
  const [network, nick] = m ? (text.includes('/') ? [m[1], m[2]] : [m[2], m[1]]) : [networks[0], text];
  if (!network || !nick || (!m && networks.length !== 1) || !networks.includes(network)) return null;
  return isValidNick(nick, { maxLength: 64 }) ? { network, nick } : null;
}
