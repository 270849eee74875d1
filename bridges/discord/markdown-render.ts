/**
 * Renders the Discord syntax tree (`markdown.ts`) as Matrix HTML and as the plain-text body.
 * Every text leaf goes through `escapeHtml`; the only markup is what this file writes, and link
 * targets are restricted to http(s) and Matrix permalinks.
 */
import { escapeHtml, pill } from '../../src/sdk';
import { isBlock, type Node } from './markdown';

/** How ids in the message are shown; the caller resolves them before rendering. */
export interface RenderNames {
  /** A Discord user: their name, and the Matrix id of their ghost for a pill. */
  user(id: string): { readonly name: string; readonly mxid?: string };
  /** A channel: its name, and a matrix.to link when it is bridged. */
  channel(id: string): { readonly name: string; readonly href?: string };
  role(id: string): string;
  /** A custom emoji's `mxc://` URI once uploaded; without one it stays `:name:`. */
  emoji?(id: string): string | undefined;
}

const SAFE_HREF = /^https?:\/\/[^\s"'<>]+$/i;

/** A `<t:…>` timestamp as fixed text (Matrix has no live timestamps). */
export function formatTime(ts: number, style: string): string {
  const d = new Date(ts * 1000);
  if (Number.isNaN(d.getTime())) return String(ts);
  const iso = d.toISOString();
  return style === 'd' || style === 'D' ? iso.slice(0, 10) : `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

export function renderHtml(nodes: readonly Node[], names: RenderNames): string {
  return nodes.map((n) => htmlOf(n, names)).join('');
}

function htmlOf(n: Node, names: RenderNames): string {
  const inner = (c: readonly Node[]) => renderHtml(c, names);
  switch (n.t) {
    case 'text':
      return escapeHtml(n.v);
    case 'br':
      return '<br>';
    case 'strong':
      return `<strong>${inner(n.c)}</strong>`;
    case 'em':
      return `<em>${inner(n.c)}</em>`;
    case 'u':
      return `<u>${inner(n.c)}</u>`;
    case 'del':
      return `<del>${inner(n.c)}</del>`;
    case 'spoiler':
      return `<span data-mx-spoiler>${inner(n.c)}</span>`;
    case 'code':
      return `<code>${escapeHtml(n.v)}</code>`;
    case 'pre': {
      const lang = /^[\w-]{1,30}$/.test(n.lang) ? ` class="language-${n.lang}"` : '';
      return `<pre><code${lang}>${escapeHtml(n.v)}</code></pre>`;
    }
    case 'link':
      return SAFE_HREF.test(n.href) ? `<a href="${escapeHtml(n.href)}">${inner(n.c)}</a>` : inner(n.c);
    case 'user': {
      const u = names.user(n.id);
      return u.mxid ? pill(u.mxid, u.name) : escapeHtml(`@${u.name}`);
    }
    case 'channel': {
      const c = names.channel(n.id);
      const text = escapeHtml(`#${c.name}`);
      return c.href && /^https:\/\/matrix\.to\/#\/[!#][^"<>\s]+$/.test(c.href)
        ? `<a href="${escapeHtml(c.href)}">${text}</a>`
        : text;
    }
    case 'role':
      return escapeHtml(`@${names.role(n.id)}`);
    case 'emoji': {
      const label = escapeHtml(`:${n.name}:`);
      const mxc = names.emoji?.(n.id);
      // MSC2545's inline custom emoji; the mxc comes from our own upload, checked all the same.
      return mxc && /^mxc:\/\/[\w.:-]+\/[\w-]+$/.test(mxc)
        ? `<img data-mx-emoticon src="${mxc}" alt="${label}" title="${label}" height="32">`
        : label;
    }
    case 'time':
      return escapeHtml(formatTime(n.ts, n.style));
    case 'command':
      return `<code>${escapeHtml(`/${n.name}`)}</code>`;
    case 'quote':
      return `<blockquote>${inner(n.c)}</blockquote>`;
    case 'h':
      return `<h${n.level}>${inner(n.c)}</h${n.level}>`;
    case 'sub':
      return `<sub>${inner(n.c)}</sub>`;
    case 'list': {
      const tag = n.ordered ? 'ol' : 'ul';
      const start = n.ordered && n.start !== 1 ? ` start="${n.start}"` : '';
      return `<${tag}${start}>${n.items.map((i) => `<li>${inner(i)}</li>`).join('')}</${tag}>`;
    }
  }
}

/** The plain body: formatting markers dropped, mentions as names, quotes and code kept readable. */
export function renderPlain(nodes: readonly Node[], names: RenderNames): string {
  let out = '';
  for (const [i, n] of nodes.entries()) {
    const text = plainOf(n, names);
    // Blocks sit on their own lines in the plain body too.
    if (isBlock(n) && out && !out.endsWith('\n')) out += '\n';
    out += text;
    if (isBlock(n) && i < nodes.length - 1 && nodes[i + 1]?.t !== 'br') out += '\n';
  }
  return out;
}

function plainOf(n: Node, names: RenderNames): string {
  const inner = (c: readonly Node[]) => renderPlain(c, names);
  switch (n.t) {
    case 'text':
      return n.v;
    case 'br':
      return '\n';
    case 'strong':
    case 'em':
    case 'u':
    case 'del':
    case 'sub':
    case 'h':
      return inner(n.c);
    case 'spoiler':
      return `||${inner(n.c)}||`;
    case 'code':
      return `\`${n.v}\``;
    case 'pre':
      return `\`\`\`${n.lang}\n${n.v}\n\`\`\``;
    case 'link': {
      const label = inner(n.c);
      return label === n.href ? label : `${label} (${n.href})`;
    }
    case 'user':
      return `@${names.user(n.id).name}`;
    case 'channel':
      return `#${names.channel(n.id).name}`;
    case 'role':
      return `@${names.role(n.id)}`;
    case 'emoji':
      return `:${n.name}:`;
    case 'time':
      return formatTime(n.ts, n.style);
    case 'command':
      return `/${n.name}`;
    case 'quote':
      return inner(n.c)
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n');
    case 'list':
      return n.items.map((item, i) => `${n.ordered ? `${n.start + i}.` : '-'} ${inner(item)}`).join('\n');
  }
}

/** Whether the message needs HTML at all (anything but text and line breaks). */
export function hasFormatting(nodes: readonly Node[]): boolean {
  return nodes.some((n) => n.t !== 'text' && n.t !== 'br');
}

/** Ids the renderer will ask about, so the caller can resolve them (async) beforehand. */
export function collectIds(
  nodes: readonly Node[],
  into = {
    users: new Set<string>(),
    channels: new Set<string>(),
    roles: new Set<string>(),
    /** Custom emoji by id: whether it is animated. */
    emojis: new Map<string, boolean>(),
  },
) {
  for (const n of nodes) {
    if (n.t === 'user') into.users.add(n.id);
    else if (n.t === 'emoji') into.emojis.set(n.id, n.animated);
    else if (n.t === 'channel') into.channels.add(n.id);
    else if (n.t === 'role') into.roles.add(n.id);
    else if (n.t === 'list') for (const item of n.items) collectIds(item, into);
    else if ('c' in n) collectIds(n.c, into);
  }
  return into;
}
