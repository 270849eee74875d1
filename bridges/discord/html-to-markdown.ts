/**
 * Matrix HTML (already sanitised by the core) → Discord markdown (pure). Text is escaped for
 * markdown; mentions are rebuilt only for users the message really mentioned; and a final pass
 * neutralises any mention syntax that text pieces might form together (`&lt;` + `@123&gt;` in
 * separate nodes), with our own mentions protected by placeholders during that pass.
 */
import { DomUtils, parseDOM } from 'htmlparser2';
import { escapeMarkdown, neutraliseMentions } from './discord-text';

type DomNode = ReturnType<typeof parseDOM>[number];

export interface MentionTarget {
  /** The Discord user id behind a Matrix user id (a ghost), or null. */
  discordIdOf(userId: string): string | null;
  /** Discord user ids the message may ping (resolved by the core from `m.mentions` and pills). */
  readonly mentioned: ReadonlySet<string>;
}

// Private-use characters mark our own `<@id>` while the neutraliser runs; input never keeps them.
const OPEN = '\ue000';
const CLOSE = '\ue001';
const PLACEHOLDER = /\ue000(\d{1,21})\ue001/g;

/** Finishes content: neutralises every mention the text could form, then restores ours. */
export function finishContent(markdown: string): string {
  return neutraliseMentions(markdown).replace(PLACEHOLDER, '<@$1>');
}

/** A plain Matrix body as Discord content: escaped, mentions neutralised. */
export function plainToDiscord(body: string): string {
  return finishContent(escapeMarkdown(stripMarkers(body)));
}

/** Converts sanitised Matrix HTML to Discord markdown. */
export function htmlToDiscord(html: string, mentions: MentionTarget): string {
  const md = render(parseDOM(stripMarkers(html)), { mentions, list: null, depth: 0 });
  return finishContent(tidy(md));
}

const stripMarkers = (s: string) => s.replace(/[\ue000\ue001]/g, '');

interface State {
  readonly mentions: MentionTarget;
  readonly list: { ordered: boolean; index: number } | null;
  readonly depth: number;
}

const BLOCK = new Set([
  'p',
  'div',
  'blockquote',
  'pre',
  'ul',
  'ol',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'table',
  'tr',
  'details',
]);

function render(nodes: readonly DomNode[], st: State): string {
  return nodes.map((n) => renderNode(n, st)).join('');
}

/** Emphasis markers must hug their text in Discord; spaces move outside. */
function wrap(marker: string, inner: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner);
  if (!m || !m[2]) return inner;
  return `${m[1]}${marker}${m[2]}${marker}${m[3]}`;
}

function renderNode(node: DomNode, st: State): string {
  if (DomUtils.isText(node)) {
    // HTML whitespace (including newlines) collapses, as a browser would show it.
    return escapeMarkdown(node.data.replace(/\s+/g, ' '));
  }
  if (!DomUtils.isTag(node)) return '';
  if (st.depth > 40) return escapeMarkdown(DomUtils.textContent(node));
  const next: State = { ...st, depth: st.depth + 1 };
  const inner = () => render(node.children, next);
  const name = node.name.toLowerCase();
  switch (name) {
    case 'mx-reply':
    case 'script':
    case 'style':
      return '';
    case 'br':
      return '\n';
    case 'strong':
    case 'b':
      return wrap('**', inner());
    case 'em':
    case 'i':
      return wrap('*', inner());
    case 'u':
      return wrap('__', inner());
    case 'del':
    case 's':
    case 'strike':
      return wrap('~~', inner());
    case 'code':
      return inlineCode(DomUtils.textContent(node));
    case 'pre':
      return `\n${codeBlock(node)}\n`;
    case 'span':
      return node.attribs['data-mx-spoiler'] !== undefined ? wrap('||', inner()) : inner();
    case 'a':
      return link(node, inner(), st);
    case 'img': {
      const alt = node.attribs.alt ?? node.attribs.title ?? '';
      return escapeMarkdown(alt || '[image]');
    }
    case 'blockquote':
      // Paragraph gaps inside a quote would end it: Discord needs "> " on every line.
      return `\n${tidy(inner())
        .replace(/\n{2,}/g, '\n')
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n')}\n`;
    case 'h1':
    case 'h2':
    case 'h3':
      return `\n${'#'.repeat(Number(name[1]))} ${inner().replace(/\n+/g, ' ').trim()}\n`;
    case 'h4':
    case 'h5':
    case 'h6':
      return `\n${wrap('**', inner().replace(/\n+/g, ' '))}\n`;
    case 'ul':
    case 'ol': {
      const start = Number(node.attribs.start ?? 1);
      const list = { ordered: name === 'ol', index: Number.isFinite(start) ? start : 1 };
      return `\n${render(node.children, { ...next, list })}\n`;
    }
    case 'li': {
      const marker = st.list?.ordered ? `${st.list.index++}.` : '-';
      // Continuation lines (and nested lists) are indented under the item.
      return `\n${marker} ${tidy(inner()).replace(/\n+/g, '\n  ')}`;
    }
    case 'hr':
      return '\n───\n';
    case 'td':
    case 'th':
      return `${inner().trim()} | `;
    default:
      return BLOCK.has(name) ? `\n${inner()}\n` : inner();
  }
}

function inlineCode(text: string): string {
  const clean = text.replace(/\n/g, ' ');
  if (!clean) return '';
  if (!clean.includes('`')) return `\`${clean}\``;
  // Double backticks hold single ones; a run of two or more cannot be represented, so break it.
  return `\`\` ${clean.replace(/``+/g, (m) => m.split('').join('\u200b'))} \`\``;
}

function codeBlock(pre: DomNode): string {
  const code = DomUtils.isTag(pre)
    ? pre.children.find((c) => DomUtils.isTag(c) && c.name === 'code')
    : undefined;
  const cls = code && DomUtils.isTag(code) ? (code.attribs.class ?? '') : '';
  const lang = /(?:^|\s)language-([\w+-]{1,30})/.exec(cls)?.[1] ?? '';
  const text = DomUtils.textContent(pre).replace(/\n$/, '');
  // A fence inside the code would close the block early.
  return `\`\`\`${lang}\n${text.replace(/```/g, '`\u200b`\u200b`')}\n\`\`\``;
}

function link(node: DomNode & { attribs: Record<string, string> }, label: string, st: State): string {
  const href = node.attribs.href ?? '';
  const pill = /^https:\/\/matrix\.to\/#\/((?:@|%40)[^/?]+)/.exec(href);
  if (pill) {
    const userId = safeDecode(pill[1] ?? '');
    const discordId = st.mentions.discordIdOf(userId);
    if (discordId && st.mentions.mentioned.has(discordId)) return `${OPEN}${discordId}${CLOSE}`;
    return label;
  }
  if (!/^https?:\/\/[^\s<>]+$/i.test(href)) return label;
  const text = DomUtils.textContent(node).trim();
  if (!text || text === href) return href;
  // Masked link; the label may not contain brackets, the target may not contain `)`.
  const target = href.replace(/\)/g, '%29').replace(/\(/g, '%28');
  return `[${label.replace(/\\?[[\]]/g, '')}](${target})`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Collapses the newlines block elements leave behind. */
function tidy(md: string): string {
  return md
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '');
}
