/**
 * IRC text → Matrix: mIRC control codes (bold, italic, underline, strikethrough, monospace, colours)
 * become HTML, nicks of people Matrix knows become pills. The remote text is HTML-escaped piece by
 * piece before any markup is added around it; the core sanitises the result once more.
 */

const BOLD = '\x02';
const COLOR = '\x03';
const HEX_COLOR = '\x04';
const RESET = '\x0f';
const MONOSPACE = '\x11';
const REVERSE = '\x16';
const ITALIC = '\x1d';
const STRIKE = '\x1e';
const UNDERLINE = '\x1f';

/** The 16 standard mIRC colours (codes 0-15); 99 and higher codes mean "default". */
export const IRC_COLOURS = [
  '#ffffff', '#000000', '#00007f', '#009300', '#ff0000', '#7f0000', '#9c009c', '#fc7f00',
  '#ffff00', '#00fc00', '#009393', '#00ffff', '#0000fc', '#ff00ff', '#7f7f7f', '#d2d2d2',
]; // prettier-ignore

interface Style {
  b: boolean;
  i: boolean;
  u: boolean;
  s: boolean;
  m: boolean;
  fg?: string;
  bg?: string;
}

interface Segment {
  text: string;
  style: Style;
}

const PLAIN: Style = { b: false, i: false, u: false, s: false, m: false };

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** A nick Matrix knows: where its pill points and the remote user to list in `mentions`. */
export interface Mentionable {
  readonly userId: string;
  readonly mention: string;
}

export interface IrcRendered {
  /** Plain text: control codes removed. */
  readonly text: string;
  /** HTML, only when the line had formatting or mentions. */
  readonly html?: string;
  /** Remote user ids (or Matrix user ids of puppets) mentioned. */
  readonly mentions: readonly string[];
}

/** Splits a line at its control codes into styled text runs. */
export function parseIrc(line: string): Segment[] {
  const out: Segment[] = [];
  let style: Style = { ...PLAIN };
  let text = '';
  const flush = () => {
    if (text) out.push({ text, style: { ...style } });
    text = '';
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    const toggle = { [BOLD]: 'b', [ITALIC]: 'i', [UNDERLINE]: 'u', [STRIKE]: 's', [MONOSPACE]: 'm' }[c] as
      | 'b' | 'i' | 'u' | 's' | 'm' | undefined; // prettier-ignore
    if (toggle) {
      flush();
      style = { ...style, [toggle]: !style[toggle] };
    } else if (c === RESET) {
      flush();
      style = { ...PLAIN };
    } else if (c === COLOR || c === HEX_COLOR) {
      flush();
      const re = c === COLOR ? /^(\d{1,2})(?:,(\d{1,2}))?/ : /^([0-9a-fA-F]{6})(?:,([0-9a-fA-F]{6}))?/;
      const m = re.exec(line.slice(i + 1));
      const pick = (v: string | undefined) =>
        v === undefined ? undefined : c === HEX_COLOR ? `#${v.toLowerCase()}` : IRC_COLOURS[Number(v)];
      if (!m) {
        const { fg: _fg, bg: _bg, ...rest } = style;
        style = rest;
      } else {
        i += m[0].length;
        const fg = pick(m[1]);
        const bg = m[2] === undefined ? style.bg : pick(m[2]);
        style = { ...style, fg, bg };
      }
    } else if (c === REVERSE || c < ' ') {
      // Reverse video has no Matrix equivalent; other control characters are dropped.
      continue;
    } else {
      text += c;
    }
  }
  flush();
  return out;
}

const NICK_WORD = /[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]*/g;

/**
 * Renders one IRC line for Matrix. `lookup` answers for a word whether it is the nick of someone
 * Matrix knows (a ghost, or a puppet's Matrix user); those become pills.
 */
export function ircToMatrix(line: string, lookup: (word: string) => Mentionable | undefined): IrcRendered {
  const segments = parseIrc(line);
  const mentions = new Set<string>();
  let formatted = false;
  let html = '';
  let text = '';
  for (const seg of segments) {
    text += seg.text;
    let inner = '';
    let last = 0;
    for (const m of seg.text.matchAll(NICK_WORD)) {
      const hit = lookup(m[0]);
      if (!hit) continue;
      mentions.add(hit.mention);
      inner += escapeHtml(seg.text.slice(last, m.index));
      inner += `<a href="https://matrix.to/#/${encodeURIComponent(hit.userId)}">${escapeHtml(m[0])}</a>`;
      last = m.index + m[0].length;
    }
    inner += escapeHtml(seg.text.slice(last));
    const s = seg.style;
    if (s.fg || s.bg) {
      const fg = s.fg ? ` data-mx-color="${s.fg}"` : '';
      const bg = s.bg ? ` data-mx-bg-color="${s.bg}"` : '';
      inner = `<font${fg}${bg}>${inner}</font>`;
    }
    for (const [on, tag] of [
      [s.m, 'code'],
      [s.s, 'del'],
      [s.u, 'u'],
      [s.i, 'em'],
      [s.b, 'strong'],
    ] as const) {
      if (on) inner = `<${tag}>${inner}</${tag}>`;
    }
    formatted ||= s.b || s.i || s.u || s.s || s.m || !!s.fg || !!s.bg;
    html += inner;
  }
  return formatted || mentions.size > 0 ? { text, html, mentions: [...mentions] } : { text, mentions: [] };
}

/** Text without control codes (topics, part reasons, nicks in notices). */
export function stripFormatting(line: string): string {
  return parseIrc(line)
    .map((s) => s.text)
    .join('');
}
