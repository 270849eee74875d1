/**
 * Discord markdown → a small syntax tree (pure). Rendering to Matrix HTML and plain text is in
 * `markdown-render.ts`; keeping the parse separate lets the renderer escape every text leaf, so
 * Discord text can never reach `formatted_body` as markup.
 *
 * The grammar follows what Discord clients render (simple-markdown rules): code blocks and inline
 * code first (nothing inside is parsed), escapes, links, mentions, emphasis, spoilers, and at line
 * starts quotes (`>`, `>>>`), headings (`#`..`###`), subtext (`-#`) and lists.
 */

export type Inline =
  | { readonly t: 'text'; readonly v: string }
  | { readonly t: 'br' }
  | { readonly t: 'strong' | 'em' | 'u' | 'del' | 'spoiler'; readonly c: Node[] }
  | { readonly t: 'code'; readonly v: string }
  | { readonly t: 'pre'; readonly lang: string; readonly v: string }
  | { readonly t: 'link'; readonly href: string; readonly c: Node[] }
  | { readonly t: 'user' | 'channel' | 'role'; readonly id: string }
  | { readonly t: 'emoji'; readonly name: string; readonly id: string; readonly animated: boolean }
  | { readonly t: 'time'; readonly ts: number; readonly style: string }
  | { readonly t: 'command'; readonly name: string };

export type Block =
  | { readonly t: 'quote'; readonly c: Node[] }
  | { readonly t: 'h'; readonly level: 1 | 2 | 3; readonly c: Node[] }
  | { readonly t: 'sub'; readonly c: Node[] }
  | { readonly t: 'list'; readonly ordered: boolean; readonly start: number; readonly items: Node[][] };

export type Node = Inline | Block;

/** Deeper nesting than this is left as text: hostile input must not cost stack or time. */
const MAX_DEPTH = 12;

/** `_x_` is emphasis only at word boundaries (`snake_case_name` stays text). */
const UNDERSCORE_EM = /_(?=\S)([\s\S]*?\S)_(?![A-Za-z0-9_])/y;

type Rule = readonly [RegExp, (m: RegExpExecArray, depth: number) => Node | null];

const inner = (s: string, depth: number): Node[] => parseInline(s, depth + 1);

