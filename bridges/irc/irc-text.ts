/**
 * Pure text rules for IRC: what may reach a socket, what a nick or channel name may look like, and how
 * a Matrix message is cut into protocol lines. No I/O here, so every rule is unit-testable.
 */

/** RFC 1459/2812 line limit, CRLF included. Servers advertise another value as ISUPPORT LINELEN. */
export const DEFAULT_LINE_LENGTH = 512;

/**
 * C0 controls that carry meaning inside IRC text and are kept: bold, colour, reset, monospace,
 * reverse, italic, strikethrough, underline. Every other C0 control goes: CR and LF end a protocol
 * line (command injection), NUL ends it on C servers, \x01 delimits CTCP (a Matrix user must not
 * be able to send CTCP or DCC requests), and the rest have no use in a chat message.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CONTROLS = /[\x00\x01\x04-\x0e\x10\x12-\x15\x17-\x1c\x7f]/g;
const LINE_BREAKS = /\r\n|\r|\n/;

/** Removes CR, LF, NUL and the other C0 controls listed above; tabs become spaces. */
export function stripUnsafe(s: string): string {
  return s.replace(/\t/g, ' ').replace(UNSAFE_CONTROLS, '');
}

/** For single-line fields (topic, reasons, realname): line breaks become one space, then stripUnsafe. */
export function toSingleLine(s: string): string {
  return stripUnsafe(s.split(LINE_BREAKS).join(' '));
}

/** Cuts `s` to at most `maxBytes` UTF-8 bytes without splitting a character or a surrogate pair. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s) <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    bytes += Buffer.byteLength(ch);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}

/** True when the string contains something that could end or corrupt a protocol line. */
export function hasLineBreakOrNul(s: string): boolean {
  return /[\r\n\0]/.test(s);
}

const NICK = /^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]*$/;

/** RFC 2812 nickname (letters, digits, []\`_^{|}-), not starting with a digit or '-'. */
export function isValidNick(nick: string, opts: { maxLength: number }): boolean {
  return nick.length <= opts.maxLength && NICK.test(nick);
}

/**
 * A channel name: starts with one of the server's CHANTYPES, and contains no space, comma, colon
 * (list separators and the trailing-parameter marker) or control character. UTF-8 is allowed, as on
 * InspIRCd and Solanum. maxLength counts bytes, like the server's CHANNELLEN.
 */
export function isValidChannel(name: string, opts: { chantypes?: string; maxLength?: number } = {}): boolean {
  const chantypes = opts.chantypes ?? '#&';
  const first = name[0];
  return (
    first !== undefined &&
    chantypes.includes(first) &&
    name.length >= 2 &&
    Buffer.byteLength(name) <= (opts.maxLength ?? 50) &&
    // eslint-disable-next-line no-control-regex -- control characters are what must be refused
    !/[\s,:\x00-\x1f\x7f]/.test(name)
  );
}

/** A middle protocol parameter (username, channel key, mode argument): one non-empty word. */
export function isValidMiddleParam(p: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what must be refused
  return p.length > 0 && !p.startsWith(':') && !/[\s\x00-\x1f\x7f]/.test(p);
}

/**
 * Turns an arbitrary Matrix display name or localpart into a valid nick: accents are folded
 * (José → Jose), runs of other characters become one '_', a leading digit or '-' gets a '_' in
 * front, and the result is cut to maxLength. Falls back to `fallback` when nothing usable is left.
 */
export function sanitizeNick(desired: string, opts: { maxLength?: number; fallback?: string } = {}): string {
  const maxLength = opts.maxLength ?? 30;
  const fallback = opts.fallback ?? 'matrix_user';
  let nick = desired
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .split(/[^A-Za-z0-9[\]\\`_^{|}-]+/)
    .filter((word) => word !== '')
    .join('_');
  if (/^[0-9-]/.test(nick)) nick = `_${nick}`;
  nick = nick.slice(0, maxLength);
  if (isValidNick(nick, { maxLength })) return nick;
  if (!isValidNick(fallback, { maxLength })) throw new RangeError(`fallback nick ${fallback} is not valid`);
  return fallback;
}

/**
 * Bytes left for the text of one PRIVMSG/NOTICE to `target`, once the server has prefixed it with
 * `:nick!user@host PRIVMSG target :` and appended CRLF for the recipients. `hostmaskLength` is the
 * byte length of `nick!user@host` as others see it (callers that do not know it pass a worst case).
 */
export function lineBudget(target: string, opts: { lineLength?: number; hostmaskLength: number }): number {
  const lineLength = opts.lineLength ?? DEFAULT_LINE_LENGTH;
  const overhead = 1 + opts.hostmaskLength + ' PRIVMSG '.length + Buffer.byteLength(target) + ' :'.length + 2;
  return lineLength - overhead;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Splits a message into protocol-safe lines of at most `maxBytes` UTF-8 bytes each. Each input line
 * becomes at least one output line (empty lines are dropped: IRC cannot send them). Long lines break
 * at the last whitespace that fits, else between grapheme clusters, else (a single cluster larger
 * than the budget) between code points: never inside a multi-byte character or a surrogate pair.
 */
export function splitMessage(text: string, maxBytes: number): string[] {
  if (maxBytes < 4) throw new RangeError(`maxBytes ${maxBytes} cannot hold one UTF-8 character`);
  const out: string[] = [];
  for (const rawLine of text.split(LINE_BREAKS)) {
    const line = stripUnsafe(rawLine);
    if (line.trim() === '') continue;
    out.push(...splitLine(line, maxBytes));
  }
  return out;
}

function splitLine(line: string, maxBytes: number): string[] {
  if (Buffer.byteLength(line) <= maxBytes) return [line];
  const pieces: string[] = [];
  let current = '';
  let currentBytes = 0;
  // Index in `current` just after its last whitespace: the preferred place to break.
  let lastSpace = -1;
  for (const { segment } of graphemes.segment(line)) {
    for (const unit of fitting(segment, maxBytes)) {
      const bytes = Buffer.byteLength(unit);
      const isSpace = /^\s+$/.test(unit);
      if (isSpace && (currentBytes + bytes > maxBytes || (current === '' && pieces.length > 0))) {
        // The best break of all: here, dropping the whitespace (also at the start of a continuation).
        pieces.push(current.trimEnd());
        current = '';
        currentBytes = 0;
        lastSpace = -1;
        continue;
      }
      while (currentBytes + bytes > maxBytes) {
        if (lastSpace > 0) {
          pieces.push(current.slice(0, lastSpace).trimEnd());
          current = current.slice(lastSpace).trimStart();
        } else {
          pieces.push(current);
          current = '';
        }
        currentBytes = Buffer.byteLength(current);
        lastSpace = -1;
      }
      current += unit;
      currentBytes += bytes;
      if (isSpace) lastSpace = current.length;
    }
  }
  pieces.push(current);
  return pieces.filter((piece) => piece.trim() !== '');
}

/** A grapheme cluster as is when it fits the budget, else its code points (e.g. long ZWJ sequences). */
function fitting(segment: string, maxBytes: number): string[] {
  return Buffer.byteLength(segment) <= maxBytes ? [segment] : Array.from(segment);
}
