/**
 * WhatsApp markup ↔ Matrix HTML. WhatsApp's dialect: `*bold*`, `_italic_`, `~strike~`,
 * ```` ```monospace``` ````, `` `inline code` ``, `> quote` lines, mentions as `@<number>`.
 *
 * Towards Matrix the remote text is HTML-escaped first and only then gets our own tags, so
 * nothing a WhatsApp user types can become markup (the core sanitises again on top).
 */
import { parseDocument } from 'htmlparser2';
import { escapeHtml, pill } from '../../src/sdk';

/** A mentioned user: `token` is what follows `@` in WhatsApp text (the number or lid). */
export interface MentionTarget {
  readonly token: string;
  readonly name: string;
  /** The Matrix user the pill points at (the ghost, or the Matrix user for ourselves). */
  readonly userId: string;
}

// A marker counts only at a word edge, with no space just inside it (as WhatsApp renders it).
const EDGE = String.raw`(^|[\s\p{P}\p{S}])`;
const END = String.raw`(?=$|[\s\p{P}\p{S}])`;
// (`u` mode rejects escaping `_` and `~`, so only `*` is escaped.)
const span = (marker: string) => {
  const m = marker === '*' ? '\\*' : marker;
  return new RegExp(`${EDGE}${m}(?![\\s${m}])([^${m}\\n]*?[^\\s${m}])${m}${END}`, 'gu');
};
const STYLES: readonly [RegExp, string][] = [
  [span('*'), 'strong'],
  [span('_'), 'em'],
  [span('~'), 'del'],
];
const SLOT = /\uE000(\d+)\uE000/g;

/** WhatsApp text → Matrix `body` and, when there is any markup or mention, `formatted_body`. */
export function whatsappToMatrix(
  input: string,
  mentions: readonly MentionTarget[] = [],
): { text: string; html?: string } {
  const raw = input.replace(/\uE000/g, '');
  const byToken = new Map(mentions.map((m) => [m.token, m]));
  const mention = /@([\w-]{5,40})/g;
  const text = raw.replace(mention, (all, token: string) => byToken.get(token)?.name ?? all);
  // Code first: nothing inside it is formatting. Its rendering waits in a numbered slot.
  const slots: string[] = [];
  const slot = (html: string) => `\uE000${slots.push(html) - 1}\uE000`;
  let rest = raw.replace(/```([\s\S]+?)```/g, (_m, code: string) =>
    slot(
      code.includes('\n')
        ? `<pre><code>${escapeHtml(code)}</code></pre>`
        : `<code>${escapeHtml(code)}</code>`,
    ),
  );
  rest = rest.replace(/`([^`\n]+)`/g, (_m, code: string) => slot(`<code>${escapeHtml(code)}</code>`));
  let styled = slots.length > 0;
  const line = (l: string): string => {
    let html = escapeHtml(l);
    for (const [re, tag] of STYLES) {
      html = html.replace(re, (_m, edge: string, inner: string) => {
        styled = true;
        return `${edge}<${tag}>${inner}</${tag}>`;
      });
    }
    return html.replace(mention, (all, token: string) => {
      const m = byToken.get(token);
      if (!m) return all;
      styled = true;
      return pill(m.userId, m.name);
    });
  };
  const out: string[] = [];
  let quote: string[] = [];
  const flushQuote = () => {
    if (quote.length) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
    quote = [];
  };
  for (const l of rest.split('\n')) {
    const q = /^> ?(.*)$/.exec(l);
    if (q) {
      styled = true;
      quote.push(line(q[1] ?? ''));
    } else {
      flushQuote();
      out.push(line(l));
    }
  }
  flushQuote();
  if (!styled) return { text };
  const html = out
    .join('<br>')
    .replace(/<\/blockquote><br>/g, '</blockquote>')
    .replace(SLOT, (_m, i: string) => slots[Number(i)] ?? '');
  return { text, html };
}

type Node = ReturnType<typeof parseDocument>['children'][number];

/** Resolves a Matrix user id from a pill to the `@token` of a WhatsApp user (and its JID), or null. */
export type MentionResolver = (userId: string) => { token: string; jid: string } | null;

const WRAP: Record<string, string> = { strong: '*', b: '*', em: '_', i: '_', del: '~', s: '~', strike: '~' };
const BLOCK = new Set([
  'p',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'table',
]);

/** Keeps surrounding spaces outside the markers: `<b> hi </b>` → ` *hi* `. */
function wrap(inner: string, marker: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner);
  if (!m?.[2]) return inner;
  return `${m[1]}${marker}${m[2]}${marker}${m[3]}`;
}

/** Matrix HTML (already sanitised by the core) → WhatsApp text and the JIDs it mentions. */
export function matrixHtmlToWhatsApp(
  html: string,
  resolve: MentionResolver,
): { text: string; mentions: string[] } {
  const mentions = new Set<string>();
  const render = (nodes: readonly Node[], inPre: boolean): string => nodes.map((n) => one(n, inPre)).join('');
  const one = (node: Node, inPre: boolean): string => {
    if (node.type === 'text') {
      if (inPre) return node.data;
      return /^\s*$/.test(node.data) && node.data.includes('\n') ? '' : node.data.replace(/\s*\n\s*/g, ' ');
    }
    if (!('name' in node) || !('children' in node)) return '';
    const name = node.name.toLowerCase();
    const inner = () => render(node.children as Node[], inPre || name === 'pre');
    const block = (s: string) => (BLOCK.has(name) ? `\n${s}\n` : s);
    switch (name) {
      case 'br':
        return '\n';
      case 'mx-reply':
        return '';
      case 'img':
        return node.attribs.alt ?? '';
      case 'code':
        return inPre ? inner() : wrap(inner(), '```');
      case 'pre':
        return block(`\`\`\`${inner().replace(/\n$/, '')}\`\`\``);
      case 'blockquote':
        return block(
          inner()
            .trim()
            .split('\n')
            .map((l) => `> ${l}`)
            .join('\n'),
        );
      case 'ul':
      case 'ol': {
        const items = node.children.filter((c): c is typeof node => 'name' in c && c.name === 'li');
        const start = Number(node.attribs.start ?? 1) || 1;
        const lines = items.map(
          (li, i) =>
            `${name === 'ol' ? `${start + i}.` : '-'} ${render(li.children as Node[], inPre).trim()}`,
        );
        return block(lines.join('\n'));
      }
      case 'a': {
        const href = node.attribs.href ?? '';
        const text = inner();
        const user = /^https:\/\/matrix\.to\/#\/(@[^/?]+)/.exec(href);
        if (user?.[1]) {
          const target = resolve(decodeURIComponent(user[1]));
          if (!target) return text; // a Matrix user: their name is all WhatsApp can show
          mentions.add(target.jid);
          return `@${target.token}`;
        }
        return !text || text === href || !/^https?:|^mailto:/.test(href) ? text || href : `${text} (${href})`;
      }
      default: {
        const marker = WRAP[name];
        if (marker) return wrap(inner(), marker);
        if (/^h[1-6]$/.test(name)) return block(wrap(inner(), '*'));
        return block(inner());
      }
    }
  };
  const text = render(parseDocument(html).children, false)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { text, mentions: [...mentions] };
}