/** Inline rules, tried in order at each position (all sticky). */
const RULES: readonly Rule[] = [
  [/\\([^\sA-Za-z0-9])/y, (m) => ({ t: 'text', v: m[1] ?? '' })],
  [
    /```(?:([\w+\-.#]+)\n)?([\s\S]*?)```/y,
    (m) => {
      const v = (m[2] ?? '').replace(/^\n+|\n+$/g, '');
      return v ? { t: 'pre', lang: m[1] ?? '', v } : null;
    },
  ],
  [/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/y, (m) => ({ t: 'code', v: (m[2] ?? '').replace(/^ (.*) $/s, '$1') })],
  [/<(https?:\/\/[^\s>]+)>/y, (m) => ({ t: 'link', href: m[1] ?? '', c: [{ t: 'text', v: m[1] ?? '' }] })],
  [
    /\[([^[\]\n]+)\]\(<?(https?:\/\/[^\s)>]+)>?\)/y,
    (m, d) => ({ t: 'link', href: m[2] ?? '', c: linkFree(inner(m[1] ?? '', d)) }),
  ],
  [/https?:\/\/[^\s<]+[^<.,:;"')\]\s|*_~]/y, (m) => ({ t: 'link', href: m[0], c: [{ t: 'text', v: m[0] }] })],
  [/<@!?(\d{1,21})>/y, (m) => ({ t: 'user', id: m[1] ?? '' })],
  [/<@&(\d{1,21})>/y, (m) => ({ t: 'role', id: m[1] ?? '' })],
  [/<#(\d{1,21})>/y, (m) => ({ t: 'channel', id: m[1] ?? '' })],
  [
    /<(a?):(\w{1,32}):(\d{1,21})>/y,
    (m) => ({ t: 'emoji', animated: m[1] === 'a', name: m[2] ?? '', id: m[3] ?? '' }),
  ],
  [/<t:(-?\d{1,13})(?::([tTdDfFR]))?>/y, (m) => ({ t: 'time', ts: Number(m[1]), style: m[2] ?? 'f' })],
  [/<\/([\w -]{1,100}):\d{1,21}>/y, (m) => ({ t: 'command', name: m[1] ?? '' })],
  [/\*\*(?=\S)([\s\S]*?\S)\*\*(?!\*)/y, (m, d) => ({ t: 'strong', c: inner(m[1] ?? '', d) })],
  [/__(?=\S)([\s\S]*?\S)__(?!_)/y, (m, d) => ({ t: 'u', c: inner(m[1] ?? '', d) })],
  [/\*(?=[^\s*])([\s\S]*?[^\s\\])\*(?!\*)/y, (m, d) => ({ t: 'em', c: inner(m[1] ?? '', d) })],
  [UNDERSCORE_EM, (m, d) => ({ t: 'em', c: inner(m[1] ?? '', d) })],
  [/~~(?=\S)([\s\S]*?\S)~~/y, (m, d) => ({ t: 'del', c: inner(m[1] ?? '', d) })],
  [/\|\|([\s\S]+?)\|\|/y, (m, d) => ({ t: 'spoiler', c: inner(m[1] ?? '', d) })],
];

/** Plain runs: anything that cannot start a rule (`h` may start a URL, so it stops a run). */
const TEXT = /[^\\`<[*_~|\nh]+|[\s\S]/y;

/** Links never nest in Discord: a masked link's label keeps only its text. */
function linkFree(nodes: Node[]): Node[] {
  return nodes.map((n) => (n.t === 'link' ? { t: 'text', v: textOf(n.c) } : n));
}

/** The text content of nodes (for labels and snippets). */
export function textOf(nodes: readonly Node[]): string {
  return nodes
    .map((n) => {
      if (n.t === 'text' || n.t === 'code' || n.t === 'pre') return n.v;
      if (n.t === 'br') return '\n';
      if ('c' in n) return textOf(n.c);
      return '';
    })
    .join('');
}

/** Parses inline markdown; `_word_` only counts at word boundaries, as in Discord. */
export function parseInline(s: string, depth = 0): Node[] {
  if (depth > MAX_DEPTH) return [{ t: 'text', v: s }];
  const out: Node[] = [];
  let pos = 0;
  const push = (n: Node) => {
    const last = out.at(-1);
    if (n.t === 'text' && last?.t === 'text') out[out.length - 1] = { t: 'text', v: last.v + n.v };
    else out.push(n);
  };
  outer: while (pos < s.length) {
    if (s[pos] === '\n') {
      push({ t: 'br' });
      pos++;
      continue;
    }
    for (const [re, make] of RULES) {
      // `_` opens emphasis only after a non-word character.
      if (re === UNDERSCORE_EM && pos > 0 && /\w/.test(s[pos - 1] ?? '')) continue;
      re.lastIndex = pos;
      const m = re.exec(s);
      if (!m) continue;
      // Read the end first: `make` recurses, and the recursion reuses these sticky regexes.
      const end = re.lastIndex;
      const node = make(m, depth);
      if (!node) continue;
      push(node);
      pos = end;
      continue outer;
    }
    TEXT.lastIndex = pos;
    const m = TEXT.exec(s) as RegExpExecArray;
    push({ t: 'text', v: m[0] });
    pos = TEXT.lastIndex;
  }
  return out;
}

const HEADING = /^(#{1,3}) (?=\S)(.*)$/;
const SUBTEXT = /^-# (?=\S)(.*)$/;
const LIST_ITEM = /^(\s*)([-*]|(\d{1,9})\.) (?=\S)(.*)$/;
const QUOTE = /^> (.*)$/;

/**
 * Parses a whole message: line-start blocks, with inline content in between. A code block may
 * span lines, so a line that opens one is parsed inline together with the lines it covers.
 */
export function parseDiscordMarkdown(text: string, depth = 0): Node[] {
  const lines = text.split('\n');
  const out: Node[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length === 0) return;
    if (out.length > 0 && out.at(-1)?.t !== 'br' && !isBlock(out.at(-1))) out.push({ t: 'br' });
    out.push(...parseInline(para.join('\n'), depth));
    para = [];
  };
  const block = (n: Node) => {
    flush();
    out.push(n);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    // An open code fence swallows the following lines up to its close.
    if (openFences(para.join('\n')) % 2 === 1) {
      para.push(line);
      continue;
    }
    if (depth < 2 && /^>>> ?/.test(line)) {
      const rest = [line.replace(/^>>> ?/, ''), ...lines.slice(i + 1)].join('\n');
      block({ t: 'quote', c: parseDiscordMarkdown(rest, depth + 1) });
      break;
    }
    let m: RegExpExecArray | null;
    if (depth < 2 && QUOTE.test(line) && openFences(line) === 0) {
      const quoted: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i] ?? ''))
        quoted.push((lines[i++] ?? '').replace(QUOTE, '$1'));
      i--;
      block({ t: 'quote', c: parseDiscordMarkdown(quoted.join('\n'), depth + 1) });
    } else if ((m = HEADING.exec(line))) {
      const level = (m[1] ?? '#').length as 1 | 2 | 3;
      block({ t: 'h', level, c: parseInline(m[2] ?? '', depth) });
    } else if ((m = SUBTEXT.exec(line))) {
      block({ t: 'sub', c: parseInline(m[1] ?? '', depth) });
    } else if ((m = LIST_ITEM.exec(line)) && openFences(line) === 0) {
      const ordered = m[3] !== undefined;
      const items: Node[][] = [];
      let item: RegExpExecArray | null;
      while (
        i < lines.length &&
        (item = LIST_ITEM.exec(lines[i] ?? '')) &&
        (item[3] !== undefined) === ordered
      ) {
        items.push(parseInline(item[4] ?? '', depth));
        i++;
      }
      i--;
      block({ t: 'list', ordered, start: ordered ? Number(m[3]) : 1, items });
    } else {
      para.push(line);
    }
  }
  flush();
  return out;
}

const openFences = (s: string): number => (s.match(/```/g) ?? []).length;

export function isBlock(n: Node | undefined): boolean {
  return !!n && (n.t === 'quote' || n.t === 'h' || n.t === 'sub' || n.t === 'list' || n.t === 'pre');
}
