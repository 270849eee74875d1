/**
 * Matrix HTML (already sanitised by the core) → IRC text with mIRC control codes. Pills become the
 * nick the person has on IRC; links keep their URL; block elements become lines (the caller splits
 * them into protocol lines). Control characters inside the text are left for SafeClient to strip.
 */
import { Parser } from 'htmlparser2';
import { IRC_COLOURS } from './formatting';

const CODES = { b: '\x02', i: '\x1d', u: '\x1f', s: '\x1e', m: '\x11' } as const;
type Toggle = keyof typeof CODES;
const TAG_STYLE: Record<string, Toggle> = {
  b: 'b',
  strong: 'b',
  i: 'i',
  em: 'i',
  u: 'u',
  s: 's',
  del: 's',
  strike: 's',
  code: 'm',
};
const BLOCKS = new Set([
  'p',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'tr',
  'pre',
  'details',
  'summary',
]);

/** Resolves a pill (`https://matrix.to/#/@user:server`) to the nick to write, or undefined. */
export type PillResolver = (userId: string, linkText: string) => string | undefined;

/** The nearest of the 16 mIRC colours to `#rrggbb`, as its two-digit code. */
export function nearestColour(hex: string): string | undefined {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) return undefined;
  const [r, g, b] = [m[1], m[2], m[3]].map((v) => parseInt(v as string, 16)) as [number, number, number];
  let best = 0;
  let bestDistance = Infinity;
  IRC_COLOURS.forEach((c, i) => {
    const d =
      (parseInt(c.slice(1, 3), 16) - r) ** 2 +
      (parseInt(c.slice(3, 5), 16) - g) ** 2 +
      (parseInt(c.slice(5, 7), 16) - b) ** 2;
    if (d < bestDistance) [best, bestDistance] = [i, d];
  });
  return String(best).padStart(2, '0');
}

export function htmlToIrc(html: string, resolvePill: PillResolver): string {
  let out = '';
  const depth: Record<Toggle, number> = { b: 0, i: 0, u: 0, s: 0, m: 0 };
  const colours: (string | null)[] = [];
  const lists: { ordered: boolean; n: number }[] = [];
  const links: { href: string; text: string; pill?: string | undefined; start: number }[] = [];
  let quote = 0;
  let pre = 0;
  let skip = 0;
  const atLineStart = () => out === '' || out.endsWith('\n');
  const newline = () => {
    if (!atLineStart()) out += '\n';
  };
  const write = (text: string) => {
    for (const [i, part] of text.split('\n').entries()) {
      if (i > 0) out += '\n';
      if (part === '') continue;
      if (atLineStart()) out += '> '.repeat(quote) + (pre > 0 ? CODES.m : '');
      out += part;
    }
  };
  const toggle = (style: Toggle, on: boolean) => {
    depth[style] += on ? 1 : -1;
    if ((on && depth[style] === 1) || (!on && depth[style] === 0)) out += CODES[style];
  };
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (skip > 0 || name === 'mx-reply') return void (skip += name === 'mx-reply' ? 1 : 0);
        const style = TAG_STYLE[name];
        if (style && !(name === 'code' && pre > 0)) toggle(style, true);
        if (BLOCKS.has(name) || name === 'blockquote' || name === 'ul' || name === 'ol') newline();
        if (name === 'pre') pre += 1;
        if (name === 'blockquote') quote += 1;
        if (name === 'ul' || name === 'ol')
          lists.push({ ordered: name === 'ol', n: Number(attrs.start ?? 1) });
        if (name === 'li') {
          newline();
          const list = lists.at(-1);
          write(list?.ordered ? `${list.n++}. ` : '• ');
        }
        if (name === 'br') write('\n');
        if (name === 'hr') {
          newline();
          write('---\n');
        }
        if (name === 'img') write(attrs.alt ?? attrs.title ?? '');
        if (name === 'font' || name === 'span') {
          const code = nearestColour(attrs['data-mx-color'] ?? attrs.color ?? '');
          colours.push(code ?? null);
          if (code) out += `\x03${code}`;
        }
        if (name === 'a') {
          const href = attrs.href ?? '';
          const pill = /^https:\/\/matrix\.to\/#\/((?:@|%40)[^/?]+)/.exec(href);
          links.push({
            href,
            text: '',
            pill: pill ? decodeURIComponent(pill[1] as string) : undefined,
            start: out.length,
          });
        }
      },
      ontext(text) {
        if (skip > 0) return;
        const link = links.at(-1);
        if (link) link.text += text;
        write(pre > 0 ? text : text.replace(/\s*\n\s*/g, ' '));
      },
      onclosetag(name) {
        if (name === 'mx-reply') return void (skip -= 1);
        if (skip > 0) return;
        const style = TAG_STYLE[name];
        if (style && !(name === 'code' && pre > 0)) toggle(style, false);
        if (name === 'pre') pre -= 1;
        if (name === 'blockquote') quote -= 1;
        if (name === 'ul' || name === 'ol') lists.pop();
        if (BLOCKS.has(name) || name === 'blockquote' || name === 'li') newline();
        if ((name === 'font' || name === 'span') && colours.pop()) {
          const outer = colours.filter((c): c is string => !!c).at(-1);
          out += outer ? `\x03${outer}` : '\x03';
        }
        if (name === 'a') {
          const link = links.pop();
          if (!link) return;
          const nick = link.pill ? resolvePill(link.pill, link.text) : undefined;
          if (nick !== undefined) out = out.slice(0, link.start) + nick;
          else if (!link.pill && link.href && link.href !== link.text && `mailto:${link.text}` !== link.href)
            out += ` (${link.href})`;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return out.replace(/\n{3,}/g, '\n\n').trim();
}
