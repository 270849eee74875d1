import sanitize from 'sanitize-html';

/** Escapes text for inclusion in HTML: remote text is escaped BEFORE markup is added. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

// The tags and attributes the Matrix spec suggests clients allow (client-server API, m.room.message msgtypes).
const ALLOWED_TAGS = [
  'font',
  'del',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'p',
  'a',
  'ul',
  'ol',
  'sup',
  'sub',
  'li',
  'b',
  'i',
  'u',
  'strong',
  'em',
  's',
  'strike',
  'code',
  'hr',
  'br',
  'div',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'caption',
  'pre',
  'span',
  'img',
  'details',
  'summary',
  'mx-reply',
];

const OPTIONS: sanitize.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    font: ['data-mx-bg-color', 'data-mx-color', 'color'],
    span: ['data-mx-bg-color', 'data-mx-color', 'data-mx-spoiler', 'data-mx-maths'],
    a: ['name', 'target', 'href'],
    img: ['width', 'height', 'alt', 'title', 'src', 'data-mx-emoticon'],
    ol: ['start'],
    code: ['class'],
    div: ['data-mx-maths'],
  },
  allowedSchemes: ['https', 'http', 'ftp', 'mailto', 'magnet'],
  allowedSchemesByTag: { img: ['mxc'] },
  allowedClasses: { code: [/^language-[\w-]+$/] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
};

/** Sanitises HTML against the Matrix allow-list; images may only point at `mxc://`. */
export function sanitizeHtml(html: string): string {
  return sanitize(html, OPTIONS);
}

/** Removes a reply fallback (`<mx-reply>` and the quoted `> ` lines) that older clients add. */
export function stripReplyFallback(body: string, html?: string): { body: string; html?: string } {
  const lines = body.split('\n');
  let i = 0;
  if (lines[0]?.startsWith('> <')) {
    while (i < lines.length && lines[i]?.startsWith('>')) i++;
    if (lines[i] === '') i++;
  }
  const cleanBody = lines.slice(i).join('\n');
  const cleanHtml = html?.replace(/^[\s\S]*?<\/mx-reply>/, '');
  return cleanHtml === undefined ? { body: cleanBody } : { body: cleanBody, html: cleanHtml };
}

/** A user pill as clients render it. */
export function pill(userId: string, name: string): string {
  return `<a href="https://matrix.to/#/${encodeURIComponent(userId)}">${escapeHtml(name)}</a>`;
}

/** User ids linked as pills in HTML. */
export function pillUserIds(html: string): string[] {
  const ids = new Set<string>();
  for (const m of html.matchAll(/href="https:\/\/matrix\.to\/#\/((?:@|%40)[^"?/]+)/g)) {
    ids.add(decodeURIComponent(m[1] as string));
  }
  return [...ids];
}
